#include "detect/fan_in_detector.h"

#include <fmt/format.h>

#include <algorithm>

#include "detect/attempt.h"

namespace callhome {
namespace {
constexpr size_t kSamplesPerHost = 5;
}  // namespace

std::string FanInDetector::group_of(const Address& dst) {
  auto it = org_cache_.find(dst);
  if (it != org_cache_.end()) return it->second;
  std::string org = opt_.lookup ? opt_.lookup->destination(dst).org : "";
  if (org.empty()) {
    const int bits = dst.is_v4() ? 96 + 24 : 48;
    org = Cidr{mask_prefix(dst, bits), bits}.to_string();
  }
  if (org_cache_.size() < 1000000) org_cache_[dst] = org;
  return org;
}

void FanInDetector::on_connection(const Connection& c) {
  if (!opt_.internal.contains(c.orig_h) || opt_.internal.contains(c.resp_h)) return;
  if (opt_.unsuccessful_only && !unsuccessful_or_unrecorded(c)) return;
  Group& g = groups_[{group_of(c.resp_h), c.resp_p}];
  if (g.hosts.size() >= 10000 && !g.hosts.contains(c.orig_h)) return;
  Member& m = g.hosts[c.orig_h];
  if (m.attempts++ == 0 || c.ts < m.first) m.first = c.ts;
  m.unrecorded += opt_.unsuccessful_only && outcome_unrecorded(c);
  m.last = std::max(m.last, c.ts);
  if (g.destinations.size() < 1000) g.destinations.insert(c.resp_h);
  if (m.samples.size() < kSamplesPerHost) {
    m.samples.push_back(
        {c.first, fmt::format("{} to {}:{} ({})", c.orig_h.to_string(), c.resp_h.to_string(),
                              c.resp_p, describe(outcome_of(c)))});
  }
}

void FanInDetector::finish(std::vector<Finding>& out) {
  for (const auto& [key, g] : groups_) {
    std::vector<Address> host_list;
    uint64_t unrecorded = 0, total = 0;
    for (const auto& [h, m] : g.hosts) {
      if (m.attempts >= opt_.min_attempts_per_host) {
        host_list.push_back(h);
        unrecorded += m.unrecorded;
        total += m.attempts;
      }
    }
    const std::string unknown = unrecorded == 0 ? ""
                                : unrecorded == total
                                    ? " (outcome unknown: the log records no verdict)"
                                    : fmt::format(
                                          " (outcome unknown for {} of {} attempts: no verdict "
                                          "recorded for them)",
                                          unrecorded, total);
    if (host_list.size() < opt_.min_hosts) continue;
    std::vector<Address> dsts;
    for (const auto& d : g.destinations) {
      if (dsts.size() < 20) dsts.push_back(d);
    }
    for (const auto& [h, m] : g.hosts) {
      if (m.attempts < opt_.min_attempts_per_host) continue;
      Finding f;
      f.kind = FindingKind::fan_in;
      f.host = h;
      f.first_ts = m.first;
      f.last_ts = m.last;
      f.severity = Severity::low;
      f.evidence = m.samples;
      f.details = FanInDetails{.org = key.first,
                               .port = key.second,
                               .host_list = host_list,
                               .attempts = m.attempts,
                               .sample_targets = dsts,
                               .outcome_unknown = m.unrecorded};
      // Without verdicts in the log the hosts are seen trying, not failing: say which.
      f.summary = fmt::format(
          "{} internal hosts, {} among them, {} {} on port {}{}: look for the software they "
          "share",
          host_list.size(), h.to_string(), unrecorded == 0 ? "fail to reach" : "try to reach",
          key.first, key.second, unknown);
      f.notes.push_back(
          "site-wide pattern: the same behaviour on many hosts points at shared "
          "software, not at one compromised machine");
      out.push_back(std::move(f));
    }
  }
}

}  // namespace callhome
