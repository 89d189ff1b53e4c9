#include "ingest/decompressor.h"

namespace callhome {

std::unique_ptr<Decompressor> make_decompressor(Compression kind) {
  switch (kind) {
    case Compression::gzip:
      return make_gzip_decompressor();
    case Compression::bzip2:
      return make_bzip2_decompressor();
    case Compression::xz:
      return make_xz_decompressor();
    case Compression::zstd:
      return make_zstd_decompressor();
    case Compression::none:
    case Compression::unsupported:
      break;
  }
  return nullptr;
}

}  // namespace callhome
