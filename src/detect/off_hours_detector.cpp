#include "detect/off_hours_detector.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {

void OffHoursDetector::on_connection(const Connection& c) {
  if (!opt_.unattended || !opt_.internal.contains(c.orig_h) || opt_.internal.contains(c.resp_h)) {
    return;
  }
  auto window = opt_.unattended(c.ts);
  if (!window) return;
  Host& h = hosts_[c.orig_h];
  ++h.connections;
  if (h.first == 0 || c.ts < h.first) {
    h.first = c.ts;
    h.window = *window;
  }
  h.last = std::max(h.last, c.ts);
  if (h.samples.size() < Finding::kMaxEvidence) {
    h.samples.push_back(
        {c.first, fmt::format("to {}:{} during {}", c.resp_h.to_string(), c.resp_p, *window)});
  }
}

void OffHoursDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, h] : hosts_) {
    if (h.connections < opt_.min_connections) continue;
    Finding f;
    f.kind = FindingKind::off_hours;
    f.host = host;
    f.first_ts = h.first;
    f.last_ts = h.last;
    f.severity = Severity::low;
    f.evidence = std::move(h.samples);
    f.details = OffHoursDetails{.connections = h.connections, .window = h.window};
    f.summary = fmt::format(
        "{} opened {} outbound connections while unattended ({}): something "
        "runs on it by itself",
        host.to_string(), h.connections, h.window);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
