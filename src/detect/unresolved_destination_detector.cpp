#include "detect/unresolved_destination_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "detect/attempt.h"
#include "detect/channel_traits.h"

namespace callhome {
namespace {

constexpr size_t kMaxConnSamples = 6;  // connections cited per destination
constexpr size_t kMaxSamples = 10;     // plus bare-address HTTP requests up to this

// "5.2.136.90:8080", "[2001:db8::1]:80", "5.2.136.90" -> the address; a name -> nothing.
std::optional<Address> literal_address(std::string_view host) {
  if (host.size() > 2 && host.front() == '[') {
    const size_t close = host.find(']');
    if (close != std::string_view::npos) return Address::parse(host.substr(1, close - 1));
  }
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(':') == colon) host = host.substr(0, colon);
  return Address::parse(host);
}

bool resolver_port(uint16_t p) {
  return p == 53 || p == 853;
}

Severity cap(Severity s, Severity at_most) {
  return s > at_most ? at_most : s;
}

}  // namespace

UnresolvedDestinationDetector::Host* UnresolvedDestinationDetector::host(const Address& a) {
  auto it = hosts_.find(a);
  if (it != hosts_.end()) return &it->second;
  if (hosts_.size() >= opt_.max_hosts) {
    ++hosts_dropped_;
    return nullptr;
  }
  return &hosts_.emplace(a, Host{}).first->second;
}

UnresolvedDestinationDetector::Dest* UnresolvedDestinationDetector::dest(Host& h,
                                                                         const Address& dst,
                                                                         uint16_t port,
                                                                         uint8_t proto) {
  const Key key{dst, port, proto};
  auto it = h.dests.find(key);
  if (it != h.dests.end()) return &it->second;
  if (h.dests.size() >= opt_.max_destinations_per_host) {
    ++h.untracked;
    return nullptr;
  }
  return &h.dests.emplace(key, Dest{}).first->second;
}

void UnresolvedDestinationDetector::resolved(const Address& a) {
  if (resolved_.size() < opt_.max_resolved || resolved_.contains(a)) {
    resolved_.insert(a);
  } else {
    ++resolved_dropped_;
  }
}

void UnresolvedDestinationDetector::on_connection(const Connection& c) {
  if (c.ip_proto != kProtoTcp && c.ip_proto != kProtoUdp) return;
  if (!opt_.internal.contains(c.orig_h) || opt_.internal.contains(c.resp_h)) return;
  if (is_local_scope(c.resp_h)) return;
  if (resolver_port(c.resp_p)) {
    if (resolvers_.size() < opt_.max_resolved) resolvers_.insert(c.resp_h);
    return;
  }
  Host* h = host(c.orig_h);
  Dest* d = h ? dest(*h, c.resp_h, c.resp_p, c.ip_proto) : nullptr;
  if (!d) return;
  const Outcome o = outcome_of(c);
  ++d->connections;
  d->answered += o == Outcome::answered;
  d->failed += unsuccessful(o);
  if (!d->have_time || c.ts < d->first) d->first = c.ts;
  d->last = d->have_time ? std::max(d->last, c.ts) : c.ts;
  d->have_time = true;
  if (d->starts.size() < opt_.max_starts_per_destination) d->starts.push_back(c.ts);
  if (d->connections <= kMaxConnSamples && d->samples.size() < kMaxSamples) {
    d->samples.push_back({c.first, fmt::format("{} -> {} {} ({})", c.orig_h.to_string(),
                                               endpoint_text(c.resp_h, c.resp_p),
                                               transport_name(c.ip_proto), describe(o))});
  }
}

void UnresolvedDestinationDetector::on_http(const HttpEvent& e) {
  // A proxy's log names the proxy's peer, not the client's: the proxy resolved the name.
  if (e.via_proxy || e.server.is_unspecified()) return;
  if (e.host.empty() || literal_address(e.host)) {
    if (!opt_.internal.contains(e.client) || opt_.internal.contains(e.server)) return;
    Host* h = host(e.client);
    Dest* d = h ? dest(*h, e.server, e.server_port ? e.server_port : 80, kProtoTcp) : nullptr;
    if (!d) return;
    ++d->bare_requests;
    d->posts += e.method == "POST";
    if (d->samples.size() < kMaxSamples) {
      d->samples.push_back({e.prov, fmt::format("HTTP {} {} to the bare address {}", e.method,
                                                e.url, e.server.to_string())});
    }
    return;
  }
  resolved(e.server);
}

void UnresolvedDestinationDetector::on_name(const NameEvent& e) {
  if (!literal_address(e.name)) {
    resolved(e.server);
    return;
  }
  // An HTTP Host header that is the address itself: a request made by address.
  if (e.source != "http_host" || !opt_.internal.contains(e.client) ||
      opt_.internal.contains(e.server)) {
    return;
  }
  Host* h = host(e.client);
  Dest* d = h ? dest(*h, e.server, e.server_port, kProtoTcp) : nullptr;
  if (!d) return;
  ++d->bare_requests;
  if (d->samples.size() < kMaxSamples) {
    d->samples.push_back(
        {e.prov, fmt::format("HTTP request with Host {} (the bare address)", e.name)});
  }
}

void UnresolvedDestinationDetector::on_dns(const DnsEvent& e) {
  for (const Address& a : e.addresses) resolved(a);
  if (!opt_.internal.contains(e.client)) return;
  if (!e.server.is_unspecified() && resolvers_.size() < opt_.max_resolved) {
    resolvers_.insert(e.server);
  }
  if (Host* h = host(e.client)) {
    if (h->dns_answers++ == 0 || e.ts < h->dns_first) h->dns_first = e.ts;
  }
}

void UnresolvedDestinationDetector::finish(std::vector<Finding>& out) {
  for (auto& [addr, h] : hosts_) {
    if (h.dns_answers == 0) continue;  // no DNS in evidence: nothing says what was resolved
    // How much of this host's traffic the names in the evidence explain: a partial DNS log
    // leaves most destinations unnamed, and then being unnamed says little.
    size_t total = 0, named = 0;
    for (const auto& [key, d] : h.dests) {
      if (d.connections == 0 || std::get<1>(key) == 123) continue;  // NTP goes by address
      ++total;
      named += resolved_.contains(std::get<0>(key));
    }
    const double share = total ? double(named) / double(total) : 0;
    for (auto& [key, d] : h.dests) report(addr, h, share, key, d, out);
  }
}

void UnresolvedDestinationDetector::report(const Address& addr, const Host& h, double share,
                                           const Key& key, Dest& d,
                                           std::vector<Finding>& out) const {
  const auto& [dst, port, proto] = key;
  if (d.connections == 0 || d.first < h.dns_first) return;
  if (resolved_.contains(dst) || resolvers_.contains(dst)) return;
  const PortInfo pi = opt_.lookup ? opt_.lookup->port(port, proto) : PortInfo{};
  if (!is_web_like(port, pi)) return;
  // With most lookups invisible, only ports no ordinary service uses are worth a word.
  if (share < opt_.min_named_share && pi.category != "commonly_abused") return;

  // Visits: connections grouped while each starts within visit_gap_s of the one before.
  std::sort(d.starts.begin(), d.starts.end());
  size_t visits = d.starts.empty() ? 0 : 1;
  for (size_t i = 1; i < d.starts.size(); ++i) {
    visits += d.starts[i] - d.starts[i - 1] >= opt_.visit_gap_s;
  }
  const double span = d.starts.empty() ? 0 : d.starts.back() - d.starts.front();
  if (visits < opt_.min_visits || span < opt_.min_span_s) return;

  Finding f;
  f.kind = FindingKind::unresolved_destination;
  f.host = addr;
  f.first_ts = d.first;
  f.last_ts = d.last;
  f.evidence = d.samples;

  // Strength: visits by address alone are low (Windows and phones reach some services by
  // address); HTTP naming only the bare address, or a commonly abused port, medium; POSTs to
  // it, or bare-address requests in strong_visits visits, high. Never answered: low.
  const bool abused = pi.category == "commonly_abused";
  Severity s = Severity::low;
  if (d.answered == 0) {
    f.notes.push_back("no attempt was answered: a dead or blocked endpoint still being tried");
  } else if (d.posts > 0 || (d.bare_requests > 0 && visits >= opt_.strong_visits)) {
    s = Severity::high;
    f.notes.push_back(
        d.posts > 0
            ? fmt::format("{} HTTP POST(s) to the bare address: data sent to a hard-coded server",
                          d.posts)
            : fmt::format("{} HTTP request(s) named only the bare address, in {} visits",
                          d.bare_requests, visits));
  } else if (d.bare_requests > 0 || abused) {
    s = Severity::medium;
    f.notes.push_back(
        d.bare_requests > 0
            ? fmt::format("{} HTTP request(s) named only the bare address", d.bare_requests)
            : fmt::format("port {} is commonly abused: {}", port, pi.description));
  }
  if (share < opt_.min_named_share) {
    s = Severity::low;
    f.notes.push_back(fmt::format(
        "severity held at low: DNS, SNI and Host names in the evidence explain only {:.0f}% of "
        "this host's destinations, so its lookups are not all visible",
        share * 100));
  }
  const DestinationInfo di = opt_.lookup ? opt_.lookup->destination(dst) : DestinationInfo{};
  const std::string who = di.org.empty() ? dst.to_string() : di.org;
  if (di.category == "cloud") {
    s = cap(s, Severity::medium);
    f.notes.push_back(fmt::format("severity capped at medium: {} is a cloud provider", who));
  } else if (is_big_platform(di.category)) {
    s = cap(s, Severity::low);
    f.notes.push_back(fmt::format(
        "severity capped at low: {} is a {} platform; apps reach some of its services by address",
        who, di.category));
  }
  if (resolved_dropped_ > 0) {
    s = cap(s, Severity::low);
    f.notes.push_back(fmt::format(
        "severity capped at low: the set of resolved addresses was full ({} kept), {} further "
        "answers were not kept, so this address may have been resolved",
        opt_.max_resolved, resolved_dropped_));
  }
  if (h.untracked > 0) {
    f.notes.push_back(fmt::format(
        "destination cap reached for this host: {} event(s) to further destinations were not "
        "kept",
        h.untracked));
  }
  if (d.connections > d.starts.size()) {
    f.notes.push_back(fmt::format("visits timed over {} of {} connections (the rest counted only)",
                                  d.starts.size(), d.connections));
  }
  f.severity = s;
  UnresolvedDestinationDetails details;
  details.dst = dst;
  details.dst_port = port;
  details.proto = proto;
  details.connections = d.connections;
  details.answered = d.answered;
  details.failed = d.failed;
  details.visits = visits;
  details.span_s = std::round(span * 1000) / 1000;
  details.http_posts = d.posts;
  details.bare_ip_requests = d.bare_requests;
  details.host_dns_answers = h.dns_answers;
  details.host_named_share = std::round(share * 1000) / 1000;
  if (!pi.service.empty()) details.service = pi.service;
  if (!di.org.empty()) details.dst_org = di.org;
  f.details = std::move(details);
  f.summary = fmt::format(
      "{} came back {} times over {} straight to {} ({}{}), an address no DNS answer, TLS SNI "
      "or HTTP Host ever named, while it resolved names for other destinations{}: look for a "
      "hard-coded address in the program making these connections",
      addr.to_string(), visits, elapsed_text(span), endpoint_text(dst, port), transport_name(proto),
      d.answered ? "" : ", never answered",
      d.bare_requests ? fmt::format("; {} HTTP request(s) by bare address{}", d.bare_requests,
                                    d.posts ? fmt::format(", {} POST", d.posts) : "")
                      : "");
  out.push_back(std::move(f));
}

}  // namespace callhome
