// sequential_source_ports: unsuccessful attempts from one host whose source port rises by one
// each time. Operating systems hand out ephemeral ports in order, so an unbroken run of failed
// attempts with consecutive ports means one process retrying in a loop, with nothing else on
// the host opening connections in between (Case 2: ports 2480..2499, one attempt a second).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <vector>

#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

class SequentialPortsDetector : public Detector {
 public:
  explicit SequentialPortsDetector(NetworkSet internal = NetworkSet::private_ranges(),
                                   size_t min_run = 5)
      : internal_(std::move(internal)), min_run_(min_run) {}
  const char* name() const override { return "sequential_source_ports"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Attempt {
    double ts;
    uint16_t sport, dport;
    Address dst;
    Provenance prov;
    bool unrecorded;  // the evidence says nothing of the outcome (no verdict column)
  };
  static constexpr size_t kMaxPerHost = 100000;
  static constexpr size_t kMaxAttempts = 4000000;  // all hosts together
  size_t held_ = 0;
  static constexpr double kMaxGap = 120;  // seconds between two attempts of one run

  NetworkSet internal_;
  size_t min_run_;
  absl::flat_hash_map<Address, std::vector<Attempt>> hosts_;
};

}  // namespace callhome
