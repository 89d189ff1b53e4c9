#include "detect/known_services.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

namespace callhome {
namespace {

Severity lower(Severity s, Severity floor) {
  return s > floor ? floor : s;
}

// The addresses a beacon's destination stands for: its address, or the servers of a name.
std::vector<Address> beacon_addresses(const Finding& f) {
  std::vector<Address> out;
  if (auto a = Address::parse(f.attributes.value("dst", std::string()))) out.push_back(*a);
  for (const auto& s : f.attributes.value("servers", nlohmann::json::array())) {
    if (auto a = s.is_string() ? Address::parse(s.get<std::string>()) : std::nullopt) {
      out.push_back(*a);
    }
  }
  return out;
}

uint8_t proto_of(const Finding& f) {
  const std::string p = f.attributes.value("proto", std::string("tcp"));
  return p == "udp" ? kProtoUdp : kProtoTcp;
}

}  // namespace

void explain_known_periodic(std::vector<Finding>& findings, const DestinationLookup& lookup) {
  // Who beacons to which organisation and port: a schedule many hosts share is software they
  // all run.
  std::map<std::pair<std::string, int>, std::set<Address>> sharing;
  std::vector<std::pair<std::string, int>> key_of(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    if (f.kind != FindingKind::beacon || f.attributes.value("retry_loop", false)) continue;
    const auto addrs = beacon_addresses(f);
    std::string org = addrs.empty() ? f.attributes.value("dst", std::string())
                                    : lookup.destination(addrs.front()).org;
    if (org.empty() && !addrs.empty()) org = addrs.front().to_string();
    key_of[i] = {org, f.attributes.value("dst_port", -1)};
    sharing[key_of[i]].insert(f.host);
  }

  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    if (f.kind != FindingKind::beacon || f.attributes.value("retry_loop", false)) continue;
    const int port = f.attributes.value("dst_port", -1);
    const PortInfo pi = port >= 0 ? lookup.port(uint16_t(port), proto_of(f)) : PortInfo{};
    const auto addrs = beacon_addresses(f);
    const DestinationInfo d = addrs.empty() ? DestinationInfo{} : lookup.destination(addrs.front());
    const std::string who = d.org.empty() ? f.attributes.value("dst", std::string()) : d.org;

    if (pi.category == "time" || pi.category == "dns") {
      f.attributes["known_service"] = pi.service;
      f.severity = lower(f.severity, Severity::info);
      f.notes.push_back(fmt::format("severity lowered: {} to {} is a known periodic service ({})",
                                    pi.service, who, pi.description));
    } else if (d.category == "update_service" || d.category == "antivirus" ||
               d.category == "os_vendor") {
      f.attributes["known_service"] = d.category;
      f.severity = lower(f.severity, Severity::low);
      f.notes.push_back(
          fmt::format("severity lowered: {} runs an update or antivirus service, which software "
                      "checks on a schedule",
                      who));
    } else if (d.category == "cdn") {
      f.severity = lower(f.severity, Severity::medium);
      f.notes.push_back(fmt::format(
          "severity capped at medium: {} is a CDN, where updates live (and, rarely, C2 hides)",
          who));
    }
    const size_t hosts = sharing[key_of[i]].size();
    if (hosts >= 3 && !key_of[i].first.empty()) {
      f.attributes["hosts_sharing"] = hosts;
      f.severity = lower(f.severity, Severity::low);
      f.notes.push_back(fmt::format(
          "severity lowered: {} internal hosts keep the same schedule with {}: installed "
          "software rather than one implant",
          hosts, key_of[i].first));
    }
  }
}

}  // namespace callhome
