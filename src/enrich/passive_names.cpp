#include "enrich/passive_names.h"

#include <algorithm>

#include "enrich/domain_knowledge.h"

namespace callhome {

const char* to_string(NameSource s) {
  switch (s) {
    case NameSource::dns_query:
      return "dns";
    case NameSource::dns_cname:
      return "dns_cname";
    case NameSource::http_host:
      return "http_host";
    case NameSource::tls_sni:
      return "tls_sni";
    case NameSource::proxy_direct:
      return "proxy_direct";
    case NameSource::certificate:
      return "certificate";
    case NameSource::other:
      break;
  }
  return "other";
}

std::string url_host(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') {
    auto close = url.find(']');
    return close == std::string_view::npos ? std::string() : std::string(url.substr(1, close - 1));
  }
  // One colon: host:port. More than one: a bare IPv6 literal, kept whole.
  if (std::count(url.begin(), url.end(), ':') == 1) url = url.substr(0, url.find(':'));
  return std::string(url);
}

namespace {

NameSource source_from(std::string_view s) {
  if (s == "tls_sni" || s == "ssl_sni" || s == "sni") return NameSource::tls_sni;
  if (s == "http_host" || s == "http") return NameSource::http_host;
  if (s == "x509" || s == "certificate" || s == "cert") return NameSource::certificate;
  if (s == "dns") return NameSource::dns_query;
  return NameSource::other;
}

// A host name worth keeping: not empty, not an address literal, no spaces or control bytes.
bool plausible_name(std::string_view n) {
  if (n.empty() || n.size() > 253 || Address::parse(n)) return false;
  return std::none_of(n.begin(), n.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\x7f';
  });
}

}  // namespace

void PassiveNames::record(const Address& server, std::string_view raw, NameSource source, double ts,
                          Provenance prov) {
  if (server.is_unspecified() || opt_.internal.contains(server)) return;
  std::string name = normalize_host(raw);
  if (!plausible_name(name)) return;
  auto it = by_address_.find(server);
  if (it != by_address_.end()) {
    for (auto& s : it->second) {
      if (s.name != name) continue;
      ++s.count;
      s.first_ts = std::min(s.first_ts, ts);
      s.last_ts = std::max(s.last_ts, ts);
      s.sources |= uint8_t(1u << int(source));
      return;
    }
  }
  if (entries_ >= opt_.max_entries ||
      (it != by_address_.end() && it->second.size() >= opt_.max_names_per_address)) {
    ++dropped_;
    return;
  }
  if (it == by_address_.end()) it = by_address_.try_emplace(server).first;
  NameSighting s;
  s.name = std::move(name);
  s.source = source;
  s.sources = uint8_t(1u << int(source));
  s.count = 1;
  s.first_ts = s.last_ts = ts;
  s.first = prov;
  it->second.push_back(std::move(s));
  ++entries_;
}

void PassiveNames::on_dns(const DnsEvent& e) {
  for (const Address& a : e.addresses) {
    record(a, e.query, NameSource::dns_query, e.ts, e.prov);
    // Every name of the chain leads to the answer: the CDN edge name
    // (a1.g.akamaiedge.net) and the vendor's alias (liveupdate.symantec.com) both matter.
    for (const auto& c : e.cnames) record(a, c, NameSource::dns_cname, e.ts, e.prov);
  }
}

void PassiveNames::on_http(const HttpEvent& e) {
  std::string host = e.host.empty() ? url_host(e.url) : url_host(e.host);
  if (host.empty()) return;
  if (!e.via_proxy) {
    record(e.server, host, NameSource::http_host, e.ts, e.prov);
    return;
  }
  // In a proxy's log the client talked to the proxy; the server address is only known when
  // the proxy went DIRECT to it. Through a parent proxy (FIRST_PARENT_MISS/parent) the peer is
  // that proxy, which must not collect the names of every site behind it.
  std::string_view h = e.hierarchy;
  auto slash = h.find('/');
  std::string_view code = h.substr(0, slash);
  bool direct =
      code == "DIRECT" || code == "HIER_DIRECT" || code == "ORIGINAL_DST" || code == "PINNED";
  if (!direct) return;
  Address server = e.server;
  if (server.is_unspecified() && slash != std::string_view::npos) {
    if (auto a = Address::parse(h.substr(slash + 1))) server = *a;
  }
  record(server, host, NameSource::proxy_direct, e.ts, e.prov);
}

void PassiveNames::on_name(const NameEvent& e) {
  record(e.server, e.name, source_from(e.source), e.ts, e.prov);
}

std::vector<NameSighting> PassiveNames::names_for(const Address& a) const {
  auto it = by_address_.find(a);
  if (it == by_address_.end()) return {};
  std::vector<NameSighting> out = it->second;
  std::stable_sort(out.begin(), out.end(), [](const NameSighting& x, const NameSighting& y) {
    if (x.count != y.count) return x.count > y.count;
    return x.first_ts < y.first_ts;
  });
  return out;
}

}  // namespace callhome
