// analyze's threat-intel lists: the site profile's [intel] lists and every --intel FILE, read
// into one matcher before any input. Bad lines are warnings on standard error; a list that
// cannot be read is an error naming it (exit 2).
#pragma once

#include <string>
#include <vector>

#include "detect/intel_matcher.h"
#include "enrich/site_profile.h"

namespace callhome {

// False (the message printed) when a list could not be read.
bool load_intel_option(const SiteProfile& site, const std::vector<std::string>& cli_lists,
                       IntelMatcher& out);

}  // namespace callhome
