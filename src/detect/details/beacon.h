// What a beacon finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/connection.h"

namespace callhome {

// What a beacon's destination is: an address (RITA's "ip"), a server name ("sni"), or an
// external /24 or /48 whose addresses a retry loop rotates over ("net").
enum class BeaconType : uint8_t { ip, sni, net };
const char* to_string(BeaconType t);

// A retry loop's bursts of attempts (quartiles over the bursts).
struct BeaconBursts {
  size_t count = 0;
  double size_median = 0, size_q1 = 0, size_q3 = 0;                    // attempts per burst
  double interval_median_s = 0, interval_q1_s = 0, interval_q3_s = 0;  // burst start to start
};

struct BeaconDetails {
  std::string dst;  // the address, the name, or the network in CIDR notation (beacon_type)
  BeaconType beacon_type = BeaconType::ip;
  double interval_s = 0;         // the most common interval
  double interval_median_s = 0;  // median of the non-zero intervals
  double jitter_s = 0;           // their median absolute deviation
  size_t connections = 0;        // in the window scored
  size_t unique_timestamps = 0;
  // RITA v5 scores, 0..1; threat_score is the RITA x100 scale, rounded to 3 decimals.
  double score = 0, ts_score = 0, ds_score = 0, hist_score = 0, dur_score = 0;
  double threat_score = 0;
  bool retry_loop = false;  // most attempts failed or were blocked
  size_t failed = 0, blocked = 0;
  uint64_t total_connections = 0;             // of the pair, in all windows
  uint32_t window_start = 0, window_end = 0;  // Unix seconds
  size_t sessions = 1;
  std::vector<int> hourly;              // connections per hour bin of the window
  std::vector<uint16_t> ports;          // destination ports, the first four distinct
  std::optional<uint8_t> proto;         // IP protocol of the first sample
  std::optional<uint16_t> dst_port;     // when the pair used one port and no proxy
  std::optional<std::string> proxy;     // internal proxy the name was requested through
  std::optional<size_t> addresses;      // net: addresses tried (sample_targets holds 20 at most)
  std::vector<Address> sample_targets;  // net: written when addresses is set
  std::vector<Address> servers;         // sni: servers the name was asked of (20 at most)
  std::optional<BeaconBursts> bursts;
  // Set by the post-passes (known_services, scan_retries).
  std::optional<std::string> known_service;  // port service name or destination category
  std::optional<size_t> hosts_sharing;       // internal hosts keeping the same schedule
  bool part_of_scan = false;                 // retries within a sweep of the same port
};

void to_json(nlohmann::json& out, const BeaconDetails& d);

// The transport a beacon's ports are looked up under: UDP when its samples were UDP, else TCP.
inline uint8_t lookup_transport(const BeaconDetails& d) {
  return d.proto == kProtoUdp ? kProtoUdp : kProtoTcp;
}

}  // namespace callhome
