#include "detect/threat_intel_detector.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "detect/attempt.h"
#include "detect/channel_traits.h"

namespace callhome {
namespace {

constexpr size_t kMaxQuoted = 160;  // bytes of a URL or name quoted in evidence

// "5.2.136.90:8080", "[2001:db8::1]:80", "5.2.136.90" -> the address and port (0: none given);
// a name -> nothing.
std::optional<std::pair<Address, uint16_t>> literal_address(std::string_view host) {
  uint16_t port = 0;
  const auto read_port = [&port](std::string_view digits) {
    unsigned v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9' || (v = v * 10 + unsigned(c - '0')) > 65535) return false;
    }
    port = uint16_t(v);
    return true;
  };
  if (host.size() > 2 && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = host.substr(close + 1);
    if (rest.starts_with(':') && !read_port(rest.substr(1))) return std::nullopt;
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':');
             colon != std::string_view::npos && host.find(':') == colon) {
    if (!read_port(host.substr(colon + 1))) return std::nullopt;
    host = host.substr(0, colon);
  }
  if (host.find('%') != std::string_view::npos) return std::nullopt;
  const auto a = Address::parse(host);
  if (!a) return std::nullopt;
  return std::pair{*a, port};
}

// "evil.example:8080" -> "evil.example"; anything else unchanged.
std::string_view without_port(std::string_view name) {
  const size_t colon = name.rfind(':');
  if (colon == std::string_view::npos || name.find(':') != colon) return name;
  const std::string_view digits = name.substr(colon + 1);
  const bool port = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  return port ? name.substr(0, colon) : name;
}

// The host of an absolute URL ("http://user@evil.example:8080/x" -> "evil.example:8080").
std::string_view url_host(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  return url;
}

std::string lower_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  std::string s(name.substr(0, 253));
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return s;
}

std::string clip(std::string_view s) {
  return s.size() <= kMaxQuoted ? std::string(s) : std::string(s.substr(0, kMaxQuoted)) + "...";
}

bool transport(uint8_t proto) {
  return proto == kProtoTcp || proto == kProtoUdp;
}

std::string destination_text(const Address& a, uint16_t port) {
  return port ? endpoint_text(a, port) : a.to_string();
}

std::string first_few(const std::vector<std::string>& items) {
  std::string out;
  for (size_t k = 0; k < items.size() && k < 3; ++k) out += (k ? ", " : "") + items[k];
  if (items.size() > 3) out += fmt::format(" and {} more", items.size() - 3);
  return out;
}

const char* name_source(std::string_view source) {
  if (source == "tls_sni") return "TLS SNI";
  if (source == "http_host") return "HTTP Host";
  if (source == "x509") return "certificate name";
  return "server name";
}

}  // namespace

ThreatIntelDetector::Hit* ThreatIntelDetector::pair(const Address& host, uint32_t id) {
  const Key key{host, id};
  if (auto it = pairs_.find(key); it != pairs_.end()) return &it->second;
  if (pairs_.size() >= opt_.max_pairs) {
    ++pairs_dropped_;
    return nullptr;
  }
  Hit& h = pairs_[key];
  const IntelEntry& e = opt_.intel->entry(id);
  h.d.indicator = e.text;
  h.d.indicator_type = e.type;
  h.d.matched = e.type == IndicatorType::domain ? ThreatIntelDetails::Matched::name
                                                : ThreatIntelDetails::Matched::address;
  h.d.list = opt_.intel->lists()[e.list];
  h.d.list_line = e.line;
  return &h;
}

void ThreatIntelDetector::add_item(Hit& h, std::vector<std::string>& items, std::string item) {
  if (item.empty() || std::find(items.begin(), items.end(), item) != items.end()) return;
  if (items.size() >= opt_.max_items) {
    ++h.d.not_kept;
    return;
  }
  items.push_back(std::move(item));
}

void ThreatIntelDetector::record(Hit& h, Use use, std::string_view seen_in, double ts,
                                 Provenance prov, std::string what) {
  ThreatIntelDetails& d = h.d;
  ++d.hits;
  switch (use) {
    case Use::connection:
      ++d.connections;
      d.contacted = true;
      break;
    case Use::request:
      ++d.requests;
      d.contacted = true;
      break;
    case Use::lookup:
      ++d.lookups;
      break;
  }
  if (!h.have_time || ts < d.first_seen) d.first_seen = ts;
  if (!h.have_time || ts > d.last_seen) d.last_seen = ts;
  h.have_time = true;
  if (std::find(d.seen_in.begin(), d.seen_in.end(), seen_in) == d.seen_in.end()) {
    d.seen_in.emplace_back(seen_in);
  }
  if (h.evidence.size() < opt_.max_evidence) h.evidence.push_back({prov, std::move(what)});
}

void ThreatIntelDetector::match_name(const Address& host, std::string_view name, Use use,
                                     std::string_view seen_in, double ts, Provenance prov,
                                     const std::string& what, const std::string& destination,
                                     const std::vector<Address>& answers,
                                     std::vector<uint32_t>& done) {
  const auto id = opt_.intel->match_name(name);
  if (!id || std::find(done.begin(), done.end(), *id) != done.end()) return;
  done.push_back(*id);
  Hit* h = pair(host, *id);
  if (!h) return;
  record(*h, use, seen_in, ts, prov, what);
  add_item(*h, h->d.names, lower_name(name));
  add_item(*h, h->d.destinations, destination);
  for (const Address& a : answers) {
    if (std::find(h->resolved.begin(), h->resolved.end(), a) != h->resolved.end()) continue;
    if (h->resolved.size() >= opt_.max_items) {
      ++h->d.not_kept;
      continue;
    }
    h->resolved.push_back(a);
  }
}

void ThreatIntelDetector::on_connection(const Connection& c) {
  if (!opt_.internal.contains(c.orig_h)) return;
  const uint16_t port = transport(c.ip_proto) ? c.resp_p : 0;
  const Outcome o = outcome_of(c);
  if (const auto id = opt_.intel->match_address(c.resp_h, port)) {
    if (Hit* h = pair(c.orig_h, *id)) {
      record(*h, Use::connection, "connection", c.ts, c.first,
             fmt::format("{} -> {} {} ({})", c.orig_h.to_string(), destination_text(c.resp_h, port),
                         transport_name(c.ip_proto), describe(o)));
      h->d.answered += o == Outcome::answered;
      h->d.blocked += o == Outcome::blocked;
      add_item(*h, h->d.destinations, destination_text(c.resp_h, port));
    }
  }
  // Whether a listed name's addresses were reached is decided at the end: its DNS answer may
  // come after the connection (Zeek's conn.log is read before its dns.log).
  if (!opt_.intel->has_domains() || opt_.internal.contains(c.resp_h)) return;
  const std::pair key{c.orig_h, c.resp_h};
  auto it = contacts_.find(key);
  if (it == contacts_.end()) {
    if (contacts_.size() >= opt_.max_contacts) {
      ++contacts_dropped_;
      return;
    }
    it = contacts_.emplace(key, Contact{c.first, c.ts, c.ts, port, c.ip_proto, 0, 0, 0}).first;
  }
  Contact& k = it->second;
  ++k.count;
  k.answered += o == Outcome::answered;
  k.blocked += o == Outcome::blocked;
  if (c.ts < k.first) k.first = c.ts, k.prov = c.first, k.port = port, k.proto = c.ip_proto;
  k.last = std::max(k.last, c.ts);
}

void ThreatIntelDetector::on_dns(const DnsEvent& e) {
  if (!opt_.internal.contains(e.client) || e.query.empty()) return;
  std::vector<uint32_t> done;  // indicators this event already counted
  match_name(e.client, e.query, Use::lookup, "dns_query", e.ts, e.prov,
             fmt::format("DNS query for {}", clip(e.query)), {}, e.addresses, done);
  for (const auto& cname : e.cnames) {
    match_name(e.client, cname, Use::lookup, "dns_answer", e.ts, e.prov,
               fmt::format("DNS answer for {}: CNAME {}", clip(e.query), clip(cname)), {},
               e.addresses, done);
  }
  for (const Address& a : e.addresses) {
    const auto id = opt_.intel->match_address(a);
    if (!id || std::find(done.begin(), done.end(), *id) != done.end()) continue;
    done.push_back(*id);
    Hit* h = pair(e.client, *id);
    if (!h) continue;
    record(*h, Use::lookup, "dns_answer", e.ts, e.prov,
           fmt::format("DNS answer for {}: {}", clip(e.query), a.to_string()));
    add_item(*h, h->d.names, lower_name(e.query));
    add_item(*h, h->d.destinations, a.to_string());
  }
}

void ThreatIntelDetector::on_name(const NameEvent& e) {
  if (!opt_.internal.contains(e.client) || e.name.empty()) return;
  const std::string server =
      e.server.is_unspecified() ? std::string() : destination_text(e.server, e.server_port);
  const std::string what = fmt::format("{} {}{}", name_source(e.source), clip(e.name),
                                       server.empty() ? "" : " to " + server);
  if (const auto literal = literal_address(e.name)) {
    const auto& [a, port] = *literal;
    const auto id = opt_.intel->match_address(a, port ? port : e.server_port);
    Hit* h = id ? pair(e.client, *id) : nullptr;
    if (!h) return;
    record(*h, Use::request, e.source, e.ts, e.prov, what);
    add_item(*h, h->d.destinations, destination_text(a, port ? port : e.server_port));
    return;
  }
  std::vector<uint32_t> done;
  match_name(e.client, without_port(e.name), Use::request, e.source, e.ts, e.prov, what, server, {},
             done);
}

void ThreatIntelDetector::on_http(const HttpEvent& e) {
  if (!opt_.internal.contains(e.client)) return;
  const std::string_view host = e.host.empty() ? url_host(e.url) : e.host;
  const char* seen_in = e.via_proxy ? "proxy" : "http";
  const bool denied = e.action == Action::blocked;
  const std::string what = fmt::format("{}{} {}{}", e.via_proxy ? "proxy request " : "HTTP ",
                                       e.method, clip(e.url), denied ? " (denied)" : "");
  std::vector<uint32_t> done;
  const auto count = [&](Hit& h, const std::string& destination) {
    h.d.blocked += denied;
    add_item(h, h.d.destinations, destination);
  };
  if (const auto literal = host.empty() ? std::nullopt : literal_address(host)) {
    const auto& [a, port] = *literal;
    if (const auto id = opt_.intel->match_address(a, port ? port : e.server_port)) {
      done.push_back(*id);
      if (Hit* h = pair(e.client, *id)) {
        record(*h, Use::request, seen_in, e.ts, e.prov, what);
        count(*h, destination_text(a, port ? port : e.server_port));
      }
    }
  } else if (!host.empty()) {
    const size_t before = done.size();
    const std::string upstream =
        e.server.is_unspecified() ? std::string() : destination_text(e.server, e.server_port);
    match_name(e.client, without_port(host), Use::request, seen_in, e.ts, e.prov, what, upstream,
               {}, done);
    if (done.size() > before) {
      if (auto it = pairs_.find(Key{e.client, done.back()}); it != pairs_.end())
        count(it->second, {});
    }
  }
  // The address the request went to: the server itself, or the upstream a proxy logs.
  if (e.server.is_unspecified()) return;
  const auto id = opt_.intel->match_address(e.server, e.server_port);
  if (!id || std::find(done.begin(), done.end(), *id) != done.end()) return;
  if (Hit* h = pair(e.client, *id)) {
    record(*h, Use::request, seen_in, e.ts, e.prov, what);
    count(*h, destination_text(e.server, e.server_port));
  }
}

void ThreatIntelDetector::reach_resolved(const Key& key, Hit& h) {
  for (const Address& a : h.resolved) {
    const auto it = contacts_.find(std::pair{key.first, a});
    if (it == contacts_.end()) continue;
    const Contact& k = it->second;
    ThreatIntelDetails& d = h.d;
    d.contacted = true;
    d.hits += k.count;
    d.connections += k.count;
    d.answered += k.answered;
    d.blocked += k.blocked;
    if (!h.have_time || k.first < d.first_seen) d.first_seen = k.first;
    if (!h.have_time || k.last > d.last_seen) d.last_seen = k.last;
    h.have_time = true;
    if (std::find(d.seen_in.begin(), d.seen_in.end(), "connection") == d.seen_in.end()) {
      d.seen_in.emplace_back("connection");
    }
    add_item(h, d.destinations, destination_text(a, k.port));
    if (h.evidence.size() < opt_.max_evidence) {
      h.evidence.push_back(
          {k.prov, fmt::format("{} -> {} {}, an address the listed name resolved to ({} "
                               "connection(s))",
                               key.first.to_string(), destination_text(a, k.port),
                               transport_name(k.proto), k.count)});
    }
  }
}

Finding ThreatIntelDetector::report(const Key& key, Hit& h) const {
  ThreatIntelDetails& d = h.d;
  Finding f;
  f.kind = FindingKind::threat_intel;
  f.host = key.first;
  f.first_ts = d.first_seen;
  f.last_ts = d.last_seen;
  f.severity = d.contacted ? Severity::high : Severity::medium;
  std::sort(h.evidence.begin(), h.evidence.end(), [](const EvidenceRef& a, const EvidenceRef& b) {
    return std::pair(a.prov.input, a.prov.ref) < std::pair(b.prov.input, b.prov.ref);
  });
  f.evidence = h.evidence;

  const std::string host = key.first.to_string();
  const std::string listed =
      fmt::format("listed as {} in {} line {}", d.indicator, d.list, d.list_line);
  const bool by_name = d.matched == ThreatIntelDetails::Matched::name;
  if (d.contacted) {
    std::vector<std::string> how;
    if (d.connections) {
      how.push_back(fmt::format("{} connection(s){}", d.connections,
                                d.blocked >= d.connections ? ", all blocked"
                                : d.answered == 0          ? ", none seen answered"
                                                           : ""));
    }
    if (d.requests)
      how.push_back(fmt::format("{} request(s) or TLS session(s) naming it", d.requests));
    std::string how_text;
    for (const auto& s : how) how_text += (how_text.empty() ? "" : "; ") + s;
    f.summary = fmt::format(
        "{} contacted {} ({}), {}: find the program on {} making these connections and treat "
        "the host as compromised until it is explained",
        host, first_few(by_name && !d.names.empty() ? d.names : d.destinations), how_text, listed,
        host);
    if (d.connections && d.blocked >= d.connections && d.requests == 0) {
      f.notes.push_back(
          "every connection attempt was blocked: the host tried, the network "
          "stopped it");
    }
  } else {
    f.summary = by_name ? fmt::format(
                              "{} looked up {}, {}, but no connection to it was seen: find what "
                              "on {} asked for the name",
                              host, first_few(d.names), listed, host)
                        : fmt::format(
                              "{} was given {} in the DNS answer for {}, {}, but no connection to "
                              "it was seen: find what on {} asked for the name",
                              host, first_few(d.destinations), first_few(d.names), listed, host);
    f.notes.push_back("severity medium: only looked up; contact with it would make it high");
    if (contacts_dropped_ && !h.resolved.empty()) {
      f.notes.push_back(fmt::format(
          "the table of contacts was full ({} kept, {} further not kept): a connection to the "
          "addresses the name resolved to may have gone unseen",
          opt_.max_contacts, contacts_dropped_));
    }
  }
  if (d.not_kept) {
    f.notes.push_back(
        fmt::format("{} further names, destinations or answer addresses not kept", d.not_kept));
  }
  if (pairs_dropped_) {
    f.notes.push_back(fmt::format(
        "the cap of {} (host, indicator) pairs was reached: {} further hits not followed",
        opt_.max_pairs, pairs_dropped_));
  }
  f.details = d;
  return f;
}

void ThreatIntelDetector::finish(std::vector<Finding>& out) {
  std::vector<Key> keys;
  keys.reserve(pairs_.size());
  for (const auto& [key, h] : pairs_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const Key& key : keys) {
    Hit& h = pairs_.at(key);
    reach_resolved(key, h);
    out.push_back(report(key, h));
  }
}

}  // namespace callhome
