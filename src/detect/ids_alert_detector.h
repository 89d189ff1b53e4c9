// ids_alert: Snort and Suricata alerts imported as findings, one per internal host and
// signature, so they join the host's other evidence.
#pragma once

#include <map>
#include <tuple>
#include <vector>

#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

class IdsAlertDetector : public Detector {
 public:
  explicit IdsAlertDetector(NetworkSet internal = NetworkSet::private_ranges())
      : internal_(std::move(internal)) {}
  const char* name() const override { return "ids_alert"; }
  void on_alert(const AlertEvent& a) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Group {
    std::string signature, classification;
    int priority = 0;
    uint64_t count = 0, blocked = 0;
    double first = 0, last = 0;
    std::map<std::string, uint64_t> peers;
    std::vector<EvidenceRef> samples;
  };
  NetworkSet internal_;
  std::map<std::tuple<Address, uint32_t, uint32_t>, Group> groups_;  // host, gid, sid
};

}  // namespace callhome
