// port_fallback: after failures on one port, the same destination is tried on other ports, in
// order, until one works or the program gives up (Case 1's lab: 1214, then 80, then 8080). A
// program that hunts for an open way out is telling us it knows it is being filtered.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <vector>

#include "core/network.h"
#include "detect/attempt.h"
#include "detect/finding.h"

namespace callhome {

class PortFallbackDetector : public Detector {
 public:
  explicit PortFallbackDetector(NetworkSet internal = NetworkSet::private_ranges(),
                                double window = 600)
      : internal_(std::move(internal)), window_(window) {}
  const char* name() const override { return "port_fallback"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Attempt {
    double ts;
    uint16_t port;
    Outcome outcome;
    Provenance prov;
  };
  struct PairKey {
    Address host, dst;
    friend bool operator==(const PairKey&, const PairKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const PairKey& k) {
      return H::combine(std::move(h), k.host, k.dst);
    }
  };
  static constexpr size_t kMaxPerPair = 1000;
  static constexpr size_t kMaxPairs = 1000000;
  static constexpr size_t kMaxAttempts = 4000000;  // all pairs together
  size_t held_ = 0;

  NetworkSet internal_;
  double window_;
  absl::flat_hash_map<PairKey, std::vector<Attempt>> pairs_;
};

}  // namespace callhome
