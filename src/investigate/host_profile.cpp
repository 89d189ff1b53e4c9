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

bool is_web_port(uint16_t p) {
  return p == 80 || p == 443 || p == 8080 || p == 3128;
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// Every address a finding names: its "dst" and its sample of targets.
std::vector<Address> addresses_of(const Finding& f) {
  std::vector<Address> out;
  auto take = [&](const nlohmann::json& j) {
    if (!j.is_string()) return;
    auto s = j.get<std::string>();
    if (auto slash = s.find('/'); slash != std::string::npos) s = s.substr(0, slash);
    if (auto a = Address::parse(s)) out.push_back(*a);
  };
  if (f.attributes.contains("dst")) take(f.attributes["dst"]);
  for (const char* key : {"sample_targets", "servers"}) {
    if (!f.attributes.contains(key)) continue;
    for (const auto& t : f.attributes[key]) take(t);
  }
  return out;
}

std::vector<uint16_t> ports_of(const Finding& f) {
  std::vector<uint16_t> out;
  for (const char* key : {"port", "ports", "dst_ports"}) {
    if (!f.attributes.contains(key)) continue;
    const auto& j = f.attributes[key];
    if (j.is_number_integer() && f.kind != "outbound_scan" && std::string(key) == "ports") {
      continue;  // a scan's "ports" is a count, not a port
    }
    if (j.is_number_integer()) out.push_back(j.get<uint16_t>());
    if (j.is_array()) {
      for (const auto& p : j) {
        if (p.is_number_integer()) out.push_back(p.get<uint16_t>());
      }
    }
  }
  if (f.kind == "outbound_scan" && f.attributes.contains("port") &&
      f.attributes["port"].is_number_integer()) {
    out = {f.attributes["port"].get<uint16_t>()};
  }
  return out;
}

double json_number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0;
}

}  // namespace

HostProfile profile_host(const Address& host, const std::vector<const Finding*>& findings,
                         const DestinationLookup& lookup) {
  HostProfile p;
  p.host = host;
  size_t destinations = 0, update_like = 0;
  std::set<Address> seen;
  for (const Finding* f : findings) {
    const auto& a = f->attributes;
    if (a.contains("known_service")) {
      // Explained already (time, DNS, an update service): it says nothing about the rest.
      p.benign_periodic = true;
      continue;
    }
    const uint8_t proto = a.contains("proto") && a["proto"] == "udp" ? 17 : 6;
    for (uint16_t port : ports_of(*f)) {
      PortInfo info = lookup.port(port, proto);
      if (info.category == "p2p") {
        add_unique(p.p2p_ports, fmt::format("{}/{}{}", port, proto == 17 ? "udp" : "tcp",
                                            info.service.empty() ? "" : " (" + info.service + ")"));
      }
    }
    for (const Address& dst : addresses_of(*f)) {
      if (!seen.insert(dst).second) continue;
      DestinationInfo d = lookup.destination(dst);
      ++destinations;
      if (is_update_category(d.category)) ++update_like;
      add_unique(p.destination_orgs, d.org);
      if (d.category == "p2p_vendor") {
        add_unique(p.p2p_names, d.names.empty() ? d.org : d.names.front());
      }
    }
    if (f->kind == "outbound_scan" && a.value("scan_type", "") == "vertical") {
      p.vertical_scan_text = f->summary;
    } else if (f->kind == "outbound_scan") {
      if (a.contains("port") && a["port"].is_number_integer()) {
        const uint16_t port = a["port"].get<uint16_t>();
        const PortInfo info = lookup.port(port, proto);
        if (is_exploit_target(info.category) && json_number(a, "targets") >= 10) {
          add_unique(p.service_scan_ports,
                     fmt::format("{}/{}{}", port, proto == 17 ? "udp" : "tcp",
                                 info.service.empty() ? "" : " (" + info.service + ")"));
        }
      }
      p.scan_targets = std::max<size_t>(p.scan_targets, size_t(json_number(a, "targets")));
      p.scan_networks = std::max<size_t>(p.scan_networks, size_t(json_number(a, "networks")));
      double d = json_number(a, "duration_s");
      p.max_rate = std::max(p.max_rate, json_number(a, "attempts") / std::max(d, 1.0));
    } else if (f->kind == "internal_scan") {
      p.internal_scan = true;
      p.internal_scan_text = f->summary;
    } else if (f->kind == "icmp_sweep") {
      p.icmp_probe = true;
    } else if (f->kind == "port_fallback") {
      p.fallback = true;
      p.fallback_text = f->summary;
    } else if (f->kind == "beacon") {
      if (a.value("retry_loop", false)) {
        p.retry_loop = true;
        p.retry_text = f->summary;
        for (uint16_t port : ports_of(*f)) p.blocked_web |= is_web_port(port);
        if (a.contains("dst_port") && a["dst_port"].is_number_integer()) {
          p.blocked_web |= is_web_port(a["dst_port"].get<uint16_t>());
        }
      } else {
        p.beacon_success = true;
        p.beacon_text = f->summary;
      }
    } else if (f->kind == "sequential_source_ports") {
      p.sequential_ports = true;
      for (uint16_t port : ports_of(*f)) p.blocked_web |= is_web_port(port);
      for (const auto& run : a.value("runs", nlohmann::json::array())) {
        double len = json_number(run, "last_port") - json_number(run, "first_port") + 1;
        double span = json_number(run, "end_ts") - json_number(run, "start_ts");
        p.max_rate = std::max(p.max_rate, len / std::max(span, 1.0));
      }
    } else if (f->kind == "proxy_bypass") {
      p.proxy_bypass = true;
      p.blocked_web |= json_number(a, "blocked") > 0;
    } else if (f->kind == "fan_in") {
      p.fan_in_hosts = std::max<size_t>(p.fan_in_hosts, size_t(json_number(a, "hosts")));
      add_unique(p.destination_orgs, a.value("org", std::string()));
    } else if (f->kind == "outbound_flood") {
      p.flood = true;
      p.flood_text = f->summary;
      p.max_rate = std::max(p.max_rate, json_number(a, "pps"));
    } else if (f->kind == "ids_alert") {
      p.ids_alerts = true;
    } else if (f->kind == "vendor_contact" && a.value("category", "") == "p2p_vendor") {
      for (const auto& n : a.value("names", nlohmann::json::array())) {
        add_unique(p.p2p_names, n.value("name", std::string()));
      }
    } else if (f->kind == "off_hours") {
      p.off_hours = true;
    }
  }
  p.update_destinations = destinations > 0 && update_like * 2 > destinations;
  p.benign_periodic = p.benign_periodic || (p.beacon_success && p.update_destinations);
  return p;
}

}  // namespace callhome
