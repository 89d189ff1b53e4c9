#include "ingest/byte_source.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/regular_file.h"

namespace callhome {

struct ByteSource::Gzip {
  z_stream z{};
  std::vector<uint8_t> in;
  bool done = false;
  Gzip() : in(size_t(1) << 20) {}
  ~Gzip() { inflateEnd(&z); }
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
  s->options_ = options;
  if (options.hash) {
    s->sha_ = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha_ctx(s->sha_), EVP_sha256(), nullptr);
  }
  s->buf_.resize(options.chunk);
  s->start_gzip_if_magic();
  return s;
}

std::unique_ptr<ByteSource> ByteSource::from_memory(std::string bytes, const Options& options) {
  std::unique_ptr<ByteSource> s(new ByteSource());
  s->file_size_ = bytes.size();
  s->memory_ = std::move(bytes);
  s->options_ = options;
  // Small inputs (tests, fuzzing) do not need a full-size read buffer; it grows on demand.
  s->options_.chunk = std::min(options.chunk, std::max<size_t>(s->memory_.size(), 64 * 1024));
  if (options.hash) {
    s->sha_ = EVP_MD_CTX_new();
    EVP_DigestInit_ex(sha_ctx(s->sha_), EVP_sha256(), nullptr);
  }
  s->buf_.resize(s->options_.chunk);
  s->start_gzip_if_magic();
  return s;
}

ByteSource::~ByteSource() {
  if (fd_ >= 0) ::close(fd_);
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
    // that the size and the hash reported describe the same bytes.
    max = size_t(std::min<uint64_t>(max, file_size_ - std::min(file_size_, raw_read_)));
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
    if (got == max && raw_read_ + got >= file_size_) raw_eof_ = true;
  } else {
    got = std::min(max, memory_.size() - memory_pos_);
    std::memcpy(dst, memory_.data() + memory_pos_, got);
    memory_pos_ += got;
    if (memory_pos_ == memory_.size()) raw_eof_ = true;
  }
  if (sha_ && got) EVP_DigestUpdate(sha_ctx(sha_), dst, got);
  raw_read_ += got;
  if (fd_ >= 0 && raw_eof_ && stream_error_.empty()) check_size_at_end();
  if (on_read_ && got) on_read_(raw_read_);
  return got;
}

void ByteSource::start_gzip_if_magic() {
  // Read the first raw bytes into the output buffer; if they are gzip, move them to the
  // inflater's input instead.
  end_ = read_raw(buf_.data(), std::min<size_t>(buf_.size(), 64 * 1024));
  if (!options_.decompress || end_ < 2 || buf_[0] != 0x1f || buf_[1] != 0x8b) return;
  gzip_ = std::make_unique<Gzip>();
  if (gzip_->in.size() < end_) gzip_->in.resize(end_);
  std::memcpy(gzip_->in.data(), buf_.data(), end_);
  gzip_->z.next_in = gzip_->in.data();
  gzip_->z.avail_in = unsigned(end_);
  end_ = 0;
  inflateInit2(&gzip_->z, 15 + 32);  // 32: accept a gzip (or zlib) header
}

size_t ByteSource::refill(size_t n) {
  // Move the unread tail to the front, grow if one request needs more than the buffer.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (n > buf_.size()) buf_.resize(std::max(n, buf_.size() * 2));
  while (end_ < n) {
    size_t room = buf_.size() - end_;
    if (!gzip_) {
      size_t got = read_raw(buf_.data() + end_, room);
      if (got == 0) break;
      end_ += got;
      continue;
    }
    auto& g = *gzip_;
    if (g.done) break;
    if (g.z.avail_in == 0) {
      size_t got = read_raw(g.in.data(), g.in.size());
      if (got == 0) {
        if (stream_error_.find("read error") == std::string::npos) {
          add_stream_error("gzip data truncated (no end of stream)");
        }
        g.done = true;
        break;
      }
      g.z.next_in = g.in.data();
      g.z.avail_in = unsigned(got);
    }
    g.z.next_out = buf_.data() + end_;
    g.z.avail_out = unsigned(std::min<size_t>(room, UINT32_MAX));
    int rc = inflate(&g.z, Z_NO_FLUSH);
    end_ = size_t(g.z.next_out - buf_.data());
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members (as `cat a.gz b.gz` makes) continue the stream.
      if (g.z.avail_in == 0) {
        size_t got = read_raw(g.in.data(), g.in.size());
        g.z.next_in = g.in.data();
        g.z.avail_in = unsigned(got);
      }
      if (g.z.avail_in == 0) {
        g.done = true;
      } else if (g.z.next_in[0] == 0x1f) {
        inflateReset(&g.z);
      } else {
        add_stream_error("trailing bytes after the gzip stream ignored");
        g.done = true;
      }
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      add_stream_error(std::string("gzip data corrupt: ") + (g.z.msg ? g.z.msg : "inflate error"));
      g.done = true;
    }
  }
  return end_ - begin_;
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
