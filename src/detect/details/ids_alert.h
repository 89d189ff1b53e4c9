// What an ids alert finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "core/address.h"
#include "detect/details/direction.h"

namespace callhome {

struct IdsAlertDetails {
  std::string signature;
  uint32_t sid = 0;
  uint32_t gid = 1;
  std::string classification;
  int priority = 0;                           // 1 = most severe; 0 = not given
  uint64_t alerts = 0;                        // alerts of this signature for the host
  uint64_t blocked = 0;                       // of those, the ones whose traffic the IDS dropped
  std::map<Address, uint64_t> peers;          // alerts per other party (the first 100 parties)
  Direction direction = Direction::outbound;  // inbound: an attack on the host
};

void to_json(nlohmann::json& out, const IdsAlertDetails& d);

}  // namespace callhome
