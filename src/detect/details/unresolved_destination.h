// What a unresolved destination finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace callhome {

struct UnresolvedDestinationDetails {};

void to_json(nlohmann::json& out, const UnresolvedDestinationDetails& d);

}  // namespace callhome
