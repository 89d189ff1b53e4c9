#include "detect/dns_channel_detector.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/stable_hash.h"

namespace callhome {
namespace {

// Names no one outside the site delegates: reverse lookups, mDNS, home-router and corporate
// pseudo-TLDs, reserved names (RFC 6761, 6762, 8375). A tunnel needs a delegated zone.
bool local_tld(std::string_view tld) {
  static constexpr std::string_view kLocal[] = {
      "arpa",     "local",   "localdomain", "localhost", "lan",      "home",
      "internal", "corp",    "intranet",    "invalid",   "test",     "example",
      "onion",    "private", "domain",      "workgroup", "home.arpa"};
  return std::any_of(std::begin(kLocal), std::end(kLocal),
                     [&](std::string_view t) { return t == tld; });
}

void lower_without_dot(std::string_view in, std::string& out) {
  while (!in.empty() && in.back() == '.') in.remove_suffix(1);
  out.assign(in);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
}

double round2(double x) {
  return std::round(x * 100) / 100;
}

}  // namespace

DnsChannelDetector::DnsChannelDetector(DnsChannelOptions options)
    : opt_(std::move(options)),
      suffixes_(opt_.suffixes ? *opt_.suffixes : PublicSuffixes::system()) {}

bool DnsChannelDetector::ignored_zone(std::string_view zone, std::string_view tld) const {
  if (local_tld(tld)) return true;
  if (!opt_.lookup) return false;
  // Any category but dynamic DNS: those providers hand out names under their own domain.
  const NameInfo info = opt_.lookup->name(zone);
  return !info.category.empty() && info.category != "dyndns";
}

void DnsChannelDetector::on_connection(const Connection& c) {
  if (contacted_full_ || !opt_.internal.contains(c.orig_h)) return;
  if (contacted_.size() >= opt_.max_contacted_pairs) {
    contacted_full_ = true;  // from here "never contacted" cannot be told
    return;
  }
  hosts_with_connections_.insert(c.orig_h);
  contacted_.insert(absl::HashOf(c.orig_h, c.resp_h));
}

void DnsChannelDetector::on_dns(const DnsEvent& e) {
  if (e.query.empty() || !opt_.internal.contains(e.client)) return;
  lower_without_dot(e.query, name_);
  const std::string_view name = name_;
  const std::string_view zone = suffixes_.registrable(name);
  if (zone.empty()) return;
  const size_t zone_at = name.size() - zone.size();
  const size_t tld_labels = suffixes_.suffix_labels(zone);
  std::string_view tld = zone;
  for (size_t i = 0, dots = std::count(zone.begin(), zone.end(), '.'); i < dots + 1 - tld_labels;
       ++i) {
    tld.remove_prefix(tld.find('.') + 1);
  }
  if (local_tld(tld)) return;

  auto hit = hosts_.find(e.client);
  if (hit == hosts_.end()) {
    if (hosts_.size() >= opt_.max_hosts) {
      hosts_dropped_ = true;
      return;
    }
    hit = hosts_.emplace(e.client, std::make_unique<Host>()).first;
  }
  Host& h = *hit->second;
  auto zit = h.zones.find(absl::string_view(zone.data(), zone.size()));
  if (zit == h.zones.end()) {
    if (h.zones.size() >= opt_.max_zones_per_host) {
      h.zones_dropped = true;
      return;
    }
    zit = h.zones.emplace(std::string(zone), ZoneStats{}).first;
    ZoneStats& fresh = zit->second;
    fresh.ignored = ignored_zone(zone, tld);
    if (!fresh.ignored) fresh.dga_tag = dga_tag(zone.substr(0, zone.size() - tld.size() - 1));
  }
  ZoneStats& z = zit->second;
  if (z.ignored) return;

  // The original spelling, for case: mixed case in the registrable part means the resolver
  // randomised it (DNS 0x20), and then case says nothing about the labels.
  std::string_view original = e.query;
  while (!original.empty() && original.back() == '.') original.remove_suffix(1);
  const std::string_view original_zone = original.substr(zone_at);
  const bool case_is_noise = std::any_of(original_zone.begin(), original_zone.end(),
                                         [](char c) { return c >= 'A' && c <= 'Z'; });
  const std::string_view sub = zone_at ? original.substr(0, zone_at - 1) : std::string_view{};
  z.add(e, stable_hash(name), subdomain_shape(sub, case_is_noise));
  if (!z.dga_tag.empty()) h.dga.add(e, zone, tld, z.dga_tag, stable_hash(zone));
}

std::optional<size_t> DnsChannelDetector::contacted(const Address& host, const ZoneStats& z) const {
  if (!hosts_with_connections_.contains(host)) return std::nullopt;
  size_t n = 0;
  for (const Address& a : z.answers) n += contacted_.contains(absl::HashOf(host, a));
  if (n == 0 && contacted_full_) return std::nullopt;
  return n;
}

void DnsChannelDetector::tunnel_findings(const Address& host, Host& h,
                                         std::vector<Finding>& out) const {
  std::vector<std::string> shaped;
  for (const auto& [zone, z] : h.zones) {
    if (tunnel_shaped(z)) shaped.push_back(zone);
  }
  std::sort(shaped.begin(), shaped.end());
  for (const auto& [zone, z] : h.zones) {
    TunnelContext ctx;
    const bool self = std::binary_search(shaped.begin(), shaped.end(), zone);
    ctx.sibling_zones = shaped.size() - (self ? 1 : 0);
    ctx.answers_contacted = contacted(host, z);
    TunnelVerdict v = assess_tunnel(z, ctx);
    if (!v.report) continue;

    Finding f;
    f.kind = FindingKind::dns_tunnel;
    f.host = host;
    f.first_ts = z.first;
    f.last_ts = z.last;
    f.severity = v.severity;
    f.evidence = z.samples;
    std::string encoding_list;
    for (const auto& [enc, n] : z.encodings) {
      encoding_list += (encoding_list.empty() ? "" : "/") + std::string(to_string(enc));
    }
    const Address* resolver = nullptr;
    uint64_t best = 0;
    DnsTunnelDetails d;
    for (const auto& [a, n] : z.resolvers) {
      d.resolvers.push_back(a);
      if (n > best) best = n, resolver = &a;
    }
    for (const auto& s : shaped) {
      if (s != zone && d.sibling_domains.size() < 10) d.sibling_domains.push_back(s);
    }
    if (ctx.answers_contacted) {
      d.answers_contacted = DnsTunnelAnswersContacted{z.answers.size(), *ctx.answers_contacted};
    }
    d.domain = zone;
    d.queries = z.queries;
    d.unique_names = v.unique;
    d.unique_names_exact = z.names.exact();
    d.encoded_names = v.encoded_unique;
    d.encoded_share = round2(v.encoded_share);
    d.encodings = z.encodings;
    d.max_label_len = z.max_label;
    d.max_data_label_len = z.max_encoded_label;
    d.qtypes = z.qtypes;
    d.rcodes = {z.nxdomain, z.servfail, z.unanswered};
    if (resolver) d.resolver = *resolver;
    if (v.interval_s) d.interval_s = round2(*v.interval_s);
    d.duration_s = round2(z.last - z.first);
    d.reasons = v.reasons;
    f.details = std::move(d);
    f.summary = fmt::format(
        "{} sent {} DNS queries with {} distinct names under {} to {}{}: data carried over DNS "
        "(a tunnel or DNS command and control); block {} and examine the host",
        host.to_string(), z.queries, v.unique, zone, resolver ? resolver->to_string() : "?",
        v.encoded_unique ? fmt::format(", {} of them {}-encoded, labels up to {} characters",
                                       v.encoded_unique, encoding_list, z.max_encoded_label)
                         : "",
        zone);
    std::string why;
    for (const auto& r : v.reasons) why += (why.empty() ? "" : "; ") + r;
    f.notes.push_back(fmt::format("{}: {}", to_string(v.severity), why));
    if (h.zones_dropped) {
      f.notes.push_back(
          fmt::format("this host asked for more than {} domains; later new domains "
                      "were not tracked",
                      opt_.max_zones_per_host));
    }
    out.push_back(std::move(f));
  }
}

void DnsChannelDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, h] : hosts_) {
    tunnel_findings(host, *h, out);
    Finding f;
    f.host = host;
    if (h->dga.assess(f)) {
      if (h->dga.dropped() || h->zones_dropped) {
        f.notes.push_back(
            "the host asked for more domains than are tracked; counts are lower "
            "bounds");
      }
      out.push_back(std::move(f));
    }
  }
  if (hosts_dropped_ && !out.empty()) {
    out.back().notes.push_back(fmt::format(
        "more than {} internal hosts asked DNS; later hosts were not examined", opt_.max_hosts));
  }
}

}  // namespace callhome
