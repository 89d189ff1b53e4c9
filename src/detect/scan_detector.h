// outbound_scan / internal_scan: one host probing many hosts on one port (horizontal), many
// ports on one host (vertical), or both (block). Attempts come from any source: capture-derived
// connections (failed handshakes, SYN-less probes, UDP datagrams, other IP protocols),
// firewall blocks, Zeek conn.logs. A finding names the kind of probe (detect/probe.h) and keeps
// TCP, UDP and IP-protocol scans of one host apart.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <vector>

#include "core/network.h"
#include "detect/attempt.h"
#include "detect/finding.h"
#include "detect/probe.h"

namespace callhome {

struct ScanOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  double episode_gap = 300;  // attempts further apart than this start a new episode (s)
  size_t min_targets = 8;    // distinct hosts on one port for a horizontal scan
  size_t min_ports = 12;     // distinct ports on one host for a vertical scan
  // Distinct IP protocols other than TCP, UDP and ICMP to one host for an IP protocol scan: a
  // VPN or routing peer uses two or three (ESP, GRE, OSPF ...), nmap -sO all 256.
  size_t min_protocols = 8;
  // Memory bounds on the attempts held; the rest are counted only, and findings say so.
  size_t max_attempts_per_host = 200000;
  size_t max_attempts = 4'000'000;  // all hosts together, set entries included (~250 MB)
};

class ScanDetector : public Detector {
 public:
  explicit ScanDetector(ScanOptions options = {}) : opt_(std::move(options)) {}
  const char* name() const override { return "scan"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

  struct Attempt {
    double ts;
    Address dst;
    uint16_t port;
    uint8_t proto;
    Outcome outcome;
    ProbeKind kind;
    ProbeAnswer answer;
    uint32_t packets;
    Provenance prov;
  };

 private:
  void analyse_episode(const Address& host, const std::vector<Attempt>& a, size_t begin, size_t end,
                       std::vector<Finding>& out) const;

  struct Target {
    Address dst;
    uint16_t port;
    uint8_t proto;
    bool operator==(const Target&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const Target& t) {
      return H::combine(std::move(h), t.dst, t.port, t.proto);
    }
  };
  // What one host tried: every failed or blocked attempt, and the first attempt to each target
  // that was answered or whose outcome is unknown (repeats of those add nothing: a host browsing
  // all day holds its servers once, not its connections). Held until the end because evidence
  // comes out of time order (flow logs written at flow end, exports newest first); bounded by
  // the per-host and overall limits.
  struct Host {
    std::vector<Attempt> attempts;
    absl::flat_hash_set<Target> not_failed;
    uint64_t dropped = 0;
    std::vector<Finding> found;
  };
  void analyse_host(const Address& host, Host& h);
  ScanOptions opt_;
  absl::flat_hash_map<Address, Host> hosts_;
  size_t held_ = 0;  // attempts held over all hosts
};

// Sequential hypothesis testing (Jung et al. 2004, as SiLK's rwscan applies it): the likelihood
// ratio of "scanner" over "benign" after first contacts that succeeded (hits) or failed
// (misses), with theta0 = 0.8, theta1 = 0.2. A ratio above beta/alpha = 99 means scanner.
double trw_likelihood(size_t hits, size_t misses);

}  // namespace callhome
