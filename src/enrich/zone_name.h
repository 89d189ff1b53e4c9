// The site's time zone is named, never pointed at: "America/Chicago" is looked up under the
// zoneinfo directory ($TZDIR, else /usr/share/zoneinfo, where Abseil looks). A path of our
// own choosing ("/dev/zero", "../../etc/passwd", a FIFO that would block the run) is refused.
#pragma once

#include <optional>
#include <string>

namespace callhome {

// Why `name` cannot be used as a time zone name, or nothing when it can be loaded: a relative
// name of letters, digits and "_-+." in "/"-separated parts (none of them "." or ".."),
// naming a regular file under the zoneinfo directory, or "UTC".
std::optional<std::string> zone_name_problem(const std::string& name);

}  // namespace callhome
