#include "detect/port_fallback_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace callhome {

void PortFallbackDetector::on_connection(const Connection& c) {
  if (c.ip_proto != kProtoTcp || !internal_.contains(c.orig_h) || internal_.contains(c.resp_h)) {
    return;
  }
  const Outcome outcome = outcome_of(c);
  PairKey key{c.orig_h, c.resp_h};
  auto it = pairs_.find(key);
  if (it == pairs_.end()) {
    // A fallback starts with a failure: until one, a pair holds nothing (browsing costs no
    // memory here).
    if (!unsuccessful(outcome) || pairs_.size() >= kMaxPairs) return;
    it = pairs_.emplace(key, std::vector<Attempt>{}).first;
  }
  if (it->second.size() < kMaxPerPair && held_ < kMaxAttempts) {
    it->second.push_back({c.ts, c.resp_p, outcome, c.first});
    ++held_;
  }
}

namespace {
constexpr size_t kMaxFallbackPorts = 8;
}  // namespace

void PortFallbackDetector::finish(std::vector<Finding>& out) {
  for (auto& [key, v] : pairs_) {
    std::sort(v.begin(), v.end(), [](const Attempt& a, const Attempt& b) { return a.ts < b.ts; });
    std::vector<uint16_t> distinct;
    for (const Attempt& a : v) distinct.push_back(a.port);
    std::sort(distinct.begin(), distinct.end());
    if (size_t(std::unique(distinct.begin(), distinct.end()) - distinct.begin()) >
        kMaxFallbackPorts) {
      continue;  // a port scan of this destination: the scan detector reports it
    }
    // Walk the attempts: a fallback sequence starts with a failure and continues while new
    // ports are tried within the window of the previous attempt.
    size_t i = 0;
    while (i < v.size()) {
      if (!unsuccessful(v[i].outcome)) {
        ++i;
        continue;
      }
      std::vector<uint16_t> ports{v[i].port};
      std::vector<size_t> members{i};
      std::optional<uint16_t> succeeded;
      size_t j = i + 1;
      for (; j < v.size() && v[j].ts - v[members.back()].ts <= window_; ++j) {
        members.push_back(j);
        if (std::find(ports.begin(), ports.end(), v[j].port) == ports.end()) {
          ports.push_back(v[j].port);
        }
        if (v[j].outcome == Outcome::answered && v[j].port != v[i].port) {
          succeeded = v[j].port;
          ++j;
          break;
        }
      }
      // Falling back means looking for a way out: a later port must be one a firewall lets
      // through (Case 1: 1214, then 80, then 8080). A P2P client trying a peer's other random
      // port is not that, and a dozen ports on one host is a vertical scan, reported as one.
      const bool way_out = std::any_of(ports.begin() + 1, ports.end(), is_common_client_port);
      if (ports.size() >= 2 && ports.size() <= kMaxFallbackPorts && way_out) {
        Finding f;
        f.kind = FindingKind::port_fallback;
        f.host = key.host;
        f.first_ts = v[i].ts;
        f.last_ts = v[members.back()].ts;
        for (size_t m : members) {
          f.cite(v[m].prov, fmt::format("to {}:{} ({})", key.dst.to_string(), v[m].port,
                                        describe(v[m].outcome)));
        }
        const bool all_common = std::all_of(ports.begin(), ports.end(), is_common_client_port);
        f.severity = all_common ? Severity::low : Severity::medium;
        if (!all_common && succeeded && is_common_client_port(*succeeded)) {
          f.severity = Severity::high;
          f.notes.push_back(
              "an unusual port failed and a web or proxy port then worked: the program found a "
              "way around the filter");
        }
        if (all_common) f.notes.push_back("only common client ports: browsers do this too");
        f.details = PortFallbackDetails{.dst = key.dst,
                                        .ports = ports,
                                        .succeeded_port = succeeded,
                                        .attempts = members.size()};
        std::string order;
        for (uint16_t p : ports) order += (order.empty() ? "" : " -> ") + std::to_string(p);
        f.summary = fmt::format("{} tried {} on ports {} {}", key.host.to_string(),
                                key.dst.to_string(), order,
                                succeeded ? fmt::format("until {} worked", *succeeded)
                                          : std::string("without success"));
        out.push_back(std::move(f));
      }
      i = std::max(j, i + 1);
    }
  }
}

}  // namespace callhome
