// The facts about one host that the explanations are weighed on, distilled from its findings
// and from what enrichment knows about the other ends.
#pragma once

#include <string>
#include <vector>

#include "core/destination_lookup.h"
#include "detect/finding.h"
#include "investigate/facts.h"

namespace callhome {

struct HostProfile {
  Address host;
  // Organisations (or names) of the other ends the host failed to reach or kept contacting:
  // hosts sharing one are tied together (fan_in, stories).
  std::vector<std::string> destination_orgs;
  HostFacts facts;
};

// What the site says that bears on the explanations.
struct SiteFacts {
  bool has_proxy = false;
};

HostProfile profile_host(const Address& host, const std::vector<const Finding*>& findings,
                         const DestinationLookup& lookup, const SiteFacts& site);

// What outsiders did to the host (an inbound scan, an inbound IDS alert): reported with it, but
// no evidence of what the host itself calls out to.
bool inbound(const Finding& f);

// Who a destination is, decided by the names it was seen under before its owner: a CDN or
// hosting network says where a service runs, not what it is. An OS, antivirus or update vendor's
// own network is that vendor's service even when no name was seen.
bool identified_service(const DestinationInfo& d);

}  // namespace callhome
