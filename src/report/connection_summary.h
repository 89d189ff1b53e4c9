// A per-host digest of connection records: which internal machines open connections to the
// outside, how many fail, and where they go. The first thing an analyst asks of a capture.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/network.h"

namespace callhome {

class ConnectionSummary : public EventSink {
 public:
  explicit ConnectionSummary(NetworkSet internal) : internal_(std::move(internal)) {}

  void on_connection(const Connection& c) override;

  struct HostRow {
    Address host;
    uint64_t connections = 0;   // records where this host was the originator
    uint64_t outbound = 0;      // ... towards external addresses
    uint64_t failed = 0;        // attempts that got no answer or a refusal
    uint64_t blocked = 0;       // attempts a firewall says it blocked
    uint64_t destinations = 0;  // distinct external addresses contacted (capped)
    std::vector<std::pair<uint16_t, uint64_t>> top_ports;  // destination port, connections
    double first_ts = 0, last_ts = 0;
  };
  // Internal hosts, most suspicious first (failed + blocked outbound attempts, then spread).
  std::vector<HostRow> ranked() const;
  uint64_t total() const { return total_; }

  // Renders the digest for a terminal, at most `limit` hosts.
  std::string render_text(size_t limit) const;

 private:
  struct Host {
    uint64_t connections = 0, outbound = 0, failed = 0, blocked = 0;
    absl::flat_hash_set<Address> destinations;
    absl::flat_hash_map<uint32_t, uint64_t> ports;  // proto << 16 | port
    double first_ts = 0, last_ts = 0;
  };
  static constexpr size_t kMaxDistinct = 65536;  // bound per-host memory on huge inputs

  NetworkSet internal_;
  absl::flat_hash_map<Address, Host> hosts_;
  uint64_t total_ = 0;
};

}  // namespace callhome
