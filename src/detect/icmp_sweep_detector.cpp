#include "detect/icmp_sweep_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace callhome {
namespace {
bool is_echo_request(const Connection& c) {
  return (c.ip_proto == kProtoIcmp && c.orig_p == 8) ||
         (c.ip_proto == kProtoIcmp6 && c.orig_p == 128);
}
}  // namespace

void IcmpSweepDetector::on_connection(const Connection& c) {
  if (c.ip_proto != kProtoIcmp && c.ip_proto != kProtoIcmp6) return;
  if (is_echo_request(c) && internal_.contains(c.orig_h)) {
    auto& v = probes_[c.orig_h];
    if (v.size() < kMaxPerHost) {
      v.push_back({c.ts, c.resp_h, c.has_counts ? std::max<uint64_t>(c.orig_pkts, 1) : 1,
                   c.has_counts ? c.resp_pkts : 0, c.first});
    }
  } else if (internal_.contains(c.resp_h) && !is_echo_request(c) && c.orig_p != 0 &&
             c.orig_p != 129) {
    // Time exceeded, unreachable ... sent back to an internal host (echo replies are counted
    // on the request's own connection).
    auto& v = answers_[c.resp_h];
    if (v.size() < kMaxPerHost) v.push_back({c.orig_h, c.orig_p, c.resp_p});
  }
}

void IcmpSweepDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, probes] : probes_) {
    std::set<Address> targets;
    for (const auto& p : probes) targets.insert(p.target);
    if (targets.size() < min_targets_) continue;
    std::sort(probes.begin(), probes.end(),
              [](const Probe& a, const Probe& b) { return a.ts < b.ts; });
    Finding f;
    f.kind = FindingKind::icmp_sweep;
    f.host = host;
    f.first_ts = probes.front().ts;
    f.last_ts = probes.back().ts;
    uint64_t packets = 0;
    std::map<std::string, uint64_t> replies;
    for (const auto& p : probes) {
      packets += p.requests;
      if (p.echo_replies) replies["0/0"] += p.echo_replies;
      f.cite(p.prov, fmt::format("echo request to {}", p.target.to_string()));
    }
    size_t answered_by_target = 0;
    if (auto it = answers_.find(host); it != answers_.end()) {
      for (const auto& a : it->second) {
        if (!targets.contains(a.from)) continue;  // only answers from the probed addresses
        replies[fmt::format("{}/{}", a.type, a.code)] += 1;
        ++answered_by_target;
      }
    }
    const bool external = std::any_of(targets.begin(), targets.end(),
                                      [&](const Address& t) { return !internal_.contains(t); });
    f.severity = targets.size() >= 50   ? Severity::high
                 : targets.size() >= 10 ? Severity::medium
                                        : Severity::low;
    if (answered_by_target > 0 && replies.contains("11/0")) {
      // Echoes answered with "time exceeded" by the target itself were crafted (odd TTL or
      // options): a program measuring paths to chosen peers, not a person running ping.
      if (f.severity < Severity::medium) f.severity = Severity::medium;
      f.notes.push_back("targets answered with time exceeded (11/0): crafted echo requests");
    }
    f.details = IcmpSweepDetails{
        .targets = targets.size(), .packets = packets, .replies = replies, .external = external};
    std::string reply_text;
    for (const auto& [k, n] : replies) {
      reply_text += fmt::format("{}{} x {}", reply_text.empty() ? "" : ", ", n, k);
    }
    f.summary = fmt::format(
        "{} sent {} ICMP echo requests to {} hosts ({}); find the program "
        "probing them",
        host.to_string(), packets, targets.size(),
        reply_text.empty() ? "no replies" : "replies " + reply_text);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
