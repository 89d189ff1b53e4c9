#include "report/report_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "report/escape.h"

namespace callhome {

namespace {

#ifndef RENAME_EXCHANGE
constexpr unsigned RENAME_EXCHANGE = 1u << 1;
#endif

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The names in folder `path` (not "." and ".."), or false when it cannot be listed.
bool list_folder(const std::string& path, std::vector<std::string>& names) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(path.c_str()), &::closedir);
  if (!d) return false;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  return true;
}

// Reads a small regular file without following a link or blocking on a FIFO planted there.
bool read_small(const std::string& path, std::string& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (1 << 20);
  if (ok) {
    out.resize(size_t(st.st_size));
    ok = ::read(fd, out.data(), out.size()) == ssize_t(out.size());
  }
  ::close(fd);
  return ok;
}

mode_t new_folder_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0777 & ~mask;
}

}  // namespace

bool is_callhome_manifest(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return false;
  const auto tool = doc.find("tool");
  return tool != doc.end() && tool->is_string() && tool->get<std::string>() == "callhome";
}

const std::vector<std::string>& ReportFolder::standard_names() {
  static const std::vector<std::string> names = {"conn.log",  "findings.json", "report.txt",
                                                 "report.md", "report.html",   "manifest.json"};
  return names;
}

ReportFolder::ReportFolder(std::string dir, std::vector<std::string> extra)
    : dir_(std::move(dir)), extra_(std::move(extra)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  // A link to a folder: the folder is what gets replaced, beside itself; the link stays.
  if (char* real = ::realpath(dir_.c_str(), nullptr)) {
    dir_ = real;
    std::free(real);
  }
  parent_ = parent_of(dir_);
}

ReportFolder::~ReportFolder() {
  if (!staging_.empty()) remove_folder(staging_);
}

bool ReportFolder::owned_name(const std::string& name) const {
  const auto& std_names = standard_names();
  return std::find(std_names.begin(), std_names.end(), name) != std_names.end() ||
         std::find(extra_.begin(), extra_.end(), name) != extra_.end();
}

std::string ReportFolder::check() const {
  struct stat st {};
  if (::lstat(dir_.c_str(), &st) != 0) {
    return errno == ENOENT ? "" : std::strerror(errno);
  }
  if (!S_ISDIR(st.st_mode)) return "exists and is not a folder";
  std::vector<std::string> names;
  if (!list_folder(dir_, names)) return std::strerror(errno);
  if (names.empty()) return "";
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    struct stat est {};
    if (!owned_name(name) || ::lstat((dir_ + "/" + name).c_str(), &est) != 0 ||
        !S_ISREG(est.st_mode)) {
      return "holds \"" + name +
             "\", which callhome did not write; give a new or empty folder (callhome replaces "
             "only a folder holding nothing but its own report)";
    }
  }
  std::string manifest;
  if (!read_small(dir_ + "/manifest.json", manifest) || !is_callhome_manifest(manifest)) {
    return "holds files but no manifest.json written by callhome; give a new or empty folder";
  }
  return "";
}

bool ReportFolder::dir_id(FileId& id) const {
  return file_id(dir_, id);
}

std::vector<FileId> ReportFolder::existing_files() const {
  std::vector<std::string> names;
  std::vector<FileId> ids;
  if (!list_folder(dir_, names)) return ids;
  for (const auto& name : names) {
    FileId id;
    if (file_id(dir_ + "/" + name, id)) ids.push_back(id);
  }
  return ids;
}

bool ReportFolder::start(std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(parent_, ec);
  std::string tmpl = parent_ + "/.callhome-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    error = "cannot create a folder in " + parent_ + ": " + std::strerror(errno);
    return false;
  }
  staging_ = tmpl;
  return true;
}

std::FILE* ReportFolder::create(const std::string& name, std::string& error) {
  const std::string path = staging_ + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  std::FILE* f = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
  if (!f) {
    error = name + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
  }
  return f;
}

bool ReportFolder::add(const std::string& name, std::string_view content, std::string& error) {
  const std::string path = staging_ + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = name + ": " + std::strerror(errno);
    return false;
  }
  std::string why;
  bool ok = write_all(fd, content, why);
  if (ok && ::fsync(fd) != 0) why = std::strerror(errno), ok = false;
  if (::close(fd) != 0 && ok) why = std::strerror(errno), ok = false;
  if (!ok) error = name + ": " + why;
  return ok;
}

bool ReportFolder::commit(std::string& error) {
  if (const std::string why = check(); !why.empty()) {
    error = dir_ + " " + why;
    return false;
  }
  if (::chmod(staging_.c_str(), new_folder_mode()) != 0) {
    error = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::lstat(dir_.c_str(), &st) != 0) {
    // No folder yet: one rename puts the whole report in place.
    if (::rename(staging_.c_str(), dir_.c_str()) != 0) {
      error = std::strerror(errno);
      return false;
    }
    staging_.clear();
    return true;
  }
  std::string old;
  if (::syscall(SYS_renameat2, AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(),
                RENAME_EXCHANGE) == 0) {
    old = staging_;
  } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
    // No atomic exchange here: the old folder goes aside (onto an empty folder of our own, so
    // nothing else is replaced), then the new one into place.
    std::string aside = parent_ + "/.callhome-XXXXXX";
    if (!::mkdtemp(aside.data()) || ::rename(dir_.c_str(), aside.c_str()) != 0) {
      error = std::strerror(errno);
      ::rmdir(aside.c_str());
      return false;
    }
    if (::rename(staging_.c_str(), dir_.c_str()) != 0) {
      error = std::strerror(errno);
      ::rename(aside.c_str(), dir_.c_str());
      return false;
    }
    old = aside;
  } else {
    error = std::strerror(errno);
    return false;
  }
  staging_.clear();
  remove_folder(old);
  return true;
}

void ReportFolder::remove_folder(const std::string& path) const {
  for (const auto& name : standard_names()) ::unlink((path + "/" + name).c_str());
  for (const auto& name : extra_) ::unlink((path + "/" + name).c_str());
  if (::rmdir(path.c_str()) != 0) {
    std::fprintf(stderr, "callhome: warning: could not remove %s: %s\n", term_escape(path).c_str(),
                 std::strerror(errno));
  }
}

}  // namespace callhome
