#include "detect/known_services.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <variant>

#include "core/connection.h"

namespace callhome {
namespace {

Severity lower(Severity s, Severity floor) {
  return s > floor ? floor : s;
}

// The addresses a beacon's destination stands for: its address, or the servers of a name.
std::vector<Address> beacon_addresses(const BeaconDetails& d) {
  std::vector<Address> out;
  if (auto a = Address::parse(d.dst)) out.push_back(*a);
  out.insert(out.end(), d.servers.begin(), d.servers.end());
  return out;
}

int port_of(const BeaconDetails& d) {
  return d.dst_port ? int(*d.dst_port) : -1;
}

// The details of a beacon that is no retry loop, or null.
BeaconDetails* periodic(Finding& f) {
  auto* d = f.kind == FindingKind::beacon ? std::get_if<BeaconDetails>(&f.details) : nullptr;
  return d && !d->retry_loop ? d : nullptr;
}

}  // namespace

void explain_known_periodic(std::vector<Finding>& findings, const DestinationLookup& lookup) {
  // Who beacons to which organisation and port: a schedule many hosts share is software they
  // all run.
  std::map<std::pair<std::string, int>, std::set<Address>> sharing;
  std::vector<std::pair<std::string, int>> key_of(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    const BeaconDetails* d = periodic(findings[i]);
    if (!d) continue;
    const auto addrs = beacon_addresses(*d);
    std::string org = addrs.empty() ? d->dst : lookup.destination(addrs.front()).org;
    if (org.empty() && !addrs.empty()) org = addrs.front().to_string();
    key_of[i] = {org, port_of(*d)};
    sharing[key_of[i]].insert(findings[i].host);
  }

  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    BeaconDetails* b = periodic(f);
    if (!b) continue;
    const int port = port_of(*b);
    const PortInfo pi = port >= 0 ? lookup.port(uint16_t(port), lookup_transport(*b)) : PortInfo{};
    const auto addrs = beacon_addresses(*b);
    const DestinationInfo d = addrs.empty() ? DestinationInfo{} : lookup.destination(addrs.front());
    const std::string who = d.org.empty() ? b->dst : d.org;

    if (pi.category == "time" || pi.category == "dns") {
      b->known_service = pi.service;
      f.severity = lower(f.severity, Severity::info);
      f.notes.push_back(fmt::format("severity lowered: {} to {} is a known periodic service ({})",
                                    pi.service, who, pi.description));
    } else if (d.category == "update_service" || d.category == "antivirus" ||
               d.category == "os_vendor") {
      b->known_service = d.category;
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
      b->hosts_sharing = hosts;
      f.severity = lower(f.severity, Severity::low);
      f.notes.push_back(fmt::format(
          "severity lowered: {} internal hosts keep the same schedule with {}: installed "
          "software rather than one implant",
          hosts, key_of[i].first));
    }
  }
}

}  // namespace callhome
