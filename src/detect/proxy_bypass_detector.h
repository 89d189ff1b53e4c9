// proxy_bypass: with a proxy in the site profile, web traffic from internal hosts that goes, or
// tries to go, straight out. Whether the same host also uses the proxy tells a configured
// browser beside an unconfigured program (Case 2) from a host with no proxy settings at all.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <set>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct ProxyEndpoint {
  Address address;
  uint16_t port = 0;  // 0: any port of that address
};

struct ProxyBypassOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  std::vector<ProxyEndpoint> proxies;  // empty: the detector stays silent
  std::set<uint16_t> web_ports = {80, 443, 8080, 3128, 8000, 8008, 8443, 8888};
  size_t min_attempts = 3;
  const DestinationLookup* lookup = nullptr;  // for dst_orgs; optional
};

class ProxyBypassDetector : public Detector {
 public:
  explicit ProxyBypassDetector(ProxyBypassOptions options) : opt_(std::move(options)) {}
  const char* name() const override { return "proxy_bypass"; }
  void on_connection(const Connection& c) override;
  void on_http(const HttpEvent& h) override;
  void finish(std::vector<Finding>& out) override;

 private:
  static constexpr size_t kMaxDestinations = 256;
  bool is_proxy(const Address& a, uint16_t port) const;
  struct Host {
    uint64_t attempts = 0, blocked = 0, via_proxy = 0;
    std::set<uint16_t> ports;
    std::set<Address> destinations;  // at most kMaxDestinations
    bool more_destinations = false;
    double first = 0, last = 0;
    std::vector<EvidenceRef> samples;
  };
  ProxyBypassOptions opt_;
  absl::flat_hash_map<Address, Host> hosts_;
};

}  // namespace callhome
