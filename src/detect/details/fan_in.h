// What a fan in finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"

namespace callhome {

struct FanInDetails {
  std::string org;  // the destinations' owner, or their /24 (/48) when no owner is known
  uint16_t port = 0;
  std::vector<Address> host_list;  // the internal hosts with this pattern ("hosts" counts them)
  uint64_t attempts = 0;           // this host's
  std::vector<Address> sample_targets;  // up to 20 destinations of the group
  uint64_t outcome_unknown = 0;         // this host's attempts whose log records no verdict
};

void to_json(nlohmann::json& out, const FanInDetails& d);

}  // namespace callhome
