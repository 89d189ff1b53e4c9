#include "detect/dga_clusters.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace callhome {
namespace {

// Distinct algorithmic-looking domains in one (TLD, pattern) group before it is reported:
// judgement. Simda's host asks ~256; a desktop's own look-ups rarely share TLD, exact length and
// a strict letter pattern more than a handful of times.
constexpr size_t kMinDomains = 20;
// High when the group is big and often unregistered (judgement: DGAs register few of their
// names; Simda got NXDOMAIN for 113 of 637), or simply very big.
constexpr size_t kHighDomains = 50, kVeryManyDomains = 100;
constexpr double kHighNxShare = 0.1;

}  // namespace

void DgaClusters::add(const DnsEvent& e, std::string_view zone, std::string_view tld,
                      std::string_view tag, uint64_t zone_hash) {
  std::string key = fmt::format("{}/{}", tld, tag);
  auto it = clusters_.find(key);
  if (it == clusters_.end()) {
    if (clusters_.size() >= kMaxClusters) {
      dropped_ = true;
      return;
    }
    it = clusters_.emplace(std::move(key), DgaCluster{}).first;
  }
  DgaCluster& c = it->second;
  if (c.queries++ == 0 || e.ts < c.first) c.first = e.ts;
  c.last = std::max(c.last, e.ts);
  c.nxdomain += e.rcode == "NXDOMAIN";
  if (c.domains.size() >= DgaCluster::kMaxDomains) {
    c.full = true;
    return;
  }
  if (!c.domains.insert(zone_hash).second) return;
  if (c.sample.size() < DgaCluster::kSample) c.sample.emplace_back(zone);
  if (c.evidence.size() < DgaCluster::kEvidence) {
    c.evidence.push_back({e.prov, fmt::format("{} asked for {}{}", e.client.to_string(), e.query,
                                              e.rcode.empty() ? "" : " (" + e.rcode + ")")});
  }
}

bool DgaClusters::assess(Finding& f) const {
  const std::pair<const std::string, DgaCluster>* best = nullptr;
  std::vector<std::string> others;
  for (const auto& entry : clusters_) {
    if (entry.second.domains.size() < kMinDomains) continue;
    if (!best || entry.second.domains.size() > best->second.domains.size()) {
      if (best) others.push_back(best->first);
      best = &entry;
    } else {
      others.push_back(entry.first);
    }
  }
  if (!best) return false;
  const DgaCluster& c = best->second;
  const size_t n = c.domains.size();
  const double nx_share = c.queries ? double(c.nxdomain) / double(c.queries) : 0;
  f.kind = FindingKind::dga;
  f.first_ts = c.first;
  f.last_ts = c.last;
  f.severity = (n >= kHighDomains && nx_share >= kHighNxShare) || n >= kVeryManyDomains
                   ? Severity::high
                   : Severity::medium;
  f.evidence = c.evidence;
  const auto slash = best->first.find('/');
  const std::string_view tag = std::string_view(best->first).substr(slash + 1);
  DgaDetails d;
  d.domains = n;
  d.domains_capped = c.full;
  d.nxdomain = c.nxdomain;
  d.queries = c.queries;
  d.sample = c.sample;
  d.tld = best->first.substr(0, slash);
  // dga_tag(): "cv7" (alternating, 7 letters) or "rnd8" (random, 8 characters and more).
  d.pattern = tag.starts_with("cv") ? DgaPattern::alternating : DgaPattern::random;
  const std::string_view length = tag.substr(d.pattern == DgaPattern::alternating ? 2 : 3);
  std::from_chars(length.data(), length.data() + length.size(), d.pattern_length);
  d.other_groups = std::move(others);
  f.summary = fmt::format(
      "{} looked up {}{} distinct .{} domains of one pattern ({}), {} of {} answers NXDOMAIN: "
      "domain generation, as malware does to find its controller; examine the host",
      f.host.to_string(), c.full ? "over " : "", n, d.tld, pattern_text(d), c.nxdomain, c.queries);
  f.details = std::move(d);
  f.notes.push_back(fmt::format(
      "{}: {} distinct domains in one group (20+ reported, 50+ with 10% NXDOMAIN or 100+ high)",
      to_string(f.severity), n));
  return true;
}

}  // namespace callhome
