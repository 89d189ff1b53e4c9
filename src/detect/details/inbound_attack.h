// What an inbound attack finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/address.h"
#include "detect/details/direction.h"

namespace callhome {

struct InboundAttackDetails {
  // A service an attacker tried: a TCP or UDP port, or another IP protocol (port 0).
  struct Port {
    uint8_t proto = 0;
    uint16_t port = 0;
  };
  // One outside address and what it tried against the host.
  struct Attacker {
    Address attacker;
    size_t targets = 0;  // internal hosts it went for
    size_t ports = 0;    // distinct ports (counted up to a bound)
    size_t answered_ports = 0;
    uint64_t attempts = 0;
    uint64_t answered = 0;
    uint64_t sessions = 0;  // answered with data both ways
    double duration_s = 0;
    std::vector<Port> sample_ports;  // the lowest 10
  };
  Direction direction = Direction::inbound;  // always: outsiders at the host
  // The top attacker: who got furthest (see top_attackers[0]).
  Address attacker;
  size_t targets = 0;  // internal hosts it went for
  size_t ports = 0;    // distinct ports it tried (counted up to a bound)
  uint64_t attempts = 0;
  uint64_t answered = 0;
  uint64_t sessions = 0;  // answered with data both ways
  double duration_s = 0;
  // All attackers of the host.
  size_t attackers = 0;  // kept (within the memory bounds)
  uint64_t total_attempts = 0;
  uint64_t total_answered = 0;
  uint64_t total_sessions = 0;
  std::vector<Attacker> top_attackers;  // ranked, the first few
};

void to_json(nlohmann::json& out, const InboundAttackDetails& d);

}  // namespace callhome
