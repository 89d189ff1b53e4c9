// Sequential, read-only access to an evidence file or standard input: large reads into a
// reusable buffer, transparent gzip, bzip2, xz and zstd (told by their magic bytes), and a
// SHA-256 of the bytes as stored computed while they stream past. Memory stays at a few MiB
// whatever the file size.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace callhome {

class ByteSource {
 public:
  struct Options {
    bool hash = true;                  // compute the SHA-256 of the file as stored
    bool decompress = true;            // decompress when the file starts with a supported magic
    size_t chunk = size_t(256) << 10;  // bytes per read(): small enough to stay in L2
  };

  // nullptr with *error set ("cannot open: No such file or directory") on failure.
  static std::unique_ptr<ByteSource> open(const std::string& path, std::string* error);
  static std::unique_ptr<ByteSource> open(const std::string& path, std::string* error,
                                          const Options& options);
  // Reads standard input to its end. Its size is known only then: file_size() counts the bytes
  // read so far, and a pipe cannot be read twice.
  static std::unique_ptr<ByteSource> open_stdin(const Options& options);
  // Reads from memory (tests, fuzzing); the bytes are copied.
  static std::unique_ptr<ByteSource> from_memory(std::string bytes, const Options& options);
  static std::unique_ptr<ByteSource> from_memory(std::string bytes) {
    return from_memory(std::move(bytes), Options{});
  }

  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  // Makes at least `n` bytes contiguous at data(); returns available(), which is smaller than
  // `n` only at the end of the stream (or after a decompression error).
  size_t ensure(size_t n) {
    if (end_ - begin_ >= n) return end_ - begin_;
    return refill(n);
  }
  const uint8_t* data() const { return buf_.data() + begin_; }
  size_t available() const { return end_ - begin_; }
  void consume(size_t n) {
    begin_ += n;
    offset_ += n;
  }
  uint64_t offset() const { return offset_; }  // stream offset of data()
  bool at_end() { return ensure(1) == 0; }

  // Told the bytes of the file read so far after every later read() (progress display).
  void on_read(std::function<void(uint64_t)> f) { on_read_ = std::move(f); }
  bool compressed() const { return codec_ != nullptr; }
  // "gzip", "bzip2", "xz", "zstd" while decompressing; empty otherwise.
  const char* compression() const;
  // The compression the file starts with when callhome cannot read it ("lz4", "zip", "7z"),
  // else empty. Such a file is handed out as it is stored, for the caller to refuse.
  const char* unsupported_compression() const { return unsupported_; }
  // The size when opened, or the bytes actually read if the file shrank before they were: the
  // bytes the SHA-256 covers once finish_hash() has run.
  uint64_t file_size() const { return file_size_; }
  // Why the stream ended early ("xz data truncated", "read error: ...") or differs from the
  // file ("the file grew while it was read ..."); empty if nothing of the kind happened.
  const std::string& stream_error() const { return stream_error_; }
  // Hashes whatever of the file was not read yet, then returns the SHA-256 in hex
  // (empty when hashing was off).
  std::string finish_hash();

 private:
  struct Codec;
  ByteSource() = default;
  void start(const Options& options);  // after the source of the bytes is set
  size_t refill(size_t n);
  size_t decode_more(size_t n);               // refill's loop when decompressing
  void next_compressed_stream();              // after one ended: the next, or the end
  size_t read_raw(uint8_t* dst, size_t max);  // from the file or memory, hashing as it goes
  void start_decompression_if_magic();
  void add_stream_error(const std::string& what);
  void check_size_at_end();  // at the end of the file: did it change size while being read?

  int fd_ = -1;
  bool owns_fd_ = true;
  bool size_unknown_ = false;  // a pipe: read to its end, whatever size it had at open
  std::string memory_;
  size_t memory_pos_ = 0;
  bool raw_eof_ = false;
  uint64_t file_size_ = 0;
  uint64_t raw_read_ = 0;
  std::function<void(uint64_t)> on_read_;
  Options options_;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0, end_ = 0;
  uint64_t offset_ = 0;
  std::unique_ptr<Codec> codec_;
  const char* unsupported_ = "";
  void* sha_ = nullptr;  // EVP_MD_CTX*, kept opaque to keep OpenSSL out of this header
  std::string stream_error_;
};

// Splits a ByteSource into lines (\n or \r\n). A line longer than `max_line` is returned cut to
// that length with overlong() set, and the rest of it is skipped without being buffered.
class LineReader {
 public:
  explicit LineReader(ByteSource& src, size_t max_line = size_t(1) << 20)
      : src_(src), max_line_(max_line) {}

  // Inline for the usual case, a whole line already in the buffer: text readers call this for
  // every line, and the call and checks of the general path were a tenth of reading one.
  bool next(std::string_view& line) {
    src_.consume(pending_consume_);
    pending_consume_ = 0;
    const void* nl = skip_rest_ ? nullptr : std::memchr(src_.data(), '\n', src_.available());
    if (nl == nullptr) return next_in_general(line);
    const size_t len = size_t(static_cast<const uint8_t*>(nl) - src_.data());
    if (len > max_line_) return next_in_general(line);
    overlong_ = false;
    return hand_out(without_cr(len), len + 1, line);
  }
  uint64_t line_number() const { return line_number_; }  // 1-based, of the last line returned
  uint64_t line_offset() const { return line_offset_; }  // stream offset of that line
  bool overlong() const { return overlong_; }

 private:
  bool next_in_general(std::string_view& line);  // refills, overlong lines, the last line

  // Makes the first `len` buffered bytes the next line; `consume` bytes go before the one after.
  bool hand_out(size_t len, size_t consume, std::string_view& line) {
    ++line_number_;
    line_offset_ = src_.offset();
    pending_consume_ = consume;
    line = std::string_view(reinterpret_cast<const char*>(src_.data()), len);
    return true;
  }
  size_t without_cr(size_t len) const { return len - (len > 0 && src_.data()[len - 1] == '\r'); }

  ByteSource& src_;
  size_t max_line_;
  size_t pending_consume_ = 0;
  bool skip_rest_ = false;  // the previous line was overlong: drop bytes up to its newline
  uint64_t line_number_ = 0;
  uint64_t line_offset_ = 0;
  bool overlong_ = false;
};

}  // namespace callhome
