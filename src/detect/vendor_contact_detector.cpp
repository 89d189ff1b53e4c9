#include "detect/vendor_contact_detector.h"

#include <absl/strings/string_view.h>
#include <fmt/format.h>

#include <algorithm>

namespace callhome {
namespace {

constexpr size_t kMaxNames = 20;
constexpr size_t kMaxCachedNames = 100000;

struct CategoryInfo {
  VendorCategory category;
  const char* what;  // "names of P2P vendors"
  Severity severity;
};

// The categories that say something about the program behind the traffic. CDNs, update and
// antivirus services are everywhere and are weighed elsewhere.
constexpr CategoryInfo kCategories[] = {
    {VendorCategory::p2p_vendor, "P2P software vendors", Severity::low},
    {VendorCategory::bundled_software, "bundled or adware software", Severity::low},
    {VendorCategory::dyndns, "dynamic DNS services", Severity::low},
    {VendorCategory::anonymizer, "anonymisers", Severity::medium},
    {VendorCategory::paste_site, "paste sites", Severity::low},
};

const CategoryInfo* interesting(const std::string& category) {
  for (const auto& c : kCategories) {
    if (category == to_string(c.category)) return &c;
  }
  return nullptr;
}

}  // namespace

VendorContactDetector::Group* VendorContactDetector::seen(const Address& client,
                                                          std::string_view name, double ts,
                                                          VendorContactVia via,
                                                          std::string_view method, bool failed) {
  if (name.empty() || !internal_.contains(client)) return nullptr;
  auto it = cache_.find(absl::string_view(name.data(), name.size()));  // absl's own view type
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedNames) cache_.clear();
    it = cache_.emplace(std::string(name), lookup_.name(name)).first;
  }
  const NameInfo& info = it->second;
  if (!interesting(info.category)) return nullptr;
  Group& g = groups_[{client, info.category}];
  if (g.requests++ == 0 || ts < g.first) g.first = ts;
  g.last = std::max(g.last, ts);
  g.failed += failed;
  if (auto n = g.names.find(name); n != g.names.end()) {
    ++n->second;
  } else if (g.names.size() < kMaxNames) {
    g.names.emplace(name, 1);
  }
  if (!info.org.empty()) g.orgs.insert(info.org);
  g.via.insert(via);
  if (!method.empty() && !g.methods.contains(method)) g.methods.emplace(method);
  if (g.description.empty()) g.description = info.description;
  return g.samples.size() < Finding::kMaxEvidence ? &g : nullptr;
}

void VendorContactDetector::on_http(const HttpEvent& e) {
  const bool failed = e.action == Action::blocked || e.status >= 500 || e.status == 0;
  const VendorContactVia via = e.via_proxy ? VendorContactVia::proxy : VendorContactVia::http;
  if (Group* g = seen(e.client, e.host, e.ts, via, e.method, failed)) {
    g->samples.push_back(
        {e.prov, fmt::format("{} {} {}{}", e.via_proxy ? "proxy request" : "http request", e.method,
                             e.url, e.status ? fmt::format(" ({})", e.status) : "")});
  }
}

void VendorContactDetector::on_dns(const DnsEvent& e) {
  if (Group* g = seen(e.client, e.query, e.ts, VendorContactVia::dns, "", e.rcode == "NXDOMAIN")) {
    g->samples.push_back({e.prov, fmt::format("dns query {}{}", e.query,
                                              e.rcode.empty() ? "" : " (" + e.rcode + ")")});
  }
}

void VendorContactDetector::on_name(const NameEvent& e) {
  const VendorContactVia via =
      e.source == "tls_sni" ? VendorContactVia::tls : VendorContactVia::http;
  if (Group* g = seen(e.client, e.name, e.ts, via, "", false)) {
    g->samples.push_back({e.prov, fmt::format("{} {} on {}:{}", e.source, e.name,
                                              e.server.to_string(), e.server_port)});
  }
}

void VendorContactDetector::finish(std::vector<Finding>& out) {
  for (const auto& [key, g] : groups_) {
    const CategoryInfo* c = interesting(key.second);
    Finding f;
    f.kind = FindingKind::vendor_contact;
    f.host = key.first;
    f.severity = c->severity;
    f.first_ts = g.first;
    f.last_ts = g.last;
    f.evidence = g.samples;
    std::vector<std::pair<uint64_t, std::string>> ranked;
    for (const auto& [n, count] : g.names) ranked.push_back({count, n});
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    VendorContactDetails d;
    d.category = c->category;
    std::string listed;
    for (const auto& [count, n] : ranked) {
      d.names.push_back({n, count});
      if (d.names.size() <= 3) listed += (listed.empty() ? "" : ", ") + n;
    }
    if (ranked.size() > 3) listed += ", ...";
    d.orgs.assign(g.orgs.begin(), g.orgs.end());
    d.requests = g.requests;
    d.failed = g.failed;
    d.via.assign(g.via.begin(), g.via.end());
    d.methods.assign(g.methods.begin(), g.methods.end());
    f.details = std::move(d);
    std::string via;
    for (const auto v : g.via) via += std::string(via.empty() ? "" : ", ") + to_string(v);
    f.summary = fmt::format(
        "{} asked {} time(s) for {} name(s) of {} ({}) through {}{}: the program behind them is "
        "likely theirs ({})",
        key.first.to_string(), g.requests, g.names.size(), c->what, listed, via,
        g.failed ? fmt::format(", {} failed", g.failed) : std::string(), g.description);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
