// inbound_attack: external addresses probing an internal host (scanning its ports, trying one
// service over and over, sweeping it with many connections). One finding per internal host
// attacked, naming the top attackers, with attribute direction "inbound": what arrives at a host
// is kept apart from what the host calls out to, so it never reads as the host's own behaviour.
// A host with a public address is probed by the whole Internet all day, so the finding is low
// unless an attacker got answers on many ports or completed many sessions.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <vector>

#include "core/network.h"
#include "detect/attempt.h"
#include "detect/finding.h"
#include "detect/probe.h"

namespace callhome {

struct InboundAttackOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  size_t min_attempts = 10;          // inbound probes on one host before it is worth a finding
  size_t medium_answered_ports = 5;  // one attacker answered on this many ports: it found services
  size_t medium_sessions = 20;       // or completed this many sessions (a brute force got through)
  size_t top_attackers = 10;         // listed per finding
  // Memory bounds; what is over them is counted only, and findings say so.
  size_t max_attackers_per_host = 5000;
  size_t max_attackers = 500000;  // all hosts together
  size_t max_ports_per_attacker = 1024;
};

class InboundAttackDetector : public Detector {
 public:
  explicit InboundAttackDetector(InboundAttackOptions options = {}) : opt_(std::move(options)) {}
  const char* name() const override { return "inbound_attack"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Sample {
    Provenance prov;
    double ts;
    uint16_t port;
    uint8_t proto;
    Outcome outcome;
    ProbeKind kind;
  };
  // What one external address did to one internal host.
  struct Attacker {
    uint64_t attempts = 0, answered = 0, sessions = 0;
    double first = 0, last = 0;
    absl::flat_hash_set<uint32_t> ports, answered_ports;  // proto << 16 | port
    bool ports_capped = false;
    std::vector<Sample> samples;  // its first few attempts, for evidence
  };
  struct Host {
    absl::flat_hash_map<Address, Attacker> attackers;
    uint64_t attempts = 0, dropped = 0;  // dropped: attempts of attackers over the bounds
  };
  InboundAttackOptions opt_;
  absl::flat_hash_map<Address, Host> hosts_;
  size_t held_ = 0;  // attackers held over all hosts
};

}  // namespace callhome
