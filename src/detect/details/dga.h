// What a dga finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace callhome {

struct DgaDetails {};

void to_json(nlohmann::json& out, const DgaDetails& d);

}  // namespace callhome
