// What an outbound flood finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

#include "core/address.h"

namespace callhome {

struct FloodDetails {
  Address dst;
  uint64_t packets = 0;  // sent to dst
  double pps = 0;        // packets per second over duration_s
  uint64_t replies = 0;  // packets back
  uint64_t bytes = 0;    // IP bytes sent
  uint64_t connections = 0;
  double duration_s = 0;           // at least 1
  std::vector<uint8_t> protocols;  // of TCP, UDP, ICMP, ICMPv6: those seen (written by name)
};

void to_json(nlohmann::json& out, const FloodDetails& d);

}  // namespace callhome
