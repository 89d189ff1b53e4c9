// One compressed stream format decoded step by step into a caller's buffer, so that ByteSource
// can read every format it supports with the same loop: it feeds input, collects output, and
// decides what a stream's end, a truncation or damage means for the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ingest/compression.h"

namespace callhome {

class Decompressor {
 public:
  enum class Status {
    more,        // wants more input or more room; nothing is wrong yet
    stream_end,  // the stream (gzip member, bzip2 stream, zstd frame) ended after `read` bytes
    error,       // the data is damaged; error() says how
  };
  struct Step {
    size_t read = 0;     // input bytes consumed
    size_t written = 0;  // output bytes produced
    Status status = Status::more;
  };

  virtual ~Decompressor() = default;
  // Decodes from `in` into `out`. `last_input` tells that no input follows `in` (xz needs to
  // know to finish). A step that reads and writes nothing with input left is damage.
  virtual Step step(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size,
                    bool last_input) = 0;
  // Gets ready for another stream of the same format right after the one that ended, as
  // `cat a.gz b.gz` and parallel compressors (pigz, pbzip2, zstd -T) make them.
  virtual void restart() = 0;
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

// A decompressor for gzip, bzip2, xz or zstd; nullptr for any other value.
std::unique_ptr<Decompressor> make_decompressor(Compression kind);

std::unique_ptr<Decompressor> make_gzip_decompressor();
std::unique_ptr<Decompressor> make_bzip2_decompressor();
std::unique_ptr<Decompressor> make_xz_decompressor();
std::unique_ptr<Decompressor> make_zstd_decompressor();

}  // namespace callhome
