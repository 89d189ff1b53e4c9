// Compresses test data in memory with the same libraries callhome decompresses with, so that
// tests need no gzip, bzip2, xz or zstd program installed.
#pragma once

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace callhome::testing {

inline std::string gzip_bytes(const std::string& plain) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(uLong(plain.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = uInt(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string bzip2_bytes(const std::string& plain) {
  std::string out(plain.size() + plain.size() / 100 + 600, '\0');
  unsigned len = unsigned(out.size());
  if (BZ2_bzBuffToBuffCompress(out.data(), &len, const_cast<char*>(plain.data()),
                               unsigned(plain.size()), 9, 0, 0) != BZ_OK) {
    return {};
  }
  out.resize(len);
  return out;
}

inline std::string xz_bytes(const std::string& plain) {
  std::string out(lzma_stream_buffer_bound(plain.size()), '\0');
  size_t len = 0;
  if (lzma_easy_buffer_encode(
          6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(plain.data()),
          plain.size(), reinterpret_cast<uint8_t*>(out.data()), &len, out.size()) != LZMA_OK) {
    return {};
  }
  out.resize(len);
  return out;
}

// With a content checksum, as the zstd program writes by default: damage is then always seen.
inline std::string zstd_bytes(const std::string& plain) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const size_t len = ZSTD_compress2(cctx, out.data(), out.size(), plain.data(), plain.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(len)) return {};
  out.resize(len);
  return out;
}

}  // namespace callhome::testing
