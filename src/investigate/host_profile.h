// The facts about one host that the explanations are weighed on, distilled from its findings
// and from what enrichment knows about the other ends.
#pragma once

#include <string>
#include <vector>

#include "core/destination_lookup.h"
#include "detect/finding.h"

namespace callhome {

struct HostProfile {
  Address host;
  std::vector<std::string> destination_orgs;  // organisations (or names) of the other ends
  bool update_destinations = false;    // most other ends are CDNs, update or antivirus services
  std::vector<std::string> p2p_ports;  // "1214/tcp (fasttrack)"
  std::vector<std::string> p2p_names;  // P2P vendors among the other ends
  size_t scan_targets = 0, scan_networks = 0;
  // Ports of remotely reachable services swept across many hosts ("23/tcp (telnet)"): what
  // self-spreading malware looks for.
  std::vector<std::string> service_scan_ports;
  std::string vertical_scan_text;  // many ports on one host: someone mapping services
  bool icmp_probe = false;
  bool fallback = false;
  std::string fallback_text;
  bool retry_loop = false;
  std::string retry_text;
  bool beacon_success = false;
  std::string beacon_text;
  bool benign_periodic = false;
  bool sequential_ports = false;
  bool blocked_web = false;
  bool proxy_bypass = false;
  size_t fan_in_hosts = 0;  // hosts (this one included) sharing an organisation; filled later
  bool ids_alerts = false;
  bool off_hours = false;
  bool flood = false;
  std::string flood_text;
  double max_rate = 0;  // attempts or packets per second, the highest any finding shows
  bool internal_scan = false;
  std::string internal_scan_text;
};

HostProfile profile_host(const Address& host, const std::vector<const Finding*>& findings,
                         const DestinationLookup& lookup);

}  // namespace callhome
