#include "cli/intel_option.h"

#include <cstdio>

#include "detect/intel_loader.h"
#include "report/escape.h"

namespace callhome {

bool load_intel_option(const SiteProfile& site, const std::vector<std::string>& cli_lists,
                       IntelMatcher& out) {
  std::vector<IntelSource> sources;
  for (const auto& p : site.intel_lists()) sources.push_back({p, site.source() + " [intel] lists"});
  for (const auto& p : cli_lists) sources.push_back({p, "--intel"});
  const IntelLoad load = load_intel_lists(sources, out);
  for (const auto& w : load.warnings) {
    std::fprintf(stderr, "callhome: warning: %s\n", term_escape(w).c_str());
  }
  if (!load.error.empty()) {
    std::fprintf(stderr, "callhome: %s\n", term_escape(load.error).c_str());
    return false;
  }
  return true;
}

}  // namespace callhome
