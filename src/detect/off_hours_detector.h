// off_hours: outbound activity while nobody is there (inside the site's idle windows, or
// outside business hours). Case 1 began with the modem dialling out at 1:58 PM on an empty house.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct OffHoursOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  // Returns a description of the unattended window containing `ts` ("idle Mon-Fri
  // 08:00-15:30, 13:58 local"), or nothing when someone is expected to be there. Without it
  // the detector stays silent.
  std::function<std::optional<std::string>(double ts)> unattended;
  size_t min_connections = 3;
};

class OffHoursDetector : public Detector {
 public:
  explicit OffHoursDetector(OffHoursOptions options) : opt_(std::move(options)) {}
  const char* name() const override { return "off_hours"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Host {
    uint64_t connections = 0;
    double first = 0, last = 0;
    std::string window;
    std::vector<EvidenceRef> samples;
  };
  OffHoursOptions opt_;
  absl::flat_hash_map<Address, Host> hosts_;
};

}  // namespace callhome
