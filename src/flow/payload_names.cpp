#include "flow/payload_names.h"

#include "flow/dns_transactions.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace callhome {
namespace {

uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}

// Reads a possibly compressed domain name at `pos`; returns the position after it in the
// original sequence, or 0 on error. Compression loops are cut by a jump budget.
size_t read_name(const uint8_t* msg, size_t len, size_t pos, std::string& out) {
  out.clear();
  size_t after = 0;
  int jumps = 0;
  while (pos < len) {
    uint8_t l = msg[pos];
    if (l == 0) {
      if (!after) after = pos + 1;
      return after;
    }
    if ((l & 0xc0) == 0xc0) {
      if (pos + 1 >= len || ++jumps > 16) return 0;
      if (!after) after = pos + 2;
      pos = size_t(l & 0x3f) << 8 | msg[pos + 1];
      continue;
    }
    if ((l & 0xc0) != 0 || pos + 1 + l > len) return 0;
    if (!out.empty()) out.push_back('.');
    out.append(reinterpret_cast<const char*>(msg + pos + 1), l);
    if (out.size() > 255) return 0;
    pos += 1 + l;
  }
  return 0;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

const char* dns_rcode_name(uint8_t rcode) {
  static const char* kNames[] = {"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                 "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  return rcode < std::size(kNames) ? kNames[rcode] : "";
}

std::optional<DnsMessage> parse_dns(const uint8_t* data, size_t len) {
  if (len < 12) return std::nullopt;
  DnsMessage m;
  m.id = rd16(data);
  m.response = data[2] & 0x80;
  m.rcode = data[3] & 0x0f;
  const uint16_t qd = rd16(data + 4), an = rd16(data + 6);
  if (qd != 1 || (data[2] & 0x78) != 0) return std::nullopt;  // standard queries only
  size_t pos = read_name(data, len, 12, m.query);
  if (!pos || pos + 4 > len || m.query.empty()) return std::nullopt;
  m.qtype = rd16(data + pos);
  pos += 4;
  std::string name;
  for (uint16_t i = 0; i < an && i < 64; ++i) {
    pos = read_name(data, len, pos, name);
    if (!pos || pos + 10 > len) break;
    const uint16_t type = rd16(data + pos), rdlen = rd16(data + pos + 8);
    pos += 10;
    if (pos + rdlen > len) break;
    if (type == 1 && rdlen == 4) {
      m.addresses.push_back(Address::v4_bytes(data + pos));
    } else if (type == 28 && rdlen == 16) {
      m.addresses.push_back(Address::v6_bytes(data + pos));
    } else if (type == 5) {
      std::string target;
      if (read_name(data, len, pos, target)) m.cnames.push_back(target);
    }
    pos += rdlen;
  }
  return m;
}

namespace {

std::string_view trim_blanks(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// "GET /x HTTP/1.1": the method and target, or nothing when the line is not a request line.
bool split_request_line(std::string_view line, HttpRequestHead& h) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1 + 1) return false;
  if (!line.substr(sp2 + 1).starts_with("HTTP/")) return false;
  h.method = line.substr(0, sp1);
  h.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  return true;
}

}  // namespace

std::optional<HttpRequestHead> parse_http_request(const uint8_t* data, size_t len) {
  std::string_view s(reinterpret_cast<const char*>(data), std::min<size_t>(len, 8192));
  // PROPFIND and TRACE too: scanners (nmap's NSE among them) send them.
  static constexpr std::string_view kMethods[] = {"GET ",      "POST ",    "HEAD ",   "PUT ",
                                                  "CONNECT ",  "OPTIONS ", "DELETE ", "PATCH ",
                                                  "PROPFIND ", "TRACE "};
  if (!std::any_of(std::begin(kMethods), std::end(kMethods),
                   [&](std::string_view m) { return s.substr(0, m.size()) == m; })) {
    return std::nullopt;
  }
  HttpRequestHead h;
  size_t pos = s.find("\r\n");
  if (pos != std::string_view::npos) split_request_line(s.substr(0, pos), h);
  bool have_host = false, have_agent = false;
  while (pos != std::string_view::npos && pos + 2 < s.size() && !(have_host && have_agent)) {
    std::string_view line = s.substr(pos + 2);
    size_t end = line.find("\r\n");
    if (end == 0) break;  // end of headers
    line = line.substr(0, end);
    if (!have_host && iequals_prefix(line, "host:")) {
      h.host = trim_blanks(line.substr(5));
      have_host = true;
    } else if (!have_agent && iequals_prefix(line, "user-agent:")) {
      h.user_agent = trim_blanks(line.substr(11));
      have_agent = true;
    }
    pos = end == std::string_view::npos ? end : pos + 2 + end;
  }
  return h;
}

std::optional<std::string> parse_http_host(const uint8_t* data, size_t len) {
  auto h = parse_http_request(data, len);
  if (!h || h->host.empty() || h->host.size() > 255) return std::nullopt;
  return std::string(h->host);
}

std::optional<std::string> parse_tls_sni(const uint8_t* d, size_t len) {
  // Record header (5), handshake header (4), version (2), random (32).
  if (len < 43 || d[0] != 0x16 || d[1] != 3 || d[5] != 1) return std::nullopt;
  size_t pos = 43;
  if (pos + 1 > len) return std::nullopt;
  pos += 1 + d[pos];  // session id
  if (pos + 2 > len) return std::nullopt;
  pos += 2 + rd16(d + pos);  // cipher suites
  if (pos + 1 > len) return std::nullopt;
  pos += 1 + d[pos];  // compression methods
  if (pos + 2 > len) return std::nullopt;
  size_t ext_end = std::min(len, pos + 2 + rd16(d + pos));
  pos += 2;
  while (pos + 4 <= ext_end) {
    const uint16_t type = rd16(d + pos), elen = rd16(d + pos + 2);
    pos += 4;
    if (pos + elen > ext_end) return std::nullopt;
    if (type == 0 && elen >= 5) {  // server_name: list length, type, name length, name
      const uint16_t nlen = rd16(d + pos + 3);
      if (d[pos + 2] != 0 || nlen == 0 || 5u + nlen > elen || nlen > 255) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(d + pos + 5), nlen);
    }
    pos += elen;
  }
  return std::nullopt;
}

namespace {

void emit_name(const DecodedPacket& p, double ts, Provenance prov, std::string name,
               const char* source, EventSink& sink) {
  NameEvent e;
  e.ts = ts;
  e.client = p.src;
  e.server = p.dst;
  e.server_port = p.dst_port;
  e.name = std::move(name);
  e.source = source;
  e.prov = prov;
  sink.on_name(e);
}

void emit_http_request(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink) {
  auto h = parse_http_request(p.payload, p.payload_caplen);
  if (!h) return;
  if (!h->host.empty() && h->host.size() <= 255) {
    emit_name(p, ts, prov, std::string(h->host), "http_host", sink);
  }
  if (h->method.empty()) return;
  HttpEvent e;
  e.ts = ts;
  e.client = p.src;
  e.server = p.dst;
  e.server_port = p.dst_port;
  e.method = h->method;
  e.url = h->target;
  // The Host already went out as the NameEvent above; repeating it here would make every
  // consumer of both (beacons, vendor contacts, passive names) count the request twice.
  e.user_agent = h->user_agent;
  e.prov = prov;
  sink.on_http(e);
}

}  // namespace

void emit_payload_names(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink,
                        DnsTransactions* dns) {
  if (!p.transport_ok || p.payload_caplen == 0 || p.payload == nullptr) return;
  // Queries go to port 53 (paired when `dns` is given); multicast DNS (5353) is taken from its
  // responses only, as before: its queries are a LAN's service discovery, not lookups.
  if (p.ip_proto == 17 && dns && p.dst_port == 53) {
    auto m = parse_dns(p.payload, p.payload_caplen);
    if (m) dns->on_message(p, std::move(*m), ts, prov);
    if (m || p.src_port != 53) return;
  }
  if (p.ip_proto == 17 && (p.src_port == 53 || p.src_port == 5353)) {
    auto m = parse_dns(p.payload, p.payload_caplen);
    if (!m || !m->response) return;
    if (dns && p.src_port == 53) {
      dns->on_message(p, std::move(*m), ts, prov);
      return;
    }
    DnsEvent e;
    e.ts = ts;
    e.client = p.dst;
    e.server = p.src;
    e.query = std::move(m->query);
    e.qtype = m->qtype;
    e.rcode = dns_rcode_name(m->rcode);
    e.addresses = std::move(m->addresses);
    e.cnames = std::move(m->cnames);
    e.prov = prov;
    sink.on_dns(e);
    return;
  }
  if (p.ip_proto != 6) return;
  const uint8_t first = p.payload[0];
  if (first == 0x16) {
    if (auto name = parse_tls_sni(p.payload, p.payload_caplen)) {
      emit_name(p, ts, prov, std::move(*name), "tls_sni", sink);
    }
  } else if (first >= 'C' && first <= 'T') {  // CONNECT .. TRACE: the methods we know
    emit_http_request(p, ts, prov, sink);
  }
}

}  // namespace callhome
