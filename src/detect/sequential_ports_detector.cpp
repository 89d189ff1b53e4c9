#include "detect/sequential_ports_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "detect/attempt.h"

namespace callhome {

void SequentialPortsDetector::on_connection(const Connection& c) {
  if (c.ip_proto != kProtoTcp || !internal_.contains(c.orig_h)) return;
  if (!unsuccessful_or_unrecorded(c)) return;
  auto& v = hosts_[c.orig_h];
  if (v.size() < kMaxPerHost && held_ < kMaxAttempts) {
    v.push_back({c.ts, c.orig_p, c.resp_p, c.resp_h, c.first, outcome_unrecorded(c)});
    ++held_;
  }
}

void SequentialPortsDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, v] : hosts_) {
    std::sort(v.begin(), v.end(), [](const Attempt& a, const Attempt& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.sport < b.sport;
    });
    // Runs of consecutive source ports; a retransmitted SYN reuses its port and neither breaks
    // nor extends a run.
    std::vector<std::pair<size_t, size_t>> runs;  // [first, last] indices
    size_t start = 0, last = 0, length = 1;
    auto close_run = [&] {
      if (length >= min_run_) runs.emplace_back(start, last);
    };
    for (size_t i = 1; i < v.size(); ++i) {
      if (v[i].sport == v[last].sport && v[i].dst == v[last].dst) continue;
      if (v[i].sport == uint16_t(v[last].sport + 1) && v[i].ts - v[last].ts <= kMaxGap) {
        ++length;
      } else {
        close_run();
        start = i;
        length = 1;
      }
      last = i;
    }
    if (!v.empty()) close_run();
    if (runs.empty()) continue;

    Finding f;
    f.kind = FindingKind::sequential_source_ports;
    f.host = host;
    f.severity = Severity::low;
    size_t attempts = 0, max_run = 0, unrecorded = 0;
    std::set<Address> dsts;
    std::set<uint16_t> dports;
    f.first_ts = v[runs.front().first].ts;
    f.last_ts = v[runs.back().second].ts;
    std::vector<SequentialPortsDetails::Run> run_list;
    for (auto [a, b] : runs) {
      size_t len = size_t(v[b].sport - v[a].sport) + 1;
      attempts += len;
      max_run = std::max(max_run, len);
      run_list.push_back({.first_port = v[a].sport,
                          .last_port = v[b].sport,
                          .start_ts = v[a].ts,
                          .end_ts = v[b].ts});
      for (size_t i = a; i <= b; ++i) {
        unrecorded += v[i].unrecorded;
        dsts.insert(v[i].dst);
        dports.insert(v[i].dport);
        f.cite(v[i].prov, fmt::format("source port {} to {}:{}", v[i].sport, v[i].dst.to_string(),
                                      v[i].dport));
      }
    }
    std::string ports;
    for (uint16_t p : dports) ports += (ports.empty() ? "" : ", ") + std::to_string(p);
    f.details = SequentialPortsDetails{.attempts = attempts,
                                       .max_run = max_run,
                                       .runs = std::move(run_list),
                                       .destinations = dsts.size(),
                                       .dst_ports = {dports.begin(), dports.end()},
                                       .outcome_unknown = unrecorded};
    // A log without verdicts shows the serial attempts but not that they failed: say so
    // rather than call them failed.
    const std::string what =
        unrecorded == 0 ? "failed attempts"
        : unrecorded == attempts
            ? "attempts of unknown outcome (the log records no verdict)"
            : fmt::format("attempts ({} of unknown outcome, the rest failed or blocked)",
                          unrecorded);
    f.summary = fmt::format(
        "{} made {} {} in {} run(s) of consecutive source ports (longest {}) to {} address(es) "
        "on port {}: one program retrying; find it with a per-process firewall log",
        host.to_string(), attempts, what, runs.size(), max_run, dsts.size(), ports);
    f.notes.push_back("explains how, not whether it is harmful: severity low on its own");
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
