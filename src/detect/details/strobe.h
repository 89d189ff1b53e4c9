// What a strobe finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

#include "detect/details/beacon.h"

namespace callhome {

struct StrobeDetails {
  std::string dst;  // the address, the name, or the network in CIDR notation (beacon_type)
  BeaconType beacon_type = BeaconType::ip;
  uint64_t connections = 0;  // of the pair, including those not stored
  double per_second = 0;     // connections over the pair's span
};

void to_json(nlohmann::json& out, const StrobeDetails& d);

}  // namespace callhome
