// dns_tunnel and dga: command and control over DNS. Every lookup of an internal host is filed
// under its registrable domain (core/public_suffix.h); per (host, domain) the names' shape,
// record types, answers and spacing are kept in bounded memory (detect/dns_zone_stats.h), and
// per host the algorithmic-looking domains are grouped (detect/dga_clusters.h). Known platforms
// (data/domains.tsv: CDNs, vendors, telemetry) are never weighed: their host names may look
// random, but nobody outside them runs their name servers, so no tunnel can live below them.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <memory>
#include <string>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "core/public_suffix.h"
#include "detect/dga_clusters.h"
#include "detect/dns_zone_stats.h"
#include "detect/finding.h"

namespace callhome {

struct DnsChannelOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  const DestinationLookup* lookup = nullptr;  // known domains; without it none is known
  const PublicSuffixes* suffixes = nullptr;   // PublicSuffixes::system() when null
  size_t max_hosts = 100'000;
  size_t max_zones_per_host = 4096;       // beyond it new domains of the host are not tracked
  size_t max_contacted_pairs = 1u << 20;  // (host, address) pairs remembered from connections
};

class DnsChannelDetector : public Detector {
 public:
  explicit DnsChannelDetector(DnsChannelOptions options = {});
  const char* name() const override { return "dns_channel"; }
  void on_dns(const DnsEvent& e) override;
  void on_connection(const Connection& c) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Host {
    absl::flat_hash_map<std::string, ZoneStats> zones;
    DgaClusters dga;
    bool zones_dropped = false;
  };
  bool ignored_zone(std::string_view zone, std::string_view tld) const;
  void tunnel_findings(const Address& host, Host& h, std::vector<Finding>& out) const;
  std::optional<size_t> contacted(const Address& host, const ZoneStats& z) const;

  DnsChannelOptions opt_;
  const PublicSuffixes& suffixes_;
  absl::flat_hash_map<Address, std::unique_ptr<Host>> hosts_;
  bool hosts_dropped_ = false;
  // Which internal hosts connected where, to tell whether answered addresses were ever used.
  absl::flat_hash_set<uint64_t> contacted_;
  absl::flat_hash_set<Address> hosts_with_connections_;
  bool contacted_full_ = false;
  std::string name_;  // scratch: the lower-cased query
};

}  // namespace callhome
