// xz streams through liblzma. LZMA_CONCATENATED reads concatenated streams and the padding
// allowed between them itself, so a file is one stream here, which ends only at the last input.
#include <lzma.h>

#include "ingest/decompressor.h"

namespace callhome {
namespace {

const char* xz_error(lzma_ret rc) {
  switch (rc) {
    case LZMA_FORMAT_ERROR:
      return "not an xz stream";
    case LZMA_OPTIONS_ERROR:
      return "unsupported compression options";
    case LZMA_DATA_ERROR:  // also what follows the last stream when it is not padding
      return "damaged, or followed by bytes that are not xz";
    case LZMA_MEM_ERROR:
      return "out of memory";
    case LZMA_MEMLIMIT_ERROR:
      return "needs more memory than allowed";
    default:
      return "decompression error";
  }
}

class XzDecompressor : public Decompressor {
 public:
  XzDecompressor() { init(); }
  ~XzDecompressor() override { lzma_end(&z_); }

  Step step(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size,
            bool last_input) override {
    if (!ready_) {
      error_ = "cannot start the xz decoder";
      return {0, 0, Status::error};
    }
    z_.next_in = in;
    z_.avail_in = in_size;
    z_.next_out = out;
    z_.avail_out = out_size;
    const lzma_ret rc = lzma_code(&z_, last_input ? LZMA_FINISH : LZMA_RUN);
    Step s{size_t(z_.next_in - in), size_t(z_.next_out - out), Status::more};
    if (rc == LZMA_STREAM_END) {
      s.status = Status::stream_end;
    } else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {  // BUF_ERROR: no progress (truncated)
      error_ = xz_error(rc);
      s.status = Status::error;
    }
    return s;
  }

  void restart() override {
    lzma_end(&z_);
    init();
  }

 private:
  void init() {
    z_ = LZMA_STREAM_INIT;
    // A memory limit against a hostile header; xz -9 needs 65 MiB to decompress.
    ready_ = lzma_stream_decoder(&z_, uint64_t(256) << 20, LZMA_CONCATENATED) == LZMA_OK;
  }
  lzma_stream z_ = LZMA_STREAM_INIT;
  bool ready_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> make_xz_decompressor() {
  return std::make_unique<XzDecompressor>();
}

}  // namespace callhome
