// Reads the threat-intelligence lists of a run (the site profile's [intel] lists, --intel FILE)
// into one IntelMatcher. A list that cannot be read is an error naming it and who named it; bad
// lines inside a list are warnings naming FILE:LINE, never fatal.
#pragma once

#include <string>
#include <vector>

#include "detect/intel_matcher.h"

namespace callhome {

struct IntelSource {
  std::string path;
  std::string origin;  // who named it, for messages: "--intel", "site.toml [intel] lists"
};

struct IntelLoad {
  std::string error;                  // empty when every list was read
  std::vector<std::string> warnings;  // bad lines (FILE:LINE: why: 'text'), duplicates, the cap
};

IntelLoad load_intel_lists(const std::vector<IntelSource>& sources, IntelMatcher& matcher);

}  // namespace callhome
