#include "detect/intel_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/regular_file.h"

namespace callhome {
namespace {

// Reads the file at `path` in blocks into the parser; an empty string when all went well.
std::string read_list(const std::string& path, IntelListParser& parser) {
  std::string why;
  const int fd = open_regular_file(path, &why);
  if (fd < 0) {
    if (why.starts_with("cannot open: ")) why.erase(0, 13);
    return why;
  }
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = std::strerror(errno);
      ::close(fd);
      return why;
    }
    if (n == 0) break;
    parser.feed(std::string_view(buf, size_t(n)));
  }
  ::close(fd);
  return {};
}

}  // namespace

IntelLoad load_intel_lists(const std::vector<IntelSource>& sources, IntelMatcher& matcher) {
  IntelLoad out;
  for (const auto& s : sources) {
    const uint64_t duplicates = matcher.duplicates(), dropped = matcher.dropped();
    IntelListParser parser = matcher.parser(s.path);
    if (std::string why = read_list(s.path, parser); !why.empty()) {
      out.error = fmt::format("{}: cannot read threat-intel list ({}): {}", s.path, s.origin, why);
      return out;
    }
    const IntelListStats stats = parser.finish();
    for (const auto& b : stats.bad) {
      out.warnings.push_back(
          fmt::format("{}:{}: {}, line skipped: '{}'", s.path, b.line, b.why, b.text));
    }
    if (stats.bad_lines > stats.bad.size()) {
      out.warnings.push_back(fmt::format("{}: {} more bad lines skipped ({} in all)", s.path,
                                         stats.bad_lines - stats.bad.size(), stats.bad_lines));
    }
    if (stats.indicators == 0) {
      out.warnings.push_back(fmt::format("{}: no indicators in {} lines", s.path, stats.lines));
    }
    if (matcher.duplicates() > duplicates) {
      out.warnings.push_back(fmt::format("{}: {} indicators already listed earlier, kept once",
                                         s.path, matcher.duplicates() - duplicates));
    }
    if (matcher.dropped() > dropped) {
      out.warnings.push_back(
          fmt::format("{}: {} indicators not loaded: the threat-intel lists hold {} at most",
                      s.path, matcher.dropped() - dropped, matcher.size()));
    }
  }
  return out;
}

}  // namespace callhome
