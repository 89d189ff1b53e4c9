// Attempts that belong to a scan are not check-ins: a sweep of one port retries each unanswered
// target a few times, and those retries look like a schedule to the beacon detector. Such beacon
// findings stay visible, lowered to info with a note naming the sweep they belong to.
#pragma once

#include <vector>

#include "detect/finding.h"

namespace callhome {

void explain_scan_retries(std::vector<Finding>& findings);

}  // namespace callhome
