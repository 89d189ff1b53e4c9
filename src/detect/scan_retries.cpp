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
  std::set<std::tuple<Address, std::string, int>> swept;
  for (const Finding& f : findings) {
    if (f.kind != FindingKind::outbound_scan && f.kind != FindingKind::internal_scan) continue;
    // Read as the findings document writes it: typed or not, the scan's details say the same.
    const nlohmann::json a = attributes_json(f);
    if (a.value("scan_type", "") != "horizontal" || !a.contains("port") ||
        !a["port"].is_number_integer()) {
      continue;
    }
    swept.emplace(f.host, a.value("proto", "tcp"), a["port"].get<int>());
  }
  if (swept.empty()) return;
  for (Finding& f : findings) {
    auto* d = f.kind == FindingKind::beacon ? std::get_if<BeaconDetails>(&f.details) : nullptr;
    if (!d || !d->retry_loop) continue;
    const int port = d->dst_port ? int(*d->dst_port) : -1;
    const std::string proto = d->proto ? transport_name(*d->proto) : "tcp";
    if (!swept.contains({f.host, proto, port})) continue;
    d->part_of_scan = true;
    f.severity = Severity::info;
    f.notes.push_back(fmt::format(
        "severity lowered: these attempts are retries within {}'s sweep of {}/{}, not check-ins",
        f.host.to_string(), port, proto));
  }
}

}  // namespace callhome
