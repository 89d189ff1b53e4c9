#include "detect/ids_alert_detector.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {

void IdsAlertDetector::on_alert(const AlertEvent& a) {
  // The internal side is the host the alert is about; with both internal, the source.
  const bool src_internal = internal_.contains(a.src);
  if (!src_internal && !internal_.contains(a.dst)) return;
  const Address& host = src_internal ? a.src : a.dst;
  const Address& peer = src_internal ? a.dst : a.src;
  const bool inbound = !src_internal;
  Group& g = groups_[{host, a.gid, a.sid, inbound}];
  if (g.count == 0) {
    g.direction = inbound                     ? Direction::inbound
                  : internal_.contains(a.dst) ? Direction::internal
                                              : Direction::outbound;
    g.signature = a.signature;
    g.classification = a.classification;
    g.priority = a.priority;
    g.first = a.ts;
  }
  ++g.count;
  g.blocked += a.action == Action::blocked;
  g.first = std::min(g.first, a.ts);
  g.last = std::max(g.last, a.ts);
  if (g.peers.size() < 100 || g.peers.contains(peer)) ++g.peers[peer];
  if (g.samples.size() < Finding::kMaxEvidence) {
    g.samples.push_back({a.prov, fmt::format("[{}:{}:{}] {} -> {}", a.gid, a.sid, a.rev,
                                             a.src.to_string(), a.dst.to_string())});
  }
}

void IdsAlertDetector::finish(std::vector<Finding>& out) {
  for (auto& [key, g] : groups_) {
    Finding f;
    f.kind = FindingKind::ids_alert;
    f.host = std::get<0>(key);
    f.first_ts = g.first;
    f.last_ts = g.last;
    // Snort priority 1 is the most severe; Suricata severity uses the same scale.
    f.severity = g.priority == 1   ? Severity::high
                 : g.priority == 2 ? Severity::medium
                                   : Severity::low;
    f.evidence = std::move(g.samples);
    f.details = IdsAlertDetails{.signature = g.signature,
                                .sid = std::get<2>(key),
                                .gid = std::get<1>(key),
                                .classification = g.classification,
                                .priority = g.priority,
                                .alerts = g.count,
                                .blocked = g.blocked,
                                .peers = g.peers,
                                .direction = g.direction};
    const bool inbound = std::get<3>(key);
    f.summary = fmt::format(
        "IDS raised \"{}\" {} time(s) {} {} {} {} peer(s){}", g.signature, g.count,
        inbound ? "against" : "for", f.host.to_string(), inbound ? "from" : "with", g.peers.size(),
        inbound ? " (inbound: an attack on the host, not its own traffic)" : "");
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
