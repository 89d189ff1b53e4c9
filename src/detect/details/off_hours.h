// What a off hours finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace callhome {

struct OffHoursDetails {};

void to_json(nlohmann::json& out, const OffHoursDetails& d);

}  // namespace callhome
