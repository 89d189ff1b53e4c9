// outbound_flood: an internal host sending to one destination at flood rate, with little or
// nothing coming back (a DDoS participant, a UDP/SYN flood). Big downloads are not floods: the
// packets of a download flow towards the host.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <vector>

#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct FloodOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  uint64_t min_packets = 1000;
  double min_pps = 100;
  double max_reply_ratio = 0.1;  // replies per packet sent
};

class FloodDetector : public Detector {
 public:
  explicit FloodDetector(FloodOptions options = {}) : opt_(std::move(options)) {}
  const char* name() const override { return "outbound_flood"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Pair {
    uint64_t sent = 0, replies = 0, bytes = 0, connections = 0;
    double first = 0, last = 0;
    uint32_t protos = 0;  // bit set of 1 << (proto % 32)
    std::vector<Provenance> samples;
  };
  struct Key {
    Address host, dst;
    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.host, k.dst);
    }
  };
  static constexpr size_t kMaxPairs = 2000000;

  FloodOptions opt_;
  absl::flat_hash_map<Key, Pair> pairs_;
};

}  // namespace callhome
