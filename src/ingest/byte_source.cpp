#include "ingest/byte_source.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/regular_file.h"
#include "ingest/decompressor.h"

namespace callhome {

// The decompressor of a compressed file and its input: raw bytes read ahead of the decoder.
struct ByteSource::Codec {
  CompressionMagic magic;
  std::unique_ptr<Decompressor> decoder;
  std::vector<uint8_t> in;
  size_t pos = 0, len = 0;  // the undecoded input is in[pos, len)
  bool done = false;
  Codec() : in(size_t(1) << 20) {}
};

namespace {
EVP_MD_CTX* sha_ctx(void* p) {
  return static_cast<EVP_MD_CTX*>(p);
}
}  // namespace

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, std::string* error) {
  return open(path, error, Options{});
}

std::unique_ptr<ByteSource> ByteSource::open(const std::string& path, std::string* error,
                                             const Options& options) {
  const int fd = open_regular_file(path, error);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    *error = std::string("cannot read: ") + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<ByteSource> s(new ByteSource());
  s->fd_ = fd;
  s->file_size_ = uint64_t(st.st_size);
  s->start(options);
  return s;
}

std::unique_ptr<ByteSource> ByteSource::open_stdin(const Options& options) {
  std::unique_ptr<ByteSource> s(new ByteSource());
  s->fd_ = STDIN_FILENO;
  s->owns_fd_ = false;  // closing it would let a later open() reuse descriptor 0 unawares
  s->size_unknown_ = true;
  s->start(options);
  return s;
}

void ByteSource::start(const Options& options) {
  options_ = options;
  if (options.hash) {
    sha_ = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha_ctx(sha_), EVP_sha256(), nullptr);
  }
  buf_.resize(options_.chunk);
  start_decompression_if_magic();
}

std::unique_ptr<ByteSource> ByteSource::from_memory(std::string bytes, const Options& options) {
  std::unique_ptr<ByteSource> s(new ByteSource());
  s->file_size_ = bytes.size();
  s->memory_ = std::move(bytes);
  // Small inputs (tests, fuzzing) do not need a full-size read buffer; it grows on demand.
  Options small = options;
  small.chunk = std::min(options.chunk, std::max<size_t>(s->memory_.size(), 64 * 1024));
  s->start(small);
  return s;
}

ByteSource::~ByteSource() {
  if (fd_ >= 0 && owns_fd_) ::close(fd_);
  if (sha_) EVP_MD_CTX_free(sha_ctx(sha_));
}

void ByteSource::add_stream_error(const std::string& what) {
  stream_error_ += (stream_error_.empty() ? "" : "; ") + what;
}

void ByteSource::check_size_at_end() {
  // The manifest states the size and the SHA-256 of the same bytes: those that were read.
  struct stat st {};
  const char* const done = options_.hash ? " bytes were read and hashed" : " bytes were read";
  if (raw_read_ < file_size_) {
    add_stream_error("the file shrank while it was read (" + std::to_string(file_size_) +
                     " bytes when opened): only its first " + std::to_string(raw_read_) + done);
    file_size_ = raw_read_;
  } else if (::fstat(fd_, &st) == 0 && uint64_t(st.st_size) > file_size_) {
    add_stream_error("the file grew while it was read (" + std::to_string(file_size_) +
                     " bytes when opened, " + std::to_string(uint64_t(st.st_size)) +
                     " now): only the first " + std::to_string(file_size_) + done);
  }
}

size_t ByteSource::read_raw(uint8_t* dst, size_t max) {
  if (raw_eof_ || max == 0) return 0;
  size_t got = 0;
  if (fd_ >= 0) {
    // A file that grows while it is read (a live log) is read up to its size when opened, so
    // that the size and the hash reported describe the same bytes. A pipe has no such size.
    if (!size_unknown_) {
      max = size_t(std::min<uint64_t>(max, file_size_ - std::min(file_size_, raw_read_)));
    }
    while (got < max) {
      ssize_t r = ::read(fd_, dst + got, max - got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        stream_error_ = std::string("read error: ") + std::strerror(errno);
        raw_eof_ = true;
        break;
      }
      if (r == 0) {
        raw_eof_ = true;
        break;
      }
      got += size_t(r);
    }
    if (!size_unknown_ && got == max && raw_read_ + got >= file_size_) raw_eof_ = true;
  } else {
    got = std::min(max, memory_.size() - memory_pos_);
    std::memcpy(dst, memory_.data() + memory_pos_, got);
    memory_pos_ += got;
    if (memory_pos_ == memory_.size()) raw_eof_ = true;
  }
  if (sha_ && got) EVP_DigestUpdate(sha_ctx(sha_), dst, got);
  raw_read_ += got;
  if (size_unknown_) file_size_ = raw_read_;
  if (fd_ >= 0 && !size_unknown_ && raw_eof_ && stream_error_.empty()) check_size_at_end();
  if (on_read_ && got) on_read_(raw_read_);
  return got;
}

const char* ByteSource::compression() const {
  return codec_ ? codec_->magic.name : "";
}

void ByteSource::start_decompression_if_magic() {
  // Read the first raw bytes into the output buffer; if they are compressed, move them to the
  // decoder's input instead.
  end_ = read_raw(buf_.data(), std::min<size_t>(buf_.size(), 64 * 1024));
  if (!options_.decompress) return;
  const CompressionMagic magic = detect_compression(buf_.data(), end_);
  if (magic.kind == Compression::unsupported) unsupported_ = magic.name;
  auto decoder = make_decompressor(magic.kind);
  if (!decoder) return;
  codec_ = std::make_unique<Codec>();
  codec_->magic = magic;
  codec_->decoder = std::move(decoder);
  if (codec_->in.size() < end_) codec_->in.resize(end_);
  std::memcpy(codec_->in.data(), buf_.data(), end_);
  codec_->len = end_;
  end_ = 0;
}

size_t ByteSource::refill(size_t n) {
  // Move the unread tail to the front, grow if one request needs more than the buffer.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (n > buf_.size()) buf_.resize(std::max(n, buf_.size() * 2));
  if (codec_) return decode_more(n);
  while (end_ < n) {
    size_t got = read_raw(buf_.data() + end_, buf_.size() - end_);
    if (got == 0) break;
    end_ += got;
  }
  return end_ - begin_;
}

size_t ByteSource::decode_more(size_t n) {
  Codec& c = *codec_;
  const std::string name = c.magic.name;
  while (end_ < n && !c.done) {
    if (c.pos == c.len && !raw_eof_) {
      c.pos = 0;
      c.len = read_raw(c.in.data(), c.in.size());
    }
    const auto s = c.decoder->step(c.in.data() + c.pos, c.len - c.pos, buf_.data() + end_,
                                   buf_.size() - end_, raw_eof_ && c.pos == c.len);
    c.pos += s.read;
    end_ += s.written;
    if (s.status == Decompressor::Status::error) {
      add_stream_error(name + " data corrupt: " + c.decoder->error());
      c.done = true;
    } else if (s.status == Decompressor::Status::stream_end) {
      next_compressed_stream();
    } else if (s.read == 0 && s.written == 0) {
      // No progress: with input left the decoder is stuck on it; without, the file ended
      // inside the stream (unless reading failed, which says so itself).
      if (c.pos < c.len) {
        add_stream_error(name + " data corrupt: the decoder stopped at compressed byte " +
                         std::to_string(raw_read_ - (c.len - c.pos)));
        c.done = true;
      } else if (raw_eof_) {
        if (stream_error_.find("read error") == std::string::npos) {
          add_stream_error(name + " data truncated (no end of stream)");
        }
        c.done = true;
      }
    }
  }
  return end_ - begin_;
}

void ByteSource::next_compressed_stream() {
  Codec& c = *codec_;
  // Enough of what follows to see a magic number: move the rest to the front and read on.
  constexpr size_t kMagicBytes = 6;
  if (c.len - c.pos < kMagicBytes && !raw_eof_) {
    std::memmove(c.in.data(), c.in.data() + c.pos, c.len - c.pos);
    c.len -= c.pos;
    c.pos = 0;
    while (c.len < kMagicBytes && !raw_eof_) {
      c.len += read_raw(c.in.data() + c.len, c.in.size() - c.len);
    }
  }
  if (c.pos == c.len) {  // the file ends with the stream: the clean end
    c.done = true;
    return;
  }
  if (detect_compression(c.in.data() + c.pos, c.len - c.pos).kind == c.magic.kind) {
    c.decoder->restart();  // concatenated streams continue the data
    return;
  }
  add_stream_error(std::string("trailing bytes after the ") + c.magic.name + " stream ignored");
  c.done = true;
}

std::string ByteSource::finish_hash() {
  if (!sha_) return {};
  std::vector<uint8_t> scratch(size_t(1) << 20);
  while (read_raw(scratch.data(), scratch.size()) > 0) {
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(sha_ctx(sha_), md, &len);
  EVP_MD_CTX_free(sha_ctx(sha_));
  sha_ = nullptr;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 15]);
  }
  return hex;
}

bool LineReader::next_in_general(std::string_view& line) {
  src_.consume(pending_consume_);
  pending_consume_ = 0;
  overlong_ = false;
  for (;;) {
    size_t scanned = 0;
    for (;;) {
      size_t avail = src_.available();
      const void* nl =
          avail > scanned ? std::memchr(src_.data() + scanned, '\n', avail - scanned) : nullptr;
      if (nl) {
        const size_t len = size_t(static_cast<const uint8_t*>(nl) - src_.data());
        if (skip_rest_) {  // the tail of an overlong line: drop it and start over
          src_.consume(len + 1);
          skip_rest_ = false;
          scanned = 0;
          continue;
        }
        overlong_ = len > max_line_;
        return hand_out(without_cr(std::min(len, max_line_)), len + 1, line);
      }
      scanned = avail;
      if (skip_rest_) {
        src_.consume(avail);
        scanned = 0;
      } else if (avail > max_line_) {
        // No newline within the limit: return the head, skip the rest later.
        overlong_ = true;
        skip_rest_ = true;
        return hand_out(max_line_, avail, line);
      }
      if (src_.ensure(src_.available() + 64 * 1024) <= scanned) break;  // end of stream
    }
    // End of stream: a final line without newline still counts.
    size_t avail = src_.available();
    if (avail == 0 || skip_rest_) {
      src_.consume(avail);
      skip_rest_ = false;
      return false;
    }
    return hand_out(without_cr(avail), avail, line);
  }
}

}  // namespace callhome
