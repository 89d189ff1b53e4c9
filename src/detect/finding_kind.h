// The kinds of finding, one line each: the name the findings document uses (the interface spec
// fixes the first eleven) and what it means. Code compares kinds, never their names; the name is
// for output and for reading a kind back from a document.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace callhome {

#define CALLHOME_FINDING_KINDS(X)                                                         \
  X(outbound_scan, "an internal host probes external hosts")                              \
  X(internal_scan, "an internal host probes internal hosts")                              \
  X(icmp_sweep, "echo requests from one host to several others")                          \
  X(port_fallback, "after failures on one port, the same destination tried on others")    \
  X(beacon, "connections to one destination at a regular interval")                       \
  X(strobe, "connections to one destination many times a second, all day")                \
  X(proxy_bypass, "web traffic that goes (or tries to go) around the site proxy")         \
  X(sequential_source_ports, "serial attempts whose source port rises by one")            \
  X(fan_in, "many internal hosts contact the same external organisation")                 \
  X(off_hours, "activity inside an idle window or outside business hours")                \
  X(outbound_flood, "an internal host sends at flood rate to one destination")            \
  X(ids_alert, "an alert imported from Snort or Suricata")                                \
  X(vendor_contact, "names of P2P vendors, bundled software, dynamic DNS or anonymisers") \
  X(dns_tunnel, "data carried in DNS queries under one domain")                           \
  X(dga, "lookups of algorithmically generated domain names")                             \
  X(long_session, "long-lived or bulk sessions to one destination")                       \
  X(unresolved_destination, "repeated visits to an address never looked up by name")      \
  X(tool_signature, "requests that carry an attack or scanning tool's signature")         \
  X(exploit_chain, "an exploit, a shell and a payload transfer against another host")     \
  X(inbound_attack, "outsiders probing or attacking an internal host")

enum class FindingKind : uint8_t {
#define CALLHOME_FINDING_KIND_ENUM(name, meaning) name,
  CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_ENUM)
#undef CALLHOME_FINDING_KIND_ENUM
};

#define CALLHOME_FINDING_KIND_COUNT(name, meaning) +1
inline constexpr size_t kFindingKindCount = 0 CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_COUNT);
#undef CALLHOME_FINDING_KIND_COUNT

const char* to_string(FindingKind k);
std::optional<FindingKind> finding_kind_from_name(std::string_view name);

}  // namespace callhome
