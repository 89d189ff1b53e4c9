#include "enrich/zone_name.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "core/regular_file.h"

namespace callhome {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '+' || c == '.';
}

// Abseil's own choice of directory, so that the file checked is the file it loads.
std::string zoneinfo_dir() {
  const char* env = std::getenv("TZDIR");
  return env && *env ? env : "/usr/share/zoneinfo";
}

}  // namespace

std::optional<std::string> zone_name_problem(const std::string& name) {
  const std::string expected = " (expected an IANA name such as America/Chicago)";
  if (name.empty()) return "empty time zone name" + expected;
  if (name == "UTC") return std::nullopt;  // built into Abseil: no file is read
  if (name.front() == '/') {
    return "time zone '" + name + "' is a path, not a zone name" + expected;
  }
  std::string_view rest(name);
  for (;;) {
    const size_t cut = rest.find('/');
    const std::string_view part = rest.substr(0, cut);
    if (part.empty() || part == "." || part == "..") {
      return "time zone '" + name + "' has an empty, '.' or '..' part" + expected;
    }
    for (char c : part) {
      if (!name_char(c)) return "time zone '" + name + "' is not a zone name" + expected;
    }
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + 1);
  }
  // Checked without blocking before Abseil opens it: a FIFO there would hang the run.
  const std::string path = zoneinfo_dir() + "/" + name;
  std::string why;
  const int fd = open_regular_file(path, &why);
  if (fd < 0) {
    return "unknown time zone '" + name + "': " + path + ": " + why + expected +
           "; is tzdata installed?";
  }
  ::close(fd);
  return std::nullopt;
}

}  // namespace callhome
