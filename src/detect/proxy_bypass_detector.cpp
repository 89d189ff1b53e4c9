#include "detect/proxy_bypass_detector.h"

#include <fmt/format.h>

#include <algorithm>

#include "detect/attempt.h"

namespace callhome {

bool ProxyBypassDetector::is_proxy(const Address& a, uint16_t port) const {
  return std::any_of(opt_.proxies.begin(), opt_.proxies.end(), [&](const ProxyEndpoint& p) {
    return p.address == a && (p.port == 0 || p.port == port);
  });
}

void ProxyBypassDetector::on_connection(const Connection& c) {
  if (opt_.proxies.empty() || c.ip_proto != kProtoTcp) return;
  if (!opt_.internal.contains(c.orig_h)) return;
  if (is_proxy(c.resp_h, c.resp_p)) {
    ++hosts_[c.orig_h].via_proxy;
    return;
  }
  // The proxy itself goes out directly, as it should.
  if (std::any_of(opt_.proxies.begin(), opt_.proxies.end(),
                  [&](const ProxyEndpoint& p) { return p.address == c.orig_h; })) {
    return;
  }
  if (opt_.internal.contains(c.resp_h) || !opt_.web_ports.contains(c.resp_p)) return;
  Host& h = hosts_[c.orig_h];
  ++h.attempts;
  const Outcome o = outcome_of(c);
  h.blocked += o == Outcome::blocked;
  h.ports.insert(c.resp_p);
  // A bounded sample: enough to name the organisations, small enough for thousands of hosts.
  if (h.destinations.size() < kMaxDestinations) {
    h.destinations.insert(c.resp_h);
  } else if (!h.destinations.contains(c.resp_h)) {
    h.more_destinations = true;
  }
  if (h.first == 0 || c.ts < h.first) h.first = c.ts;
  h.last = std::max(h.last, c.ts);
  if (h.samples.size() < Finding::kMaxEvidence) {
    h.samples.push_back({c.first, fmt::format("direct to {}:{} ({})", c.resp_h.to_string(),
                                              c.resp_p, describe(o))});
  }
}

void ProxyBypassDetector::on_http(const HttpEvent& e) {
  // A request in the proxy's own log proves the host is configured to use it.
  if (e.via_proxy && opt_.internal.contains(e.client)) ++hosts_[e.client].via_proxy;
}

void ProxyBypassDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, h] : hosts_) {
    if (h.attempts < opt_.min_attempts) continue;
    Finding f;
    f.kind = FindingKind::proxy_bypass;
    f.host = host;
    f.first_ts = h.first;
    f.last_ts = h.last;
    f.evidence = std::move(h.samples);
    std::vector<std::string> orgs;
    std::vector<Address> dsts;
    for (const auto& d : h.destinations) {
      if (dsts.size() < 20) dsts.push_back(d);
      if (opt_.lookup) {
        std::string org = opt_.lookup->destination(d).org;
        if (!org.empty() && std::find(orgs.begin(), orgs.end(), org) == orgs.end()) {
          orgs.push_back(org);
        }
      }
    }
    f.severity = h.blocked == h.attempts ? Severity::low : Severity::medium;
    if (h.via_proxy > 0) {
      f.notes.push_back("the host also uses the proxy: some program on it is not configured");
    }
    f.details = ProxyBypassDetails{.ports = {h.ports.begin(), h.ports.end()},
                                   .destinations = h.destinations.size(),
                                   .more_destinations = h.more_destinations,
                                   .sample_targets = std::move(dsts),
                                   .attempts = h.attempts,
                                   .blocked = h.blocked,
                                   .uses_proxy_too = h.via_proxy > 0,
                                   .dst_orgs = std::move(orgs)};
    f.summary = fmt::format(
        "{} made {} direct web connection attempts to {}{} address(es) ({} blocked){}; configure "
        "the proxy in the program responsible",
        host.to_string(), h.attempts, h.more_destinations ? "more than " : "",
        h.destinations.size(), h.blocked,
        h.via_proxy > 0 ? " although it also uses the proxy" : "");
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
