// What an off hours finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace callhome {

struct OffHoursDetails {
  uint64_t connections = 0;  // outbound, while unattended
  // The unattended window of the first of them, as the site profile describes it ("idle
  // Mon-Fri 08:00-15:30, 13:58 local").
  std::string window;
};

void to_json(nlohmann::json& out, const OffHoursDetails& d);

}  // namespace callhome
