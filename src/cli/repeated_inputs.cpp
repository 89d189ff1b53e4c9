#include "cli/repeated_inputs.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <memory>

namespace callhome {

namespace {

// The SHA-256 of a regular file's bytes, or empty when it cannot be read to the end.
std::string sha256_of(const std::string& path) {
  // O_NONBLOCK: a file swapped for a FIFO since it was stat'ed must not hang the run.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "";
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  struct stat st {};
  bool ok = ctx && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1;
  char buf[1 << 16];
  ssize_t n = 0;
  while (ok && (n = ::read(fd, buf, sizeof buf)) > 0) {
    ok = EVP_DigestUpdate(ctx.get(), buf, size_t(n)) == 1;
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (!ok || n < 0 || EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return "";
  return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace

InputFiles drop_repeated_inputs(const std::vector<std::string>& files) {
  InputFiles out;
  struct Kept {
    size_t index;      // into out.files
    std::string hash;  // computed when another file of the same size turns up
  };
  std::map<std::pair<dev_t, ino_t>, std::string> seen;  // identity -> the path read
  std::multimap<off_t, Kept> by_size;
  bool stdin_seen = false;
  for (const auto& path : files) {
    if (path == "-") {  // standard input: no file to compare, and it can be read only once
      if (stdin_seen) {
        out.notes.push_back("-: standard input given more than once; read once");
      } else {
        out.files.push_back(path);
      }
      stdin_seen = true;
      continue;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {  // run_input reports why it cannot be read
      out.files.push_back(path);
      continue;
    }
    out.ids.push_back({st.st_dev, st.st_ino});
    const auto [it, inserted] = seen.try_emplace({st.st_dev, st.st_ino}, path);
    if (!inserted) {
      out.notes.push_back(path + ": the same file as " + it->second + "; read once");
      continue;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      std::string hash;
      const std::string* same = nullptr;
      auto [lo, hi] = by_size.equal_range(st.st_size);
      for (auto k = lo; k != hi && !same; ++k) {
        if (k->second.hash.empty()) k->second.hash = sha256_of(out.files[k->second.index]);
        if (hash.empty()) hash = sha256_of(path);
        if (!hash.empty() && hash == k->second.hash) same = &out.files[k->second.index];
      }
      if (same) {
        out.notes.push_back(path + ": the same content (SHA-256) as " + *same + "; read once");
        continue;
      }
      by_size.emplace(st.st_size, Kept{out.files.size(), hash});
    }
    out.files.push_back(path);
  }
  return out;
}

}  // namespace callhome
