// vendor_contact: an internal host asked for names of a kind worth knowing in an investigation
// (a P2P vendor, bundled adware, dynamic DNS, an anonymiser, a paste site), through the proxy, DNS,
// TLS or HTTP. It names the application behind the traffic (Case 1: the PC talked to
// musiccity.streamcastnetworks.com through Squid while it scanned tcp/1214).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

class VendorContactDetector : public Detector {
 public:
  VendorContactDetector(NetworkSet internal, const DestinationLookup& lookup)
      : internal_(std::move(internal)), lookup_(lookup) {}
  const char* name() const override { return "vendor_contact"; }
  void on_http(const HttpEvent& e) override;
  void on_dns(const DnsEvent& e) override;
  void on_name(const NameEvent& e) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Group {
    std::map<std::string, uint64_t, std::less<>>
        names;  // name -> requests (at most kMaxNames names)
    std::set<std::string, std::less<>> orgs, methods;
    std::set<VendorContactVia> via;
    uint64_t requests = 0, failed = 0;
    double first = 0, last = 0;
    std::string description;
    std::vector<EvidenceRef> samples;
  };
  // Counts `name` for `client`; returns its group when the name is of interest and the group
  // still wants evidence samples (nullptr nearly always), so that the caller describes the
  // evidence only then: formatting it for every request cost more than the lookup.
  Group* seen(const Address& client, std::string_view name, double ts, VendorContactVia via,
              std::string_view method, bool failed);
  NetworkSet internal_;
  const DestinationLookup& lookup_;
  std::map<std::pair<Address, std::string>, Group> groups_;  // host, category
  absl::flat_hash_map<std::string, NameInfo> cache_;         // looked up for every name seen
};

}  // namespace callhome
