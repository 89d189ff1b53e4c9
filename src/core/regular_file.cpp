#include "core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace callhome {

const char* file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a file";
}

int open_regular_file(const std::string& path, std::string* why) {
  const auto refuse = [why](const struct stat& st) {
    *why = std::string("not a regular file (") + file_kind(st.st_mode) +
           "); refused, as reading it could block or never end";
    return -1;
  };
  struct stat st {};
  // Before opening: opening some devices already acts on them (a tape rewinds).
  if (::stat(path.c_str(), &st) != 0) {
    *why = std::string("cannot open: ") + std::strerror(errno);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) return refuse(st);
  // The path may have been replaced since: O_NONBLOCK keeps a FIFO's open from waiting, and
  // fstat says what was really opened.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *why = std::string("cannot open: ") + std::strerror(errno);
    return -1;
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return refuse(st);
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

}  // namespace callhome
