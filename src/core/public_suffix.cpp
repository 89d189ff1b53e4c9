#include "core/public_suffix.h"

#include <absl/strings/string_view.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace callhome {
namespace {

// The labels of `name` as suffix start positions: name.substr(starts[i]) is the suffix with
// labels.size() - i labels.
std::vector<size_t> suffix_starts(std::string_view name) {
  std::vector<size_t> starts{0};
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '.') starts.push_back(i + 1);
  }
  return starts;
}

bool contains(const absl::flat_hash_set<std::string>& set, std::string_view s) {
  return set.contains(absl::string_view(s.data(), s.size()));
}

// Generic second levels under country codes, for the fallback without the list (a judgement:
// the registries of uk, au, jp, nz, za, br, in ... use these).
bool generic_second_level(std::string_view label) {
  static constexpr std::string_view kGeneric[] = {"co",  "com", "net", "org", "gov", "ac",
                                                  "edu", "or",  "ne",  "go",  "gob", "nic"};
  for (auto g : kGeneric) {
    if (label == g) return true;
  }
  return false;
}

}  // namespace

PublicSuffixes PublicSuffixes::parse(std::string_view text) {
  PublicSuffixes p;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find("===END ICANN DOMAINS===") != std::string_view::npos) break;
    // A rule is the first whitespace-free run of the line; "//" starts a comment.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (line.empty() || line.substr(0, 2) == "//") continue;
    if (auto sp = line.find_first_of(" \t"); sp != std::string_view::npos)
      line = line.substr(0, sp);
    if (line.substr(0, 2) == "*.") {
      p.wildcards_.emplace(line.substr(2));
    } else if (line.front() == '!') {
      p.exceptions_.emplace(line.substr(1));
    } else {
      p.rules_.emplace(line);
    }
  }
  return p;
}

const PublicSuffixes& PublicSuffixes::system() {
  static const PublicSuffixes instance = [] {
    const char* env = std::getenv("CALLHOME_PUBLIC_SUFFIX_LIST");
    std::ifstream in(env && *env ? env : "/usr/share/publicsuffix/public_suffix_list.dat");
    if (!in) return PublicSuffixes{};
    std::stringstream ss;
    ss << in.rdbuf();
    return parse(ss.str());
  }();
  return instance;
}

size_t PublicSuffixes::suffix_labels(std::string_view name) const {
  const std::vector<size_t> starts = suffix_starts(name);
  const size_t n = starts.size();
  if (!from_list()) {
    // Fallback: cc-TLD with a generic second level, else the top-level domain alone.
    if (n >= 3) {
      std::string_view tld = name.substr(starts[n - 1]);
      std::string_view second = name.substr(starts[n - 2], starts[n - 1] - starts[n - 2] - 1);
      if (tld.size() == 2 && generic_second_level(second)) return 2;
    }
    return 1;
  }
  // The longest matching rule wins; an exception rule makes its parent the suffix. The first
  // match from the longest suffix down is the longest.
  for (size_t i = 0; i < n; ++i) {
    std::string_view s = name.substr(starts[i]);
    const size_t labels = n - i;
    if (contains(exceptions_, s)) return labels - 1;
    if (contains(rules_, s)) return labels;
    if (i + 1 < n && contains(wildcards_, name.substr(starts[i + 1]))) return labels;
  }
  return 1;  // the implicit "*" rule
}

std::string_view PublicSuffixes::registrable(std::string_view name) const {
  if (name.empty()) return {};
  const std::vector<size_t> starts = suffix_starts(name);
  const size_t labels = suffix_labels(name);
  if (labels >= starts.size()) return {};
  return name.substr(starts[starts.size() - labels - 1]);
}

}  // namespace callhome
