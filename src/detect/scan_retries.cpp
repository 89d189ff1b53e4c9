#include "detect/scan_retries.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace callhome {

void explain_scan_retries(std::vector<Finding>& findings) {
  // (host, proto, port) of every sweep: one port on many hosts.
  std::set<std::tuple<Address, std::string, int>> swept;
  for (const Finding& f : findings) {
    if (f.kind != FindingKind::outbound_scan && f.kind != FindingKind::internal_scan) continue;
    const auto* d = std::get_if<ScanDetails>(&f.details);
    if (!d || d->scan_type != ScanShape::horizontal || !d->port) continue;
    swept.emplace(f.host, scan_proto_name(d->proto), *d->port);
  }
  if (swept.empty()) return;
  for (Finding& f : findings) {
    if (f.kind != FindingKind::beacon || !f.attributes.value("retry_loop", false)) continue;
    const int port = f.attributes.value("dst_port", -1);
    const std::string proto = f.attributes.value("proto", "tcp");
    if (!swept.contains({f.host, proto, port})) continue;
    f.attributes["part_of_scan"] = true;
    f.severity = Severity::info;
    f.notes.push_back(fmt::format(
        "severity lowered: these attempts are retries within {}'s sweep of {}/{}, not check-ins",
        f.host.to_string(), port, proto));
  }
}

}  // namespace callhome
