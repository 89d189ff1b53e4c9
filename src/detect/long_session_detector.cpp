#include "detect/long_session_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "detect/channel_traits.h"

namespace callhome {
namespace {

constexpr size_t kFirstSamples = 3;            // the first connections of every destination
constexpr size_t kMaxSamples = 12;             // plus the long, bulky and reset ones, up to this
constexpr uint64_t kNotableBytes = 1'000'000;  // a connection worth citing for its upload

// Ports whose long flows the protocol explains, skipped before anything is kept (the
// finish-time check with port knowledge catches the rest).
bool resolver_or_time_port(uint16_t p) {
  return p == 53 || p == 853 || p == 123 || p == 5353;
}

// The responder ended it with a reset: Zeek's RSTR (after the handshake) and RSTRH (a reset
// answering a SYN-ACK without SYN). A server dropping a client that keeps coming back.
bool server_reset(ConnState s) {
  return s == ConnState::RSTR || s == ConnState::RSTRH;
}

Severity cap(Severity s, Severity at_most) {
  return s > at_most ? at_most : s;
}

}  // namespace

void LongSessionDetector::on_connection(const Connection& c) {
  if (c.ip_proto != kProtoTcp && c.ip_proto != kProtoUdp) return;
  if (!opt_.internal.contains(c.orig_h) || opt_.internal.contains(c.resp_h)) return;
  if (is_local_scope(c.resp_h) || resolver_or_time_port(c.resp_p)) return;
  auto hit = hosts_.find(c.orig_h);
  if (hit == hosts_.end()) {
    if (hosts_.size() >= opt_.max_hosts) {
      ++hosts_dropped_;
      return;
    }
    hit = hosts_.emplace(c.orig_h, Host{}).first;
  }
  Host& h = hit->second;
  const Key key{c.resp_h, c.resp_p, c.ip_proto};
  auto it = h.pairs.find(key);
  if (it == h.pairs.end()) {
    if (h.pairs.size() >= opt_.max_destinations_per_host) {
      ++h.untracked;
      return;
    }
    it = h.pairs.emplace(key, Pair{}).first;
  }
  Pair& p = it->second;
  if (p.connections++ == 0 || c.ts < p.first) p.first = c.ts;
  const double duration = c.has_duration ? c.duration : 0;
  p.last = std::max(p.last, c.ts + duration);
  p.total_s += duration;
  p.longest_s = std::max(p.longest_s, duration);
  if (c.has_bytes) {
    p.orig_bytes += c.orig_bytes;
    p.resp_bytes += c.resp_bytes;
  }
  const bool reset = server_reset(c.state);
  p.resets += reset;
  const bool notable =
      duration >= opt_.long_single_s || (c.has_bytes && c.orig_bytes >= kNotableBytes) || reset;
  if (p.samples.size() < kFirstSamples || (notable && p.samples.size() < kMaxSamples)) {
    p.samples.push_back(
        {c.first, fmt::format("{} -> {} {}: {}, sent {}, received {}, {}", c.orig_h.to_string(),
                              endpoint_text(c.resp_h, c.resp_p), transport_name(c.ip_proto),
                              elapsed_text(duration), bytes_text(c.orig_bytes),
                              bytes_text(c.resp_bytes), to_string(c.state))});
  }
}

void LongSessionDetector::finish(std::vector<Finding>& out) {
  for (const auto& [host, h] : hosts_) {
    for (const auto& [key, p] : h.pairs) report(host, key, p, h.untracked, out);
  }
}

void LongSessionDetector::report(const Address& host, const Key& key, const Pair& p,
                                 uint64_t untracked, std::vector<Finding>& out) const {
  const auto& [dst, port, proto] = key;
  const bool long_lived = p.longest_s >= opt_.long_single_s || p.total_s >= opt_.long_total_s;
  const double ratio = double(p.orig_bytes) / double(std::max<uint64_t>(p.resp_bytes, 1));
  const bool bulk = p.orig_bytes >= opt_.bulk_bytes && ratio >= opt_.bulk_ratio;
  if (!long_lived && !bulk) return;

  const PortInfo pi = opt_.lookup ? opt_.lookup->port(port, proto) : PortInfo{};
  if (is_resolver_or_time(pi)) return;
  const DestinationInfo d = opt_.lookup ? opt_.lookup->destination(dst) : DestinationInfo{};
  const bool registered = !pi.category.empty() && pi.category != "commonly_abused";
  const bool platform = is_big_platform(d.category);
  const bool named = !d.names.empty();
  // Push, websockets and streaming hold registered ports open for hours by design: length
  // alone counts there only toward a server no name (DNS, SNI, Host) was ever seen for.
  if (registered && !bulk && (platform || named)) return;

  Finding f;
  f.kind = FindingKind::long_session;
  f.host = host;
  f.first_ts = p.first;
  f.last_ts = p.last;
  f.evidence = p.samples;

  // Strength: length alone is low (medium past RITA's 8 h), bulk upload medium, a strong
  // upload (RITA's 25 MB) or an upload over a long-held channel high.
  Severity s = Severity::low;
  if (long_lived && p.total_s >= opt_.long_total_strong_s) s = Severity::medium;
  if (bulk) s = std::max(s, Severity::medium);
  if (bulk && (p.orig_bytes >= opt_.bulk_strong_bytes || long_lived)) s = Severity::high;

  const std::string who = d.org.empty() ? dst.to_string() : d.org;
  if (registered && (platform || named)) {
    s = cap(s, Severity::low);
    f.notes.push_back(
        platform ? fmt::format("severity capped at low: {} ({}) on port {} to {}, a {} platform "
                               "phones and desktops keep sessions with",
                               pi.service, pi.category, port, who, d.category)
                 : fmt::format("severity capped at low: {} on port {} to a server named {}, as "
                               "uploads to web services are",
                               pi.service, port, d.names.front()));
  } else if (registered) {
    s = cap(s, Severity::medium);
    if (!bulk) s = cap(s, Severity::low);
    f.notes.push_back(fmt::format(
        "severity capped at {}: port {} is a registered {} port ({}), but no name was ever seen "
        "for {}",
        bulk ? "medium" : "low", port, pi.category, pi.service, dst.to_string()));
  } else if (platform) {
    s = cap(s, Severity::medium);
    f.notes.push_back(
        fmt::format("severity capped at medium: {} is a {} platform", who, d.category));
  } else {
    f.notes.push_back(pi.category == "commonly_abused"
                          ? fmt::format("port {} is commonly abused: {}", port, pi.description)
                          : fmt::format("port {} has no registered service", port));
  }
  if (p.resets >= 3) {
    f.notes.push_back(fmt::format(
        "{} connection(s) ended with the server's reset: a server dropping a client that keeps "
        "coming back",
        p.resets));
  }
  if (untracked > 0) {
    f.notes.push_back(fmt::format(
        "destination cap reached for this host: {} connection(s) to further destinations were "
        "counted, not kept",
        untracked));
  }
  f.severity = s;

  LongSessionDetails details;
  details.dst = dst;
  details.dst_port = port;
  details.proto = proto;
  details.connections = p.connections;
  details.total_duration_s = std::round(p.total_s * 1000) / 1000;
  details.longest_s = std::round(p.longest_s * 1000) / 1000;
  details.orig_bytes = p.orig_bytes;
  details.resp_bytes = p.resp_bytes;
  details.upload_ratio = std::round(ratio * 100) / 100;
  details.resets = p.resets;
  details.bulk_upload = bulk;
  details.long_lived = long_lived;
  if (!pi.service.empty()) details.service = pi.service;
  if (!d.org.empty()) details.dst_org = d.org;
  if (named) {
    details.dst_names.emplace();
    for (size_t i = 0; i < d.names.size() && i < 3; ++i) details.dst_names->push_back(d.names[i]);
  }
  f.details = std::move(details);

  std::string what;
  if (long_lived) {
    what = fmt::format("held {} connection(s) open for {} in total (longest {})", p.connections,
                       elapsed_text(p.total_s), elapsed_text(p.longest_s));
  }
  if (bulk) {
    what += fmt::format("{}uploaded {} against {} received", what.empty() ? "" : " and ",
                        bytes_text(p.orig_bytes), bytes_text(p.resp_bytes));
  }
  f.summary =
      fmt::format("{} {} to {} ({}{}){}: find the program that keeps this channel{}",
                  host.to_string(), what, endpoint_text(dst, port), transport_name(proto),
                  pi.service.empty() ? ", no registered service" : ", " + pi.service,
                  p.resets ? fmt::format("; {} ended with the server's reset", p.resets) : "",
                  bulk ? " and what it sent" : "");
  out.push_back(std::move(f));
}

}  // namespace callhome
