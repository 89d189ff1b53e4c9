// zstd frames through libzstd's streaming decoder.
#include <zstd.h>

#include "ingest/decompressor.h"

namespace callhome {
namespace {

class ZstdDecompressor : public Decompressor {
 public:
  ZstdDecompressor() : z_(ZSTD_createDStream()) {
    // A window limit against a hostile header: 2^27 (128 MiB) is the default, --long=31 needs
    // more and is refused with a message saying so.
    if (z_) ZSTD_DCtx_setParameter(z_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdDecompressor() override { ZSTD_freeDStream(z_); }

  Step step(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size, bool) override {
    if (z_ == nullptr) {
      error_ = "cannot start the zstd decoder";
      return {0, 0, Status::error};
    }
    ZSTD_inBuffer ib{in, in_size, 0};
    ZSTD_outBuffer ob{out, out_size, 0};
    const size_t rc = ZSTD_decompressStream(z_, &ob, &ib);
    Step s{ib.pos, ob.pos, Status::more};
    if (ZSTD_isError(rc)) {
      error_ = ZSTD_getErrorName(rc);
      s.status = Status::error;
    } else if (rc == 0) {  // a frame decoded and flushed whole
      s.status = Status::stream_end;
    }
    return s;
  }

  // After a whole frame the decoder is ready for the next one; a reset only makes it certain.
  void restart() override {
    if (z_) ZSTD_DCtx_reset(z_, ZSTD_reset_session_only);
  }

 private:
  ZSTD_DStream* z_;
};

}  // namespace

std::unique_ptr<Decompressor> make_zstd_decompressor() {
  return std::make_unique<ZstdDecompressor>();
}

}  // namespace callhome
