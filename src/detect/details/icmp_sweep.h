// What an icmp sweep finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace callhome {

struct IcmpSweepDetails {
  size_t targets = 0;    // distinct hosts sent echo requests
  uint64_t packets = 0;  // echo requests sent
  // ICMP messages back from the targets, by "type/code" ("0/0": echo reply, "11/0": time
  // exceeded ...).
  std::map<std::string, uint64_t> replies;
  bool external = false;  // some target lies outside the internal networks
};

void to_json(nlohmann::json& out, const IcmpSweepDetails& d);

}  // namespace callhome
