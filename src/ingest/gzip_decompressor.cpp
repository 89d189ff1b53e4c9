// gzip (and zlib) streams through zlib's inflate.
#include <zlib.h>

#include <algorithm>
#include <climits>

#include "ingest/decompressor.h"

namespace callhome {
namespace {

class GzipDecompressor : public Decompressor {
 public:
  GzipDecompressor() : ready_(inflateInit2(&z_, 15 + 32) == Z_OK) {}  // 32: gzip or zlib header
  ~GzipDecompressor() override { inflateEnd(&z_); }

  Step step(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, bool) override {
    if (!ready_) {
      error_ = "cannot start the gzip decoder";
      return {0, 0, Status::error};
    }
    z_.next_in = const_cast<Bytef*>(in);
    z_.avail_in = unsigned(std::min<size_t>(in_size, UINT_MAX));
    z_.next_out = out;
    z_.avail_out = unsigned(std::min<size_t>(out_size, UINT_MAX));
    const int rc = inflate(&z_, Z_NO_FLUSH);
    Step s{size_t(z_.next_in - in), size_t(z_.next_out - out), Status::more};
    if (rc == Z_STREAM_END) {
      s.status = Status::stream_end;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error_ = z_.msg ? z_.msg : "inflate error " + std::to_string(rc);
      s.status = Status::error;
    }
    return s;
  }

  void restart() override { inflateReset(&z_); }

 private:
  z_stream z_{};
  bool ready_;
};

}  // namespace

std::unique_ptr<Decompressor> make_gzip_decompressor() {
  return std::make_unique<GzipDecompressor>();
}

}  // namespace callhome
