// long_session: an internal host holds long-lived sessions, or pushes bulk uploads, to one
// external destination and port that no well-known service explains. A RAT's control channel
// and its exfiltration look like this rather than like short periodic check-ins (corpus case
// c2-androidtester-rat-exfil: two control sessions of 31 and 39 min to 147.32.83.234:1337,
// uploads of 19.3, 7.7 and 13.9 MB, then reconnects reset by the server).
//
// Thresholds and where they come from:
//  - one connection of 30 min or more (long_single_s), or 1 h in total over the destination's
//    connections (long_total_s): RITA v5's long-connection "base" threshold, 3600 s of summed
//    duration per pair; 8 h (long_total_strong_s) is RITA's "medium" threshold (28800 s).
//    The 30 min single-session bar is half of RITA's base: one session held that long is
//    already unusual for anything but push, streaming and VPNs, which the port and owner weigh.
//  - bulk upload: at least 5 MB sent (bulk_bytes; "several MB", well above telemetry and
//    chat), at least 10 times what came back (bulk_ratio). The benign corpus's biggest
//    uploads are calls (Teams TURN 437 MB at orig/resp 0.53, a video bridge 77 MB at 0.21):
//    two-way, so under the ratio. 25 MB (bulk_strong_bytes) is RITA's data-size modifier
//    (+0.15 at 25 MB total bytes).
//
// Weighing: on a port with a registered service (data/ports.tsv: web, push, VPN, calls ...)
// length alone is reported only toward a server no name (DNS, SNI, Host) was seen for, at low;
// a bulk upload there stays low toward a big platform (Google, Apple, Microsoft, CDNs:
// channel_traits.h) or a named server, medium otherwise. An unregistered or commonly abused
// port (1337) keeps the full strength (at most medium toward a big platform). DNS, DoT and
// NTP ports are left to the DNS and beacon logic.
//
// Memory: per host a capped map of destinations (destination, port, proto) -> counters and a
// few evidence samples; connections to destinations beyond the cap are counted, and the
// findings of that host say so.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct LongSessionOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  const DestinationLookup* lookup = nullptr;  // port and owner knowledge; without it, none
  double long_single_s = 1800;
  double long_total_s = 3600;
  double long_total_strong_s = 28800;
  uint64_t bulk_bytes = 5'000'000;
  uint64_t bulk_strong_bytes = 25'000'000;
  double bulk_ratio = 10;
  size_t max_destinations_per_host = 4096;
  size_t max_hosts = 100'000;
};

class LongSessionDetector : public Detector {
 public:
  explicit LongSessionDetector(LongSessionOptions options) : opt_(std::move(options)) {}
  const char* name() const override { return "long_session"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Pair {
    uint64_t connections = 0, resets = 0, orig_bytes = 0, resp_bytes = 0;
    double total_s = 0, longest_s = 0, first = 0, last = 0;
    std::vector<EvidenceRef> samples;
  };
  using Key = std::tuple<Address, uint16_t, uint8_t>;  // destination, port, proto
  struct Host {
    absl::flat_hash_map<Key, Pair> pairs;
    uint64_t untracked = 0;  // connections to destinations beyond the cap
  };
  void report(const Address& host, const Key& key, const Pair& p, uint64_t untracked,
              std::vector<Finding>& out) const;

  LongSessionOptions opt_;
  std::map<Address, Host> hosts_;
  uint64_t hosts_dropped_ = 0;
};

}  // namespace callhome
