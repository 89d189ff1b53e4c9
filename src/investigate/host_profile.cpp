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

std::string text(const nlohmann::json& a, const char* key) {
  return a.contains(key) && a[key].is_string() ? a[key].get<std::string>() : std::string();
}

double number(const nlohmann::json& a, const char* key) {
  return a.contains(key) && a[key].is_number() ? a[key].get<double>() : 0;
}

uint8_t proto_of(const nlohmann::json& a) {
  return text(a, "proto") == "udp" ? kProtoUdp : kProtoTcp;
}

std::optional<Address> address_in(const std::string& s) {
  return Address::parse(s.substr(0, s.find('/')));
}

// The ports a finding names: one "port"/"dst_port", or a list under "ports"/"dst_ports" (a
// scan's "ports" is a count, not a list, and is skipped by the type check).
std::vector<uint16_t> ports_of(const nlohmann::json& a) {
  std::vector<uint16_t> out;
  for (const char* key : {"port", "dst_port"}) {
    if (a.contains(key) && a[key].is_number_integer()) out.push_back(a[key].get<uint16_t>());
  }
  for (const char* key : {"ports", "dst_ports"}) {
    if (!a.contains(key) || !a[key].is_array()) continue;
    for (const auto& p : a[key]) {
      if (p.is_number_integer()) out.push_back(p.get<uint16_t>());
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
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

// Collects the facts one finding shows. Each kind has one function; the table below maps a
// kind to it.
struct ProfileBuilder {
  ProfileBuilder(const DestinationLookup& l, HostProfile& profile) : lookup(l), p(profile) {}
  const DestinationLookup& lookup;
  HostProfile& p;
  size_t destinations = 0, update_like = 0;
  std::set<Address> seen;
  std::set<std::string> periodic_services;

  // `record`: the destination counts towards the host's organisations (what ties hosts together)
  // and the update-service share; explained periodic contacts (time, DNS, vendors) do not.
  DestinationInfo destination(const std::string& dst, bool record = true) {
    auto a = address_in(dst);
    if (!a) return {};
    DestinationInfo d = lookup.destination(*a);
    if (record && seen.insert(*a).second) {
      ++destinations;
      if (is_update_category(d.category)) ++update_like;
      add_unique(p.destination_orgs, d.org);
    }
    return d;
  }

  // The addresses a finding stands for: its "dst" (or the servers of a name) and its sample.
  std::vector<DestinationInfo> destinations_of(const nlohmann::json& a, bool record = true) {
    std::vector<DestinationInfo> out;
    if (auto dst = text(a, "dst"); address_in(dst)) out.push_back(destination(dst, record));
    for (const char* key : {"servers", "sample_targets"}) {
      if (!a.contains(key) || !a[key].is_array()) continue;
      for (const auto& t : a[key]) {
        if (t.is_string()) out.push_back(destination(t.get<std::string>(), record));
      }
    }
    return out;
  }

  void scan(const Finding& f) {
    const nlohmann::json a = attributes_json(f);
    destinations_of(a);
    const std::string shape = text(a, "scan_type");
    const uint8_t proto = proto_of(a);
    const double ports = number(a, "ports"), targets = number(a, "targets");
    const std::string dst = text(a, "dst");
    if (f.kind == FindingKind::internal_scan) plain(f, Fact::internal_targets);
    if (shape == "vertical" || shape == "block" || ports >= 10) {
      p.facts.set(Fact::recon_scan, what_was_seen(f), {dst});
      return;
    }
    if (!a.contains("port") || !a["port"].is_number_integer()) return;
    const uint16_t port = a["port"].get<uint16_t>();
    const PortInfo info = lookup.port(port, proto);
    const std::string what = port_text(port, proto, info);
    if (number(a, "networks") >= 5) {
      p.facts.set(Fact::peer_sweep, fmt::format("{} on {} hosts in {} networks", what, targets,
                                                number(a, "networks")));
    }
    if (info.category == "p2p") {
      p.facts.set(Fact::p2p_port, what, {what});
    } else if (is_exploit_target(info.category) && targets >= 10) {
      p.facts.set(Fact::service_sweep, fmt::format("{} on {} hosts", what, targets), {what});
    } else {
      p.facts.set(Fact::port_sweep, fmt::format("{} on {} hosts", what, targets), {what});
    }
  }

  void beacon(const Finding& f) {
    const nlohmann::json a = attributes_json(f);
    const uint8_t proto = proto_of(a);
    const auto ports = ports_of(a);
    const auto dests = destinations_of(a, false);
    const std::string dst = text(a, "dst");
    const bool named = text(a, "beacon_type") == "sni" ||
                       std::any_of(dests.begin(), dests.end(),
                                   [](const DestinationInfo& d) { return !d.names.empty(); });
    const bool identified =
        std::any_of(dests.begin(), dests.end(), identified_service) ||
        (!dests.empty() && text(a, "beacon_type") == "sni" && identified_name(dst));
    bool web = false, odd = false, infrastructure = !ports.empty();
    for (uint16_t port : ports) {
      const PortInfo info = lookup.port(port, proto);
      (is_web(info) ? web : odd) = true;
      infrastructure &= is_periodic_infrastructure(info);
    }
    const std::string seen_text = what_was_seen(f);
    if (a.value("part_of_scan", false)) return;  // the scan speaks for these attempts
    if (a.value("retry_loop", false)) {
      destinations_of(a);
      if (web) p.facts.set(Fact::retry_web, what_was_seen(f), {dst});
      if (odd && !infrastructure) p.facts.set(Fact::retry_odd_port, what_was_seen(f), {dst});
      if (!identified && !infrastructure)
        p.facts.set(Fact::retry_unidentified, what_was_seen(f), {dst});
      return;
    }
    periodic_services.insert(dst);
    if (a.contains("known_service") || identified || infrastructure) {
      p.facts.set(Fact::beacon_known_service, seen_text, {dst});
      if (std::any_of(dests.begin(), dests.end(), identified_service) || identified_name(dst)) {
        p.facts.set(Fact::vendor_service, dst);
      }
      return;
    }
    destinations_of(a);
    p.facts.set(Fact::beacon_unidentified, seen_text, {dst});
    // RITA's medium bucket starts at a score of 0.9 (anchors.md).
    if (number(a, "score") >= 0.9) p.facts.set(Fact::beacon_strong, seen_text, {dst});
    if (!named) p.facts.set(Fact::beacon_bare_ip, dst, {dst});
  }

  bool identified_name(const std::string& name) const {
    if (address_in(name)) return false;
    DestinationInfo d;
    const NameInfo n = lookup.name(name);
    d.category = n.category;
    d.category_from_name = !n.category.empty();
    return identified_service(d);
  }

  void port_fallback(const Finding& f) {
    const nlohmann::json a = attributes_json(f);
    destinations_of(a);
    bool all_web = true;
    for (uint16_t port : ports_of(a)) {
      const PortInfo info = lookup.port(port, kProtoTcp);
      all_web &= is_web(info);
      if (info.category == "p2p") {
        const std::string what = port_text(port, kProtoTcp, info);
        p.facts.set(Fact::p2p_port, what, {what});
      }
    }
    const bool succeeded = a.contains("succeeded_port") && a["succeeded_port"].is_number();
    p.facts.set(all_web && succeeded ? Fact::weak_fallback : Fact::port_fallback, what_was_seen(f),
                {text(a, "dst")});
  }

  // Long sessions and direct-to-address visits: their detectors already weigh the port, the
  // owner and whether a name was ever seen, and say "low" where those explain the traffic (a
  // long 443 session to a named platform). Only what they rate medium or above is a fact here.
  void channel(const Finding& f) {
    const nlohmann::json a = attributes_json(f);
    destinations_of(a);
    if (f.severity < Severity::medium) return;
    const std::string dst = text(a, "dst");
    const auto port = ports_of(a);
    const std::string target = port.empty() ? dst : fmt::format("{}:{}", dst, port.front());
    if (f.kind == FindingKind::unresolved_destination) {
      p.facts.set(Fact::unresolved_destination, what_was_seen(f), {target});
      return;
    }
    if (a.value("long_lived", false)) p.facts.set(Fact::long_session, what_was_seen(f), {target});
    if (a.value("bulk_upload", false)) p.facts.set(Fact::bulk_upload, what_was_seen(f), {target});
  }

  // The facts a kind shows without further thought: the finding itself is the fact.
  void plain(const Finding& f, Fact fact, const char* target_key = nullptr) {
    p.facts.set(fact, what_was_seen(f),
                target_key ? std::vector<std::string>{text(attributes_json(f), target_key)}
                           : std::vector<std::string>{});
  }

  void proxy_bypass(const Finding& f) {
    plain(f, Fact::proxy_bypass);
    if (number(attributes_json(f), "blocked") > 0) plain(f, Fact::retry_web);
  }

  void fan_in(const Finding& f) { add_unique(p.destination_orgs, text(attributes_json(f), "org")); }

  void ids_alert(const Finding& f) {
    plain(f, Fact::ids_alert);
    if (f.severity >= Severity::high) plain(f, Fact::ids_alert_severe);
  }

  void vendor_contact(const Finding& f) {
    if (text(attributes_json(f), "category") != "p2p_vendor") return;
    std::vector<std::string> names;
    for (const auto& n : attributes_json(f).value("names", nlohmann::json::array())) {
      names.push_back(n.value("name", std::string()));
    }
    p.facts.set(Fact::p2p_vendor, what_was_seen(f), names);
  }

  void add(const Finding& f) {
    // What outsiders did to the host (inbound scans, inbound IDS alerts) is not the host's
    // behaviour: it feeds none of the facts its explanations weigh, and its addresses are not
    // the host's destinations. The finding stays in the incident for the report.
    if (inbound(f)) {
      plain(f, Fact::inbound_attacks);
      return;
    }
    switch (f.kind) {
      case FindingKind::outbound_scan:
      case FindingKind::internal_scan:
        return scan(f);
      case FindingKind::beacon:
        return beacon(f);
      case FindingKind::port_fallback:
        return port_fallback(f);
      case FindingKind::icmp_sweep:
        return plain(f, Fact::icmp_probe);
      case FindingKind::sequential_source_ports:
        return plain(f, Fact::sequential_ports);
      case FindingKind::proxy_bypass:
        return proxy_bypass(f);
      case FindingKind::fan_in:
        return fan_in(f);
      case FindingKind::outbound_flood:
        return plain(f, Fact::flood, "dst");
      case FindingKind::ids_alert:
        return ids_alert(f);
      case FindingKind::vendor_contact:
        return vendor_contact(f);
      case FindingKind::off_hours:
        return plain(f, Fact::off_hours);
      case FindingKind::dns_tunnel:
        return plain(f, Fact::dns_tunnel, "domain");
      case FindingKind::dga:
        return plain(f, Fact::dga);
      case FindingKind::long_session:
      case FindingKind::unresolved_destination:
        return channel(f);
      case FindingKind::tool_signature:
        return plain(f, Fact::tool_signature);
      case FindingKind::exploit_chain:
        return plain(f, Fact::exploit_chain, "target");
      // A strobe is too fast to be a schedule; an inbound attack is handled above.
      case FindingKind::strobe:
      case FindingKind::inbound_attack:
        return;
    }
  }
};

}  // namespace

bool inbound(const Finding& f) {
  return f.kind == FindingKind::inbound_attack ||
         text(attributes_json(f), "direction") == "inbound";
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
