#include "detect/scan_retries.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>
#include <variant>

#include "core/connection.h"

namespace callhome {

void explain_scan_retries(std::vector<Finding>& findings) {
  // (host, proto, port) of every sweep: one port on many hosts.
  std::set<std::tuple<Address, uint8_t, uint16_t>> swept;
  for (const Finding& f : findings) {
    if (f.kind != FindingKind::outbound_scan && f.kind != FindingKind::internal_scan) continue;
    const auto* d = std::get_if<ScanDetails>(&f.details);
    if (!d || d->scan_type != ScanShape::horizontal || !d->port) continue;
    swept.emplace(f.host, d->proto, *d->port);
  }
  if (swept.empty()) return;
  for (Finding& f : findings) {
    auto* d = f.kind == FindingKind::beacon ? std::get_if<BeaconDetails>(&f.details) : nullptr;
    if (!d || !d->retry_loop || !d->dst_port) continue;
    const uint16_t port = *d->dst_port;
    const uint8_t proto = d->proto.value_or(kProtoTcp);
    if (!swept.contains({f.host, proto, port})) continue;
    d->part_of_scan = true;
    f.severity = Severity::info;
    f.notes.push_back(fmt::format(
        "severity lowered: these attempts are retries within {}'s sweep of {}/{}, not check-ins",
        f.host.to_string(), port, transport_name(proto)));
  }
}

}  // namespace callhome
