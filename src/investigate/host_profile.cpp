#include "investigate/host_profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace callhome {
namespace {

bool is_update_category(const std::string& c) {
  return c == "cdn" || c == "update_service" || c == "antivirus" || c == "os_vendor";
}

// Services a worm breaks into: remote logins, Windows sharing, databases, device management.
bool is_exploit_target(const std::string& category) {
  return category == "remote_access" || category == "windows_networking" ||
         category == "database" || category == "management";
}

bool is_web(const PortInfo& p) {
  return p.category == "web" || p.category == "proxy";
}

// Periodic by nature: clocks, resolvers. A schedule to them is no sign of anything.
bool is_periodic_infrastructure(const PortInfo& p) {
  return p.category == "time" || p.category == "dns";
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// A finding's summary as the detail of a fact: without the host it starts with (the incident
// names it) and without the advice it ends with (the actions give that).
std::string what_was_seen(const Finding& f) {
  std::string s = f.summary;
  const std::string host = f.host.to_string() + " ";
  if (s.rfind(host, 0) == 0) s.erase(0, host.size());
  for (const char* advice : {": find ", "; find "}) {
    if (auto at = s.find(advice); at != std::string::npos) s.erase(at);
  }
  return s;
}

std::string port_text(uint16_t port, uint8_t proto, const PortInfo& info) {
  return fmt::format("{}/{}{}", port, proto == kProtoUdp ? "udp" : "tcp",
                     info.service.empty() ? "" : " (" + info.service + ")");
}

std::string endpoint_text(const Address& dst, uint16_t port) {
  return port ? fmt::format("{}:{}", dst.to_string(), port) : dst.to_string();
}

// Collects the facts one finding shows: one `feed` per kind's details, chosen by std::visit, so
// a kind whose details nobody reads does not compile.
struct ProfileBuilder {
  ProfileBuilder(const DestinationLookup& l, HostProfile& profile) : lookup(l), p(profile) {}
  const DestinationLookup& lookup;
  HostProfile& p;
  size_t destinations = 0, update_like = 0;
  std::set<Address> seen;
  std::set<std::string> periodic_services;

  // `record`: the destination counts towards the host's organisations (what ties hosts together)
  // and the update-service share; explained periodic contacts (time, DNS, vendors) do not.
  DestinationInfo destination(const Address& a, bool record = true) {
    DestinationInfo d = lookup.destination(a);
    if (record && seen.insert(a).second) {
      ++destinations;
      if (is_update_category(d.category)) ++update_like;
      add_unique(p.destination_orgs, d.org);
    }
    return d;
  }

  std::vector<DestinationInfo> destinations_of(const std::vector<Address>& addrs,
                                               bool record = true) {
    std::vector<DestinationInfo> out;
    for (const Address& a : addrs) out.push_back(destination(a, record));
    return out;
  }

  bool identified_name(const std::string& name) const {
    DestinationInfo d;
    const NameInfo n = lookup.name(name);
    d.category = n.category;
    d.category_from_name = !n.category.empty();
    return identified_service(d);
  }

  // The facts a kind shows without further thought: the finding itself is the fact.
  void plain(const Finding& f, Fact fact, std::vector<std::string> targets = {}) {
    p.facts.set(fact, what_was_seen(f), std::move(targets));
  }

  void feed(const Finding& f, const ScanDetails& d) {
    std::vector<Address> addrs = d.sample_targets.value_or(std::vector<Address>{});
    if (d.dst) addrs.push_back(*d.dst);
    destinations_of(addrs);
    if (f.kind == FindingKind::internal_scan) plain(f, Fact::internal_targets);
    if (d.scan_type != ScanShape::horizontal || d.ports >= 10) {
      plain(f, Fact::recon_scan, {d.dst ? d.dst->to_string() : std::string()});
      return;
    }
    if (!d.port) return;
    const uint8_t proto = d.proto == kProtoUdp ? kProtoUdp : kProtoTcp;
    const PortInfo info = lookup.port(*d.port, proto);
    const std::string what = port_text(*d.port, proto, info);
    const size_t networks = d.networks.value_or(0);
    if (networks >= 5) {
      p.facts.set(Fact::peer_sweep,
                  fmt::format("{} on {} hosts in {} networks", what, d.targets, networks));
    }
    if (info.category == "p2p") {
      p.facts.set(Fact::p2p_port, what, {what});
    } else if (is_exploit_target(info.category) && d.targets >= 10) {
      p.facts.set(Fact::service_sweep, fmt::format("{} on {} hosts", what, d.targets), {what});
    } else {
      p.facts.set(Fact::port_sweep, fmt::format("{} on {} hosts", what, d.targets), {what});
    }
  }

  void feed(const Finding& f, const BeaconDetails& d) {
    if (d.part_of_scan) return;  // the scan speaks for these attempts
    const uint8_t proto = lookup_transport(d);
    // An address, or a network's first address (it names the network's owner), then the
    // addresses tried or the servers a name was asked of.
    std::vector<Address> addrs = d.beacon_type == BeaconType::net ? d.sample_targets : d.servers;
    if (auto a = Address::parse(d.dst.substr(0, d.dst.find('/')))) addrs.insert(addrs.begin(), *a);
    const auto dests = destinations_of(addrs, false);
    const bool by_name = d.beacon_type == BeaconType::sni;
    const bool named = by_name || std::any_of(dests.begin(), dests.end(),
                                              [](const auto& x) { return !x.names.empty(); });
    const bool identified_owner = std::any_of(dests.begin(), dests.end(), identified_service);
    const bool identified_by_name = by_name && identified_name(d.dst);
    const bool identified = identified_owner || (!dests.empty() && identified_by_name);
    bool web = false, odd = false, infrastructure = !d.ports.empty();
    for (uint16_t port : d.ports) {
      const PortInfo info = lookup.port(port, proto);
      (is_web(info) ? web : odd) = true;
      infrastructure &= is_periodic_infrastructure(info);
    }
    const std::string seen_text = what_was_seen(f);
    if (d.retry_loop) {
      destinations_of(addrs);
      if (web) p.facts.set(Fact::retry_web, seen_text, {d.dst});
      if (odd && !infrastructure) p.facts.set(Fact::retry_odd_port, seen_text, {d.dst});
      if (!identified && !infrastructure) p.facts.set(Fact::retry_unidentified, seen_text, {d.dst});
      return;
    }
    periodic_services.insert(d.dst);
    if (d.known_service || identified || infrastructure) {
      p.facts.set(Fact::beacon_known_service, seen_text, {d.dst});
      if (identified_owner || identified_by_name) p.facts.set(Fact::vendor_service, d.dst);
      return;
    }
    destinations_of(addrs);
    p.facts.set(Fact::beacon_unidentified, seen_text, {d.dst});
    // RITA's medium bucket starts at a score of 0.9 (anchors.md).
    if (d.score >= 0.9) p.facts.set(Fact::beacon_strong, seen_text, {d.dst});
    if (!named) p.facts.set(Fact::beacon_bare_ip, d.dst, {d.dst});
  }

  void feed(const Finding& f, const PortFallbackDetails& d) {
    destination(d.dst);
    bool all_web = true;
    for (uint16_t port : d.ports) {
      const PortInfo info = lookup.port(port, kProtoTcp);
      all_web &= is_web(info);
      if (info.category == "p2p") {
        const std::string what = port_text(port, kProtoTcp, info);
        p.facts.set(Fact::p2p_port, what, {what});
      }
    }
    plain(f, all_web && d.succeeded_port ? Fact::weak_fallback : Fact::port_fallback,
          {d.dst.to_string()});
  }

  // Long sessions and direct-to-address visits: their detectors already weigh the port, the
  // owner and whether a name was ever seen, and say "low" where those explain the traffic (a
  // long 443 session to a named platform). Only what they rate medium or above is a fact here.
  void feed(const Finding& f, const LongSessionDetails& d) {
    destination(d.dst);
    if (f.severity < Severity::medium) return;
    const std::string target = endpoint_text(d.dst, d.dst_port);
    if (d.long_lived) plain(f, Fact::long_session, {target});
    if (d.bulk_upload) plain(f, Fact::bulk_upload, {target});
  }

  void feed(const Finding& f, const UnresolvedDestinationDetails& d) {
    destination(d.dst);
    if (f.severity >= Severity::medium) {
      plain(f, Fact::unresolved_destination, {endpoint_text(d.dst, d.dst_port)});
    }
  }

  void feed(const Finding& f, const ProxyBypassDetails& d) {
    plain(f, Fact::proxy_bypass);
    if (d.blocked > 0) plain(f, Fact::retry_web);
  }

  void feed(const Finding&, const FanInDetails& d) { add_unique(p.destination_orgs, d.org); }

  void feed(const Finding& f, const IdsAlertDetails&) {
    plain(f, Fact::ids_alert);
    if (f.severity >= Severity::high) plain(f, Fact::ids_alert_severe);
  }

  void feed(const Finding& f, const VendorContactDetails& d) {
    if (d.category != VendorCategory::p2p_vendor) return;
    std::vector<std::string> names;
    for (const auto& n : d.names) names.push_back(n.name);
    plain(f, Fact::p2p_vendor, std::move(names));
  }

  void feed(const Finding& f, const IcmpSweepDetails&) { plain(f, Fact::icmp_probe); }
  void feed(const Finding& f, const SequentialPortsDetails&) { plain(f, Fact::sequential_ports); }
  void feed(const Finding& f, const FloodDetails& d) { plain(f, Fact::flood, {d.dst.to_string()}); }
  void feed(const Finding& f, const OffHoursDetails&) { plain(f, Fact::off_hours); }
  void feed(const Finding& f, const DnsTunnelDetails& d) { plain(f, Fact::dns_tunnel, {d.domain}); }
  void feed(const Finding& f, const DgaDetails&) { plain(f, Fact::dga); }
  void feed(const Finding& f, const ToolSignatureDetails&) { plain(f, Fact::tool_signature); }
  void feed(const Finding& f, const ExploitChainDetails& d) {
    plain(f, Fact::exploit_chain, {d.target.to_string()});
  }
  void feed(const Finding& f, const ThreatIntelDetails& d) {
    plain(f, Fact::threat_intel_hit, {d.indicator});
  }
  // A strobe is too fast to be a schedule; inbound attacks are handled in add().
  void feed(const Finding&, const StrobeDetails&) {}
  void feed(const Finding&, const InboundAttackDetails&) {}
  // A finding made by hand without details shows nothing the explanations could weigh.
  void feed(const Finding&, const std::monostate&) {}

  void add(const Finding& f) {
    // What outsiders did to the host (inbound scans, inbound IDS alerts) is not the host's
    // behaviour: it feeds none of the facts its explanations weigh, and its addresses are not
    // the host's destinations. The finding stays in the incident for the report.
    if (inbound(f)) {
      plain(f, Fact::inbound_attacks);
      return;
    }
    std::visit([&](const auto& d) { feed(f, d); }, f.details);
  }
};

}  // namespace

bool inbound(const Finding& f) {
  const auto* alert = std::get_if<IdsAlertDetails>(&f.details);
  return f.kind == FindingKind::inbound_attack || (alert && alert->direction == Direction::inbound);
}

bool identified_service(const DestinationInfo& d) {
  static const std::set<std::string> by_name = {
      "update_service",     "antivirus", "os_vendor", "time_service",          "public_resolver",
      "connectivity_check", "telemetry", "search",    "certificate_authority", "cloud_storage"};
  static const std::set<std::string> by_owner = {"update_service", "antivirus", "os_vendor"};
  return d.category_from_name ? by_name.contains(d.category) : by_owner.contains(d.category);
}

HostProfile profile_host(const Address& host, const std::vector<const Finding*>& findings,
                         const DestinationLookup& lookup, const SiteFacts& site) {
  HostProfile p;
  p.host = host;
  ProfileBuilder b(lookup, p);
  for (const Finding* f : findings) b.add(*f);
  if (b.destinations > 0 && b.update_like * 2 > b.destinations) {
    p.facts.set(Fact::update_destinations, fmt::format("{}", fmt::join(p.destination_orgs, ", ")));
  }
  // Several unrelated services on their own schedules: a desktop's pollers, not one implant.
  if (b.periodic_services.size() >= 3) {
    p.facts.set(Fact::many_periodic_services,
                fmt::format("{} services", b.periodic_services.size()));
  }
  if (site.has_proxy) p.facts.set(Fact::site_has_proxy);
  return p;
}

}  // namespace callhome
