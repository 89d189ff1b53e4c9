// bzip2 streams through libbz2.
#include <bzlib.h>

#include <algorithm>
#include <climits>

#include "ingest/decompressor.h"

namespace callhome {
namespace {

const char* bzip2_error(int rc) {
  switch (rc) {
    case BZ_DATA_ERROR:
      return "data integrity error";
    case BZ_DATA_ERROR_MAGIC:
      return "not a bzip2 stream";
    case BZ_MEM_ERROR:
      return "out of memory";
    default:
      return "decompression error";
  }
}

class Bzip2Decompressor : public Decompressor {
 public:
  Bzip2Decompressor() : ready_(BZ2_bzDecompressInit(&z_, 0, 0) == BZ_OK) {}
  ~Bzip2Decompressor() override { BZ2_bzDecompressEnd(&z_); }

  Step step(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, bool) override {
    if (!ready_) {
      error_ = "cannot start the bzip2 decoder";
      return {0, 0, Status::error};
    }
    z_.next_in = const_cast<char*>(reinterpret_cast<const char*>(in));
    z_.avail_in = unsigned(std::min<size_t>(in_size, UINT_MAX));
    z_.next_out = reinterpret_cast<char*>(out);
    z_.avail_out = unsigned(std::min<size_t>(out_size, UINT_MAX));
    const int rc = BZ2_bzDecompress(&z_);
    Step s{size_t(z_.next_in - reinterpret_cast<const char*>(in)),
           size_t(z_.next_out - reinterpret_cast<char*>(out)), Status::more};
    if (rc == BZ_STREAM_END) {
      s.status = Status::stream_end;
    } else if (rc != BZ_OK) {
      error_ = bzip2_error(rc);
      s.status = Status::error;
    }
    return s;
  }

  // libbz2 has no reset: a new stream needs a new state.
  void restart() override {
    BZ2_bzDecompressEnd(&z_);
    z_ = bz_stream{};
    ready_ = BZ2_bzDecompressInit(&z_, 0, 0) == BZ_OK;
  }

 private:
  bz_stream z_{};
  bool ready_;
};

}  // namespace

std::unique_ptr<Decompressor> make_bzip2_decompressor() {
  return std::make_unique<Bzip2Decompressor>();
}

}  // namespace callhome
