// icmp_sweep: echo requests from one host to several others, with the replies they drew, by
// ICMP type/code (Case 1's lab: crafted echoes to four addresses, each answered by 11/0).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <map>
#include <vector>

#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

class IcmpSweepDetector : public Detector {
 public:
  explicit IcmpSweepDetector(NetworkSet internal = NetworkSet::private_ranges(),
                             size_t min_targets = 4)
      : internal_(std::move(internal)), min_targets_(min_targets) {}
  const char* name() const override { return "icmp_sweep"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Probe {
    double ts;
    Address target;
    uint64_t requests, echo_replies;
    Provenance prov;
  };
  struct Answer {  // a one-way ICMP message from a probed address back to the prober
    Address from;
    uint16_t type, code;
  };
  static constexpr size_t kMaxPerHost = 100000;

  NetworkSet internal_;
  size_t min_targets_;
  absl::flat_hash_map<Address, std::vector<Probe>> probes_;
  absl::flat_hash_map<Address, std::vector<Answer>> answers_;  // keyed by the prober
};

}  // namespace callhome
