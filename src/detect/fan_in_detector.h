// fan_in: many internal hosts contacting the same external organisation on the same port
// (Case 2: every PC to Akamai). One behaviour on many hosts points at shared software.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct FanInOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  size_t min_hosts = 3;
  size_t min_attempts_per_host = 3;  // one failed connection is chance, not a pattern
  bool unsuccessful_only = true;     // the interesting case: many hosts failing the same way
  const DestinationLookup* lookup = nullptr;  // groups by organisation; without it, by /24
};

class FanInDetector : public Detector {
 public:
  explicit FanInDetector(FanInOptions options) : opt_(std::move(options)) {}
  const char* name() const override { return "fan_in"; }
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Member {
    uint64_t attempts = 0;
    uint64_t unrecorded = 0;  // attempts whose outcome the evidence does not record
    double first = 0, last = 0;
    std::vector<EvidenceRef> samples;  // this host's first few attempts
  };
  struct Group {
    std::map<Address, Member> hosts;
    std::set<Address> destinations;
  };
  std::string group_of(const Address& dst);
  FanInOptions opt_;
  std::map<std::pair<std::string, uint16_t>, Group> groups_;
  std::map<Address, std::string> org_cache_;
};

}  // namespace callhome
