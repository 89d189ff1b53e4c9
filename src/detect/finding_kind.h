// The kinds of finding, one line each: the name the findings document uses (the interface spec
// fixes the first eleven), the typed details its findings carry (detect/details/), and what it
// means. Code compares kinds, never their names; the name is for output and for reading a kind
// back from a document.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace callhome {

#define CALLHOME_FINDING_KINDS(X)                                                            \
  X(outbound_scan, ScanDetails, "an internal host probes external hosts")                    \
  X(internal_scan, ScanDetails, "an internal host probes internal hosts")                    \
  X(icmp_sweep, IcmpSweepDetails, "echo requests from one host to several others")           \
  X(port_fallback, PortFallbackDetails,                                                      \
    "after failures on one port, the same destination tried on others")                      \
  X(beacon, BeaconDetails, "connections to one destination at a regular interval")           \
  X(strobe, StrobeDetails, "connections to one destination many times a second, all day")    \
  X(proxy_bypass, ProxyBypassDetails,                                                        \
    "web traffic that goes (or tries to go) around the site proxy")                          \
  X(sequential_source_ports, SequentialPortsDetails,                                         \
    "serial attempts whose source port rises by one")                                        \
  X(fan_in, FanInDetails, "many internal hosts contact the same external organisation")      \
  X(off_hours, OffHoursDetails, "activity inside an idle window or outside business hours")  \
  X(outbound_flood, FloodDetails, "an internal host sends at flood rate to one destination") \
  X(ids_alert, IdsAlertDetails, "an alert imported from Snort or Suricata")                  \
  X(vendor_contact, VendorContactDetails,                                                    \
    "names of P2P vendors, bundled software, dynamic DNS or anonymisers")                    \
  X(dns_tunnel, DnsTunnelDetails, "data carried in DNS queries under one domain")            \
  X(dga, DgaDetails, "lookups of algorithmically generated domain names")                    \
  X(long_session, LongSessionDetails, "long-lived or bulk sessions to one destination")      \
  X(unresolved_destination, UnresolvedDestinationDetails,                                    \
    "repeated visits to an address never looked up by name")                                 \
  X(tool_signature, ToolSignatureDetails,                                                    \
    "requests that carry an attack or scanning tool's signature")                            \
  X(exploit_chain, ExploitChainDetails,                                                      \
    "an exploit, a shell and a payload transfer against another host")                       \
  X(inbound_attack, InboundAttackDetails, "outsiders probing or attacking an internal host") \
  X(threat_intel, ThreatIntelDetails,                                                        \
    "a destination or name on a threat-intelligence list contacted or looked up")

enum class FindingKind : uint8_t {
#define CALLHOME_FINDING_KIND_ENUM(name, details, meaning) name,
  CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_ENUM)
#undef CALLHOME_FINDING_KIND_ENUM
};

#define CALLHOME_FINDING_KIND_COUNT(name, details, meaning) +1
inline constexpr size_t kFindingKindCount = 0 CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_COUNT);
#undef CALLHOME_FINDING_KIND_COUNT

const char* to_string(FindingKind k);
std::optional<FindingKind> finding_kind_from_name(std::string_view name);

}  // namespace callhome
