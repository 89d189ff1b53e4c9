#include "detect/flood_detector.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {

void FloodDetector::on_connection(const Connection& c) {
  if (!opt_.internal.contains(c.orig_h) || opt_.internal.contains(c.resp_h)) return;
  Key key{c.orig_h, c.resp_h};
  auto it = pairs_.find(key);
  if (it == pairs_.end()) {
    if (pairs_.size() >= kMaxPairs) return;
    it = pairs_.emplace(key, Pair{}).first;
  }
  Pair& p = it->second;
  const uint64_t sent = c.has_counts ? c.orig_pkts : 1;  // a firewall line is one packet
  p.sent += sent;
  p.replies += c.has_counts ? c.resp_pkts : 0;
  p.bytes += c.has_counts ? c.orig_ip_bytes : 0;
  ++p.connections;
  const double end = c.ts + (c.has_duration ? c.duration : 0);
  if (p.first == 0 || c.ts < p.first) p.first = c.ts;
  p.last = std::max(p.last, end);
  p.protos |= 1u << (c.ip_proto % 32);
  if (p.samples.size() < 20) p.samples.push_back(c.first);
}

void FloodDetector::finish(std::vector<Finding>& out) {
  for (const auto& [key, p] : pairs_) {
    if (p.sent < opt_.min_packets) continue;
    const double span = std::max(p.last - p.first, 1.0);
    const double pps = double(p.sent) / span;
    if (pps < opt_.min_pps) continue;
    if (double(p.replies) > opt_.max_reply_ratio * double(p.sent)) continue;
    Finding f;
    f.kind = FindingKind::outbound_flood;
    f.host = key.host;
    f.first_ts = p.first;
    f.last_ts = p.last;
    f.severity = pps >= 1000 ? Severity::critical : Severity::high;
    for (const auto& prov : p.samples) f.cite(prov, "traffic to " + key.dst.to_string());
    std::vector<uint8_t> protos;
    for (uint8_t proto : {kProtoTcp, kProtoUdp, kProtoIcmp, kProtoIcmp6}) {
      if (p.protos & (1u << (proto % 32))) protos.push_back(proto);
    }
    f.details = FloodDetails{.dst = key.dst,
                             .packets = p.sent,
                             .pps = pps,
                             .replies = p.replies,
                             .bytes = p.bytes,
                             .connections = p.connections,
                             .duration_s = span,
                             .protocols = std::move(protos)};
    f.summary = fmt::format(
        "{} sent {} packets to {} at {:.0f} packets/s with {} replies: isolate it and look for a "
        "flooding agent",
        key.host.to_string(), p.sent, key.dst.to_string(), pps, p.replies);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
