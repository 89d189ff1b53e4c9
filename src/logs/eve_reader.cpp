#include "logs/eve_reader.h"

#include <absl/time/civil_time.h>
#include <simdjson.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace callhome {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;
using Why = const char*;  // reason a line is rejected; nullptr when it was used

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string_view str(element e) {
  std::string_view s;
  return e.get_string().get(s) ? std::string_view() : s;
}

// A key looked up in an object: missing or not a string reads as empty (never throws).
std::string_view str(simdjson::simdjson_result<element> r) {
  element e;
  return r.get(e) ? std::string_view() : str(e);
}

uint64_t u64(element e) {
  uint64_t v = 0;
  return e.get_uint64().get(v) ? 0 : v;
}

std::optional<Address> parse_address(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return std::nullopt;  // inet_pton stops at NUL
  return Address::parse(s);
}

// A port as EVE logs it: an integer in 0..65535. null reads as absent (0), as for ICMP.
// Anything else (-5, 99999999, "80") is damage, not a port to be cut to 16 bits.
bool port_value(element e, uint16_t& out) {
  if (e.is_null()) return true;
  int64_t v = 0;
  if (e.get_int64().get(v) || v < 0 || v > 65535) return false;
  out = uint16_t(v);
  return true;
}

// EVE names the protocol ("TCP", "IPv6-ICMP") or, for one without a name, prints its number.
uint8_t proto_number(element e) {
  uint64_t n = 0;
  if (!e.get_uint64().get(n)) return n <= 255 ? uint8_t(n) : 0;
  const std::string_view s = str(e);
  if (s == "TCP") return kProtoTcp;
  if (s == "UDP") return kProtoUdp;
  if (s == "ICMP") return kProtoIcmp;
  if (s == "IPv6-ICMP" || s == "IPV6-ICMP") return kProtoIcmp6;
  if (s == "SCTP") return 132;
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v <= 255 ? uint8_t(v) : 0;
}

uint16_t rrtype_number(std::string_view t) {
  struct Type {
    std::string_view name;
    uint16_t number;
  };
  static constexpr Type kTypes[] = {
      {"A", 1},    {"NS", 2},    {"CNAME", 5}, {"SOA", 6},   {"NULL", 10},  {"PTR", 12}, {"MX", 15},
      {"TXT", 16}, {"AAAA", 28}, {"SRV", 33},  {"SVCB", 64}, {"HTTPS", 65}, {"ANY", 255}};
  for (const auto& type : kTypes) {
    if (t == type.name) return type.number;
  }
  return 0;
}

// The fields every event type shares, gathered in one pass over the top-level object.
struct Common {
  std::string_view timestamp, event_type, src_ip, dest_ip;
  uint16_t src_port = 0, dest_port = 0;
  bool bad_port = false;  // a port given as something other than an integer in 0..65535
  uint8_t proto = 0;
  int icmp_type = -1, icmp_code = -1, response_icmp_type = -1;
  element alert, flow, dns, http, tls, tcp;
  bool has_alert = false, has_flow = false, has_dns = false, has_http = false, has_tls = false,
       has_tcp = false;
  Address src, dst;
  double ts = 0;
};

void gather(object obj, Common& c) {
  for (auto field : obj) {
    const std::string_view k = field.key;
    const element v = field.value;
    if (k == "timestamp") {
      c.timestamp = str(v);
    } else if (k == "event_type") {
      c.event_type = str(v);
    } else if (k == "src_ip") {
      c.src_ip = str(v);
    } else if (k == "dest_ip") {
      c.dest_ip = str(v);
    } else if (k == "src_port") {
      c.bad_port |= !port_value(v, c.src_port);
    } else if (k == "dest_port") {
      c.bad_port |= !port_value(v, c.dest_port);
    } else if (k == "proto") {
      c.proto = proto_number(v);
    } else if (k == "icmp_type") {
      c.icmp_type = int(u64(v) & 0xff);
    } else if (k == "icmp_code") {
      c.icmp_code = int(u64(v) & 0xff);
    } else if (k == "response_icmp_type") {
      c.response_icmp_type = int(u64(v) & 0xff);
    } else if (k == "alert" && v.is_object()) {
      c.alert = v;
      c.has_alert = true;
    } else if (k == "flow" && v.is_object()) {
      c.flow = v;
      c.has_flow = true;
    } else if (k == "dns" && v.is_object()) {
      c.dns = v;
      c.has_dns = true;
    } else if (k == "http" && v.is_object()) {
      c.http = v;
      c.has_http = true;
    } else if (k == "tls" && v.is_object()) {
      c.tls = v;
      c.has_tls = true;
    } else if (k == "tcp" && v.is_object()) {
      c.tcp = v;
      c.has_tcp = true;
    }
  }
}

Why resolve_endpoints(Common& c) {
  auto s = parse_address(c.src_ip), d = parse_address(c.dest_ip);
  if (!s || !d) return "src_ip or dest_ip is not an IP address";
  c.src = *s;
  c.dst = *d;
  return nullptr;
}

// Whole seconds and fraction apart, so that a difference of two times keeps its microseconds
// (a double near 1.6e9 holds them, but subtracting two such doubles loses some).
bool parse_iso8601_parts(std::string_view s, const absl::TimeZone& local, int64_t& secs,
                         double& frac) {
  int year, month, day, hour, minute, second;
  if (s.size() < 19 || !digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return false;
  }
  size_t pos = 19;
  double fraction = 0, scale = 1;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    const size_t first = pos;
    for (; pos < s.size() && is_digit(s[pos]); ++pos) {
      if (pos - first < 9) fraction = fraction * 10 + (s[pos] - '0'), scale *= 10;
    }
    if (pos == first) return false;
  }
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.month() != month || civil.day() != day) return false;

  const std::string_view zone = s.substr(pos);
  int64_t offset = 0;
  frac = fraction / scale;
  if (zone.empty()) {
    secs = absl::ToUnixSeconds(absl::FromCivil(civil, local));
    return true;
  }
  if (zone != "Z") {
    int oh = 0, om = 0;
    const bool colon = zone.size() == 6 && zone[3] == ':';
    if ((zone[0] != '+' && zone[0] != '-') || !digits(zone, 1, 2, oh) ||
        !(zone.size() == 3 || (zone.size() == 5 && digits(zone, 3, 2, om)) ||
          (colon && digits(zone, 4, 2, om))) ||
        oh > 23 || om > 59) {
      return false;
    }
    offset = (zone[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  secs = absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone())) - offset;
  return true;
}

class EveReader {
 public:
  EveReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report), tz_(ctx.tz ? *ctx.tz : absl::UTCTimeZone()) {
    name_.source = "tls_sni";
  }

  // Returns why the line was rejected, or nullptr.
  Why line(std::string_view text, uint64_t number) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse from a padded copy.
    if (buf_.size() < text.size() + simdjson::SIMDJSON_PADDING) {
      buf_.resize(text.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(buf_.data(), text.data(), text.size());
    element doc;
    if (auto error = parser_.parse(buf_.data(), text.size(), false).get(doc)) {
      error_ = std::string("not JSON: ") + simdjson::error_message(error);
      return error_.c_str();
    }
    object obj;
    if (doc.get_object().get(obj)) return "not a JSON object";
    Common c;
    gather(obj, c);
    if (c.event_type.empty()) return "no event_type";
    if (!parse_iso8601(c.timestamp, tz_, c.ts)) return "timestamp is not ISO 8601";
    if (c.bad_port) return "src_port or dest_port is not a port number (0..65535)";
    prov_ = {ctx_.input_index, number};
    Why why = nullptr;
    if (c.event_type == "alert" && c.has_alert) {
      why = alert(c);
    } else if (c.event_type == "flow" && c.has_flow) {
      why = flow(c);
    } else if (c.event_type == "dns" && c.has_dns) {
      why = dns(c);
    } else if (c.event_type == "http" && c.has_http) {
      why = http(c);
    } else if (c.event_type == "tls" && c.has_tls) {
      why = tls(c);
    }
    if (why) return why;
    ++report_.records;  // every event type counts, used or not
    report_.saw_time(c.ts);
    return nullptr;
  }

 private:
  Why alert(Common& c) {
    if (Why why = resolve_endpoints(c)) return why;
    AlertEvent& ev = alert_;
    ev.ts = c.ts;
    ev.src = c.src;
    ev.dst = c.dst;
    ev.src_port = c.src_port;
    ev.dst_port = c.dest_port;
    ev.ip_proto = c.proto;
    ev.gid = 1;
    ev.sid = ev.rev = 0;
    ev.priority = 0;
    ev.action = Action::unknown;
    ev.signature.clear();
    ev.classification.clear();
    bool has_signature = false, has_sid = false;
    for (auto field : object(c.alert)) {
      const std::string_view k = field.key;
      if (k == "action") {
        const std::string_view a = str(field.value);
        ev.action = a == "allowed"   ? Action::allowed
                    : a == "blocked" ? Action::blocked
                                     : Action::unknown;
      } else if (k == "gid") {
        ev.gid = uint32_t(u64(field.value));
      } else if (k == "signature_id") {
        // Rule ids start at 1; -1, 0 or a number past 32 bits names no rule.
        uint64_t sid = 0;
        has_sid = !field.value.get_uint64().get(sid) && sid >= 1 && sid <= UINT32_MAX;
        ev.sid = uint32_t(sid);
      } else if (k == "rev") {
        ev.rev = uint32_t(u64(field.value));
      } else if (k == "signature") {
        ev.signature = str(field.value);
        has_signature = !ev.signature.empty();
      } else if (k == "category") {
        ev.classification = str(field.value);
      } else if (k == "severity") {
        ev.priority = int(u64(field.value) & 0xffff);
      }
    }
    // An alert that names no rule cannot be told apart from any other: it would be reported
    // as an IDS raising "" under sid 0.
    if (!has_signature) return "alert.signature is missing, null or empty";
    if (!has_sid) return "alert.signature_id is missing or not a rule id (1..4294967295)";
    ev.prov = prov_;
    sink_.on_alert(ev);
    return nullptr;
  }

  // Zeek's conn_state from what an EVE flow keeps: the union of the TCP flags each side sent
  // (tcp_flags_ts from the client, tcp_flags_tc from the server) and the packet counts. Zeek
  // follows the order of packets; flags without order make this an approximation:
  //   TCP, no SYN from the originator ..................... OTH (picked up mid-stream)
  //   SYN, no packet back: RST from orig RSTOS0, FIN SH, else S0
  //   SYN answered by RST and no SYN ...................... REJ
  //   SYN answered by SYN: RST from resp RSTR, from orig RSTO, FIN both SF, FIN orig only S2,
  //                        FIN resp only S3, neither S1
  //   SYN answered by neither SYN nor RST ................. OTH
  //   TCP flow logged without its "tcp" object ............ none (unknown)
  //   UDP: both directions SF, originator only S0, responder only SHR
  //   anything else (ICMP ...) ............................ OTH, as Zeek logs it
  static ConnState state_of(const Common& c, uint64_t pkts_toserver, uint64_t pkts_toclient) {
    if (c.proto == kProtoUdp) {
      if (pkts_toserver && pkts_toclient) return ConnState::SF;
      if (pkts_toserver) return ConnState::S0;
      return pkts_toclient ? ConnState::SHR : ConnState::OTH;
    }
    if (c.proto != kProtoTcp) return ConnState::OTH;
    if (!c.has_tcp) return ConnState::none;
    unsigned ts = 0, tc = 0;
    for (auto field : object(c.tcp)) {
      const std::string_view k = field.key, v = str(field.value);
      unsigned* target = k == "tcp_flags_ts" ? &ts : k == "tcp_flags_tc" ? &tc : nullptr;
      if (target) std::from_chars(v.data(), v.data() + v.size(), *target, 16);
    }
    constexpr unsigned kFin = 0x01, kSyn = 0x02, kRst = 0x04;
    if (!(ts & kSyn)) return ConnState::OTH;
    if (pkts_toclient == 0 || tc == 0) {
      if (ts & kRst) return ConnState::RSTOS0;
      return ts & kFin ? ConnState::SH : ConnState::S0;
    }
    if (!(tc & kSyn)) return tc & kRst ? ConnState::REJ : ConnState::OTH;
    if (tc & kRst) return ConnState::RSTR;
    if (ts & kRst) return ConnState::RSTO;
    if ((ts & kFin) && (tc & kFin)) return ConnState::SF;
    if (ts & kFin) return ConnState::S2;
    return tc & kFin ? ConnState::S3 : ConnState::S1;
  }

  Why flow(Common& c) {
    if (Why why = resolve_endpoints(c)) return why;
    Connection& conn = conn_;
    std::string_view start, end, action;
    uint64_t pkts_ts = 0, pkts_tc = 0, bytes_ts = 0, bytes_tc = 0;
    for (auto field : object(c.flow)) {
      const std::string_view k = field.key;
      if (k == "start") {
        start = str(field.value);
      } else if (k == "end") {
        end = str(field.value);
      } else if (k == "pkts_toserver") {
        pkts_ts = u64(field.value);
      } else if (k == "pkts_toclient") {
        pkts_tc = u64(field.value);
      } else if (k == "bytes_toserver") {
        bytes_ts = u64(field.value);
      } else if (k == "bytes_toclient") {
        bytes_tc = u64(field.value);
      } else if (k == "action") {
        action = str(field.value);
      }
    }
    conn.ts = c.ts;
    int64_t start_s = 0, end_s = 0;
    double start_f = 0, end_f = 0;
    if (!start.empty()) {
      if (!parse_iso8601_parts(start, tz_, start_s, start_f)) return "flow.start is not ISO 8601";
      conn.ts = double(start_s) + start_f;
    }
    const bool has_end = !start.empty() && parse_iso8601_parts(end, tz_, end_s, end_f);
    conn.duration = has_end ? double(end_s - start_s) + (end_f - start_f) : 0;
    conn.has_duration = has_end && conn.duration >= 0;
    if (!conn.has_duration) conn.duration = 0;
    conn.orig_h = c.src;
    conn.resp_h = c.dst;
    conn.ip_proto = c.proto;
    conn.orig_p = c.src_port;
    conn.resp_p = c.dest_port;
    if (c.proto == kProtoIcmp || c.proto == kProtoIcmp6) {  // Zeek: type, then code/counterpart
      conn.orig_p = uint16_t(c.icmp_type < 0 ? 0 : c.icmp_type);
      conn.resp_p = uint16_t(c.response_icmp_type >= 0 ? c.response_icmp_type
                             : c.icmp_code >= 0        ? c.icmp_code
                                                       : 0);
    }
    conn.state = state_of(c, pkts_ts, pkts_tc);
    conn.action = action == "drop" || action == "blocked" ? Action::blocked : Action::unknown;
    conn.has_counts = true;
    conn.orig_pkts = pkts_ts;
    conn.resp_pkts = pkts_tc;
    // Suricata's byte counters add up whole captured frames, link header included (a lone
    // Ethernet SYN counts 66), so they are not Zeek's payload orig_bytes/resp_bytes, which stay
    // unknown. They are kept as the IP byte counts, overstated by the link header per packet.
    conn.has_bytes = false;
    conn.orig_bytes = conn.resp_bytes = conn.missed_bytes = 0;
    conn.orig_ip_bytes = bytes_ts;
    conn.resp_ip_bytes = bytes_tc;
    conn.uid.clear();
    conn.history.clear();
    conn.service.clear();
    conn.tunnel_parents.clear();
    conn.first = conn.last = prov_;
    sink_.on_connection(conn);
    return nullptr;
  }

  static void add_answer(std::string_view rrtype, std::string_view rdata, DnsEvent& ev) {
    if (rrtype == "A" || rrtype == "AAAA") {
      if (auto a = parse_address(rdata)) ev.addresses.push_back(*a);
    } else if (rrtype == "CNAME") {
      ev.cnames.emplace_back(rdata);
    }
  }

  // Answers come as v1 (one event per record: rrtype/rdata beside rrname), v2 "answers" (a list
  // of records) and/or "grouped" (rdata by type), or v3 with the question in "queries".
  Why dns(Common& c) {
    std::string_view type, rrname, rrtype, rdata, rcode;
    element answers, grouped, queries;
    bool has_answers = false, has_grouped = false, has_queries = false;
    for (auto field : object(c.dns)) {
      const std::string_view k = field.key;
      if (k == "type") {
        type = str(field.value);
      } else if (k == "rrname") {
        rrname = str(field.value);
      } else if (k == "rrtype") {
        rrtype = str(field.value);
      } else if (k == "rdata") {
        rdata = str(field.value);
      } else if (k == "rcode") {
        rcode = str(field.value);
      } else if (k == "answers" && field.value.is_array()) {
        answers = field.value;
        has_answers = true;
      } else if (k == "grouped" && field.value.is_object()) {
        grouped = field.value;
        has_grouped = true;
      } else if (k == "queries" && field.value.is_array()) {
        queries = field.value;
        has_queries = true;
      }
    }
    // A query event is followed by its answer event, which names the query again; emitting
    // both would count every lookup twice.
    if (type != "answer" && type != "response") return nullptr;
    if (Why why = resolve_endpoints(c)) return why;
    DnsEvent& ev = dns_;
    ev.ts = c.ts;
    // Older Suricata logs an answer in the direction of its packet: keep the client as client.
    const bool from_server = c.src_port == 53 && c.dest_port != 53;
    ev.client = from_server ? c.dst : c.src;
    ev.server = from_server ? c.src : c.dst;
    ev.query = rrname;
    ev.qtype = rrtype_number(rrtype);
    if (has_queries) {
      for (element q : array(queries)) {
        object qo;
        if (q.get_object().get(qo)) continue;
        ev.query = str(qo["rrname"]);
        ev.qtype = rrtype_number(str(qo["rrtype"]));
        break;
      }
    }
    ev.rcode = rcode;
    ev.addresses.clear();
    ev.cnames.clear();
    if (has_answers) {
      for (element a : array(answers)) {
        object ao;
        if (a.get_object().get(ao)) continue;
        add_answer(str(ao["rrtype"]), str(ao["rdata"]), ev);
      }
    } else if (has_grouped) {
      for (auto group : object(grouped)) {
        if (!group.value.is_array()) continue;
        for (element r : array(group.value)) add_answer(group.key, str(r), ev);
      }
    } else if (!rdata.empty()) {
      add_answer(rrtype, rdata, ev);
    }
    ev.prov = prov_;
    sink_.on_dns(ev);
    return nullptr;
  }

  Why http(Common& c) {
    if (Why why = resolve_endpoints(c)) return why;
    HttpEvent& ev = http_;
    ev.ts = c.ts;
    ev.client = c.src;
    ev.server = c.dst;
    ev.server_port = c.dest_port;
    ev.method = {};
    ev.url = {};
    ev.host = {};
    ev.user_agent = {};
    ev.content_type = {};
    ev.status = 0;
    ev.bytes = 0;
    for (auto field : object(c.http)) {
      const std::string_view k = field.key;
      if (k == "hostname") {
        ev.host = str(field.value);
      } else if (k == "url") {
        ev.url = str(field.value);
      } else if (k == "http_method") {
        ev.method = str(field.value);
      } else if (k == "http_user_agent") {
        ev.user_agent = str(field.value);
      } else if (k == "http_content_type") {
        ev.content_type = str(field.value);
      } else if (k == "status") {
        ev.status = int(u64(field.value) & 0xffff);
      } else if (k == "length") {
        ev.bytes = u64(field.value);
      }
    }
    ev.prov = prov_;
    sink_.on_http(ev);
    return nullptr;
  }

  Why tls(Common& c) {
    std::string_view sni;
    for (auto field : object(c.tls)) {
      if (field.key == "sni") sni = str(field.value);
    }
    if (sni.empty()) return nullptr;  // a record, but no name to report
    if (Why why = resolve_endpoints(c)) return why;
    NameEvent& ev = name_;
    ev.ts = c.ts;
    ev.client = c.src;
    ev.server = c.dst;
    ev.server_port = c.dest_port;
    ev.name = sni;
    ev.prov = prov_;
    sink_.on_name(ev);
    return nullptr;
  }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  absl::TimeZone tz_;
  simdjson::dom::parser parser_;
  std::vector<char> buf_;
  std::string error_;
  Provenance prov_;
  // Reused from line to line so that their strings keep their capacity.
  AlertEvent alert_;
  Connection conn_;
  DnsEvent dns_;
  HttpEvent http_;
  NameEvent name_;
};

}  // namespace

bool parse_iso8601(std::string_view s, const absl::TimeZone& local, double& out) {
  int64_t secs = 0;
  double frac = 0;
  if (!parse_iso8601_parts(s, local, secs, frac)) return false;
  out = double(secs) + frac;
  return true;
}

int sniff_eve(std::string_view head) {
  size_t considered = 0, matched = 0;
  while (!head.empty() && considered < 20) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    ++considered;
    if (line.front() == '{' && line.back() == '}' &&
        line.find("\"event_type\"") != std::string_view::npos &&
        line.find("\"timestamp\"") != std::string_view::npos) {
      ++matched;
    }
  }
  if (matched == 0) return 0;
  if (matched == considered) return considered >= 3 ? 95 : 85;
  const double ratio = double(matched) / double(considered);
  return ratio >= 0.5 ? int(ratio * 90) : int(ratio * 40);
}

void read_eve(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  EveReader reader(ctx, sink, report);
  std::string_view line;
  while (lines.next(line)) {
    if (lines.overlong()) {
      report.reject(lines.line_number(), lines.line_offset(), "line too long");
      continue;
    }
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) continue;
    if (Why why = reader.line(line, lines.line_number())) {
      report.reject(lines.line_number(), lines.line_offset(), why);
    }
  }
}

}  // namespace callhome
