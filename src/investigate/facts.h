// The facts about a host that explanations are weighed on. Each fact is one observation that a
// host's findings (and the site) either show or do not; data/explanations.toml names them to
// say how much each one supports or contradicts each explanation. The names are the contract
// between the table and the code: the table is checked against this list when it is loaded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callhome {

// X-macro: one line per fact, its name in the explanations table and what it means.
// inbound_attacks (outsiders scanning the host, inbound IDS alerts) is weighed by no explanation
// on purpose: being probed says nothing about what the host itself does.
#define CALLHOME_FACTS(X)                                                                      \
  X(p2p_port, "attempts on ports that P2P file-sharing networks use")                          \
  X(p2p_vendor, "names of P2P software vendors were asked for or contacted")                   \
  X(peer_sweep, "one port probed on hosts in many unrelated networks")                         \
  X(icmp_probe, "ICMP echo probes to several hosts")                                           \
  X(port_fallback, "after failing on one port, the same destination tried on other ports")     \
  X(update_destinations, "most other ends are update, antivirus, OS-vendor or CDN services")   \
  X(vendor_service, "a periodic contact is an identified OS, antivirus or update service")     \
  X(retry_web, "failed or blocked attempts on web ports, retried on a schedule")               \
  X(retry_unidentified, "attempts retried on a schedule to a destination nobody identifies")   \
  X(retry_odd_port, "attempts retried on a schedule on a port that is not a web port")         \
  X(sequential_ports, "serial attempts whose source port rises by one: one program retrying")  \
  X(proxy_bypass, "web traffic going around the site's proxy")                                 \
  X(site_has_proxy, "the site declares a proxy as the way out for web traffic")                \
  X(fan_in, "other internal hosts do the same towards the same organisation")                  \
  X(beacon_unidentified, "regular check-ins that succeed, to a destination nobody identifies") \
  X(beacon_strong, "unidentified check-ins regular enough for RITA's medium beacon bucket")    \
  X(beacon_bare_ip, "regular check-ins to an address no name was ever seen for")               \
  X(beacon_known_service, "regular check-ins to an identified service (time, DNS, vendor)")    \
  X(many_periodic_services, "periodic contact with several different services")                \
  X(ids_alert, "IDS alerts about this host")                                                   \
  X(ids_alert_severe, "high-priority IDS alerts about this host")                              \
  X(off_hours, "activity while nobody is there")                                               \
  X(flood, "traffic at flood rate to one destination")                                         \
  X(recon_scan, "many ports probed on a few hosts: mapping services")                          \
  X(service_sweep, "a remotely exploitable service probed on many hosts")                      \
  X(port_sweep, "one ordinary port probed on many hosts")                                      \
  X(internal_targets, "the probes go to internal hosts")                                       \
  X(dns_tunnel, "encoded DNS queries carrying data to one domain")                             \
  X(dga, "lookups of many algorithmically generated domain names")                             \
  X(long_session, "long-lived sessions to an unidentified destination and port")               \
  X(bulk_upload, "large uploads to an unidentified destination")                               \
  X(unresolved_destination, "repeated sessions to an address never looked up by name")         \
  X(tool_signature, "requests carry the signature of an attack or scanning tool")              \
  X(exploit_chain, "exploit, shell and payload transfer against another host")                 \
  X(weak_fallback, "a fallback that ended on an ordinary web port")                            \
  X(threat_intel_hit, "a name or address on a threat-intel list contacted or looked up")       \
  X(inbound_attacks, "outside addresses probed or attacked this host")

enum class Fact : uint8_t {
#define CALLHOME_FACT_ENUM(name, meaning) name,
  CALLHOME_FACTS(CALLHOME_FACT_ENUM)
#undef CALLHOME_FACT_ENUM
};

#define CALLHOME_FACT_COUNT(name, meaning) +1
inline constexpr size_t kFactCount = 0 CALLHOME_FACTS(CALLHOME_FACT_COUNT);
#undef CALLHOME_FACT_COUNT

const char* fact_name(Fact f);
std::optional<Fact> fact_from_name(std::string_view name);

// Whether a fact holds for a host, what was seen (a few words for the reason sentence), and the
// destinations, ports or names it is about (what an action would block or look for).
struct FactValue {
  bool holds = false;
  std::string detail;
  std::vector<std::string> targets;
};

class HostFacts {
 public:
  bool holds(Fact f) const { return at(f).holds; }
  const FactValue& at(Fact f) const { return v_[size_t(f)]; }
  // Marks the fact as holding, adding detail (joined with "; ") and targets (once each).
  void set(Fact f, std::string detail = {}, std::vector<std::string> targets = {});

 private:
  std::array<FactValue, kFactCount> v_;
};

}  // namespace callhome
