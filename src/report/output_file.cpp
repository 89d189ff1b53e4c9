#include "report/output_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace callhome {

bool file_id(const std::string& path, FileId& id) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  id = {st.st_dev, st.st_ino};
  return true;
}

namespace {

constexpr std::string_view kTempPrefix = ".callhome-";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string random_suffix() {
  unsigned char bytes[6];
  if (::getrandom(bytes, sizeof bytes, 0) != ssize_t(sizeof bytes)) {
    // Without the kernel's randomness the O_EXCL open still refuses planted names; only
    // guessing becomes easier, so fall back rather than fail.
    for (auto& b : bytes) b = static_cast<unsigned char>(std::rand());
  }
  std::string s;
  for (unsigned char b : bytes) s += kAlphabet[b % kAlphabet.size()];
  return s;
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

mode_t new_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

int create_temporary(const std::string& dir, std::string& path, std::string& error) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    path = dir + "/" + std::string(kTempPrefix) + random_suffix();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EEXIST) break;
  }
  error = errno_text("cannot create a temporary file in " + dir);
  path.clear();
  return -1;
}

bool is_temporary_name(std::string_view name) {
  if (name.size() != kTempPrefix.size() + 6 || !name.starts_with(kTempPrefix)) return false;
  for (char c : name.substr(kTempPrefix.size())) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool write_all(int fd, std::string_view data, std::string& error) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      error = std::strerror(errno);
      return false;
    }
    data.remove_prefix(size_t(n));
  }
  return true;
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)), target_(path_) {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    struct stat lst {};
    if (errno == ENOENT && ::lstat(path_.c_str(), &lst) == 0) {
      // Creating the file a dangling link points to would write wherever whoever planted the
      // link chose.
      kind_ = Kind::refused;
      error_ = "a symbolic link to a file that does not exist";
    } else if (errno == ENOENT) {
      kind_ = Kind::replace;
      mode_ = new_file_mode();
    } else {
      kind_ = Kind::refused;
      error_ = std::strerror(errno);
    }
    return;
  }
  exists_ = true;
  id_ = {st.st_dev, st.st_ino};
  struct stat out {};
  if (::fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino &&
      !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode)) {
    kind_ = Kind::standard_output;
  } else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
    kind_ = Kind::stream;
  } else if (S_ISREG(st.st_mode)) {
    kind_ = Kind::replace;
    mode_ = st.st_mode & 07777;
    // Replace the file a symbolic link points to, in that file's directory, and keep the link.
    if (char* real = ::realpath(path_.c_str(), nullptr)) {
      target_ = real;
      std::free(real);
    } else {
      kind_ = Kind::refused;
      error_ = std::strerror(errno);
    }
  } else {
    kind_ = Kind::refused;
    error_ = S_ISDIR(st.st_mode)   ? "is a directory"
             : S_ISBLK(st.st_mode) ? "is a block device; writing it would destroy a file system"
                                   : "is neither a file nor a character device nor a FIFO";
  }
}

OutputFile::~OutputFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

bool OutputFile::existing(FileId& id) const {
  if (exists_) id = id_;
  return exists_;
}

bool OutputFile::write(std::string_view content) {
  if (kind_ == Kind::refused || kind_ == Kind::none) return false;
  if (kind_ != Kind::replace) {
    pending_ = std::string(content);
    return true;
  }
  std::string why;
  const int fd = create_temporary(parent_of(target_), temp_, error_);
  if (fd < 0) return false;
  bool ok = write_all(fd, content, why);
  if (ok && (::fchmod(fd, mode_) != 0 || ::fsync(fd) != 0)) why = std::strerror(errno), ok = false;
  if (::close(fd) != 0 && ok) why = std::strerror(errno), ok = false;
  if (!ok) {
    error_ = why;
    ::unlink(temp_.c_str());
    temp_.clear();
  }
  return ok;
}

bool OutputFile::commit() {
  switch (kind_) {
    case Kind::replace: {
      if (temp_.empty()) return false;
      // Whatever took the name since it was looked at (a device node, a link) is not ours to
      // replace.
      struct stat st {};
      if (::lstat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
        error_ = "changed while callhome ran; not replaced";
        return false;
      }
      if (::rename(temp_.c_str(), target_.c_str()) != 0) {
        error_ = std::strerror(errno);
        return false;
      }
      temp_.clear();
      return true;
    }
    case Kind::stream: {
      const int fd = ::open(target_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
      if (fd < 0) {
        error_ = std::strerror(errno);
        return false;
      }
      struct stat st {};
      bool ok = ::fstat(fd, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
      if (!ok) error_ = "changed while callhome ran; not written";
      ok = ok && write_all(fd, pending_, error_);
      if (::close(fd) != 0 && ok) error_ = std::strerror(errno), ok = false;
      return ok;
    }
    case Kind::standard_output: {
      const bool ok = std::fwrite(pending_.data(), 1, pending_.size(), stdout) == pending_.size() &&
                      std::fflush(stdout) == 0;
      if (!ok) error_ = std::strerror(errno);
      return ok;
    }
    default:
      return false;
  }
}

}  // namespace callhome
