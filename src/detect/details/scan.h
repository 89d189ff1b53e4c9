// What a outbound scan finding records (and internal_scan): the typed facts its detector fills,
// which the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace callhome {

struct ScanDetails {};

void to_json(nlohmann::json& out, const ScanDetails& d);

}  // namespace callhome
