// ids_alert: Snort and Suricata alerts imported as findings, one per internal host and
// signature and direction, so they join the host's other evidence. An alert whose source is
// outside and whose destination is the internal host is an attack on the host, not something it
// did: the finding says direction "inbound" (else "outbound", or "internal" between internal
// hosts) and the investigator keeps it out of the host's outbound explanations.
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
    Direction direction = Direction::outbound;
    int priority = 0;
    uint64_t count = 0, blocked = 0;
    double first = 0, last = 0;
    std::map<Address, uint64_t> peers;
    std::vector<EvidenceRef> samples;
  };
  NetworkSet internal_;
  // host, gid, sid, inbound: an attack on the host and the host's own alert stay two findings.
  std::map<std::tuple<Address, uint32_t, uint32_t, bool>, Group> groups_;
};

}  // namespace callhome
