#include "logs/filterlog_reader.h"

#include <array>
#include <span>

#include "logs/fw_text.h"
#include "logs/syslog_header.h"

namespace callhome {
namespace {

constexpr size_t kMaxFields = 48;

struct Fields {
  std::array<std::string_view, kMaxFields> f;
  size_t n = 0;
  std::string_view operator[](size_t i) const { return i < n ? f[i] : std::string_view(); }
};

// Splits on commas; a record with more fields than we keep simply loses its tail (TCP options,
// IPv6 option lists), which we never read.
void split_csv(std::string_view s, Fields& out) {
  out.n = 0;
  size_t start = 0;
  while (out.n < kMaxFields) {
    size_t i = start;
    while (i < s.size() && s[i] != ',') ++i;
    out.f[out.n++] = s.substr(start, i - start);
    if (i >= s.size()) break;
    start = i + 1;
  }
}

bool is_filterlog(const SyslogLine& sl) {
  return sl.tag == "filterlog";
}

// The common fields are plausible: numeric rule, a known action and direction, IP version.
bool plausible(const Fields& f) {
  if (f.n < 9) return false;
  const std::string_view dir = f[7], ver = f[8];
  return (ver == "4" || ver == "6") && (dir == "in" || dir == "out" || dir == "in/out") &&
         !f[6].empty() && !f[0].empty() && fw::is_digit(f[0].front());
}

struct NamedCode {
  std::string_view name;
  int value;
};

// pf.conf icmp-type / icmp6-type keywords (OPNsense's current filterlog prints these).
int pf_icmp_type(std::string_view s, bool v6) {
  static constexpr NamedCode kV4[] = {
      {"echorep", 0},    {"unreach", 3},    {"squench", 4},    {"redir", 5},     {"althost", 6},
      {"echoreq", 8},    {"routeradv", 9},  {"routersol", 10}, {"timex", 11},    {"paramprob", 12},
      {"timereq", 13},   {"timerep", 14},   {"inforeq", 15},   {"inforep", 16},  {"maskreq", 17},
      {"maskrep", 18},   {"trace", 30},     {"dataconv", 31},  {"mobredir", 32}, {"ipv6-where", 33},
      {"ipv6-here", 34}, {"mobregreq", 35}, {"mobregrep", 36}, {"skip", 39},     {"photuris", 40},
  };
  static constexpr NamedCode kV6[] = {
      {"unreach", 1},       {"toobig", 2},       {"timex", 3},        {"paramprob", 4},
      {"echoreq", 128},     {"echorep", 129},    {"groupqry", 130},   {"listqry", 130},
      {"grouprep", 131},    {"listenrep", 131},  {"groupterm", 132},  {"listendone", 132},
      {"routersol", 133},   {"routeradv", 134},  {"neighbrsol", 135}, {"neighbradv", 136},
      {"redir", 137},       {"routrrenum", 138}, {"wrureq", 139},     {"wrurep", 140},
      {"fqdnreq", 139},     {"fqdnrep", 140},    {"niqry", 139},      {"nirep", 140},
      {"listenrepv2", 143}, {"mtraceresp", 200}, {"mtrace", 201},
  };
  if (s.starts_with("unknown(") && s.ends_with(")")) {
    unsigned n = 0;
    return fw::parse_uint(s.substr(8, s.size() - 9), n) && n <= 255 ? int(n) : -1;
  }
  unsigned n = 0;
  if (fw::parse_uint(s, n)) return n <= 255 ? int(n) : -1;
  for (const auto& e : v6 ? std::span<const NamedCode>(kV6) : std::span<const NamedCode>(kV4)) {
    if (s == e.name) return e.value;
  }
  return -1;
}

int pf_icmp_code(std::string_view s, bool v6) {
  static constexpr NamedCode kCodes[] = {
      {"net-unr", 0},    {"host-unr", 1},       {"proto-unr", 2},     {"port-unr", 3},
      {"needfrag", 4},   {"srcfail", 5},        {"net-unk", 6},       {"host-unk", 7},
      {"isolate", 8},    {"net-prohib", 9},     {"host-prohib", 10},  {"net-tos", 11},
      {"host-tos", 12},  {"filter-prohib", 13}, {"host-preced", 14},  {"cutoff-preced", 15},
      {"redir-net", 0},  {"redir-host", 1},     {"redir-tos-net", 2}, {"redir-tos-host", 3},
      {"normal-adv", 0}, {"common-adv", 16},    {"transit", 0},       {"reassemb", 1},
      {"badhead", 0},    {"optmiss", 1},        {"badlen", 2},        {"unknown-ind", 1},
      {"auth-fail", 2},  {"decrypt-fail", 3},   {"noroute-unr", 0},   {"admin-unr", 1},
      {"beyond-unr", 2}, {"addr-unr", 3},       {"nxthdr", 1},        {"redironlink", 0},
  };
  if (s.empty()) return 0;
  unsigned n = 0;
  if (fw::parse_uint(s, n)) return n <= 255 ? int(n) : -1;
  if (v6 && s == "port-unr") return 4;  // ICMPv6 numbers its unreachable codes differently
  for (const auto& e : kCodes) {
    if (s == e.name) return e.value;
  }
  return -1;
}

// pfSense's ICMP text (tcpdump-derived): a word for the type, for some types followed by
// fields or a description that names the code.
bool pfsense_icmp(const Fields& f, size_t at, unsigned& type, unsigned& code) {
  const std::string_view t = fw::trim(f[at]);
  const std::string_view next = f[at + 1];
  const auto contains = [](std::string_view s, std::string_view w) {
    return s.find(w) != std::string_view::npos;
  };
  code = 0;
  if (t == "request" || t == "echo request") {
    type = 8;
  } else if (t == "reply" || t == "echo reply") {
    type = 0;
  } else if (t == "unreachproto") {
    type = 3, code = 2;
  } else if (t == "unreachport") {
    type = 3, code = 3;
  } else if (t == "needfrag") {
    type = 3, code = 4;
  } else if (t == "unreach") {
    type = 3;
    // "host 1.2.3.4 unreachable - admin prohibited filter" and the like.
    const bool host = next.starts_with("host");
    if (contains(next, "admin prohibited filter"))
      code = 13;
    else if (contains(next, "admin prohibited"))
      code = host ? 10 : 9;
    else if (contains(next, "source route failed"))
      code = 5;
    else if (contains(next, "unknown"))
      code = host ? 7 : 6;
    else if (contains(next, "source host isolated"))
      code = 8;
    else if (contains(next, "tos prohibited"))
      code = host ? 12 : 11;
    else if (contains(next, "precedence violation"))
      code = 14;
    else if (contains(next, "precedence cutoff"))
      code = 15;
    else
      code = host ? 1 : 0;
  } else if (t == "redirect") {
    type = 5;
    code = (next.starts_with("redirect-tos") ? 2 : 0) + (contains(next, " to host ") ? 1 : 0);
  } else if (t.starts_with("routeradv")) {
    type = 9;
  } else if (t == "timexceed" || t == "timeexceed") {
    type = 11;
    code = contains(next, "reassembly") ? 1 : 0;
  } else if (t == "paramprob") {
    type = 12;
  } else if (t == "maskreply" || t == "address mask reply") {
    type = 18;
  } else if (t == "address mask request") {
    type = 17;
  } else if (t == "tstamp" || t == "time stamp request") {
    type = 13;
  } else if (t == "tstampreply" || t == "time stamp reply") {
    type = 14;
  } else if (t == "source quench") {
    type = 4;
  } else if (t == "router solicitation") {
    type = 10;
  } else if (t == "information request") {
    type = 15;
  } else if (t == "information reply") {
    type = 16;
  } else {
    return false;  // "type-??" and anything newer: the type is not said
  }
  return true;
}

// Parses one filterlog CSV record into `c` (addresses, ports, protocol, action, counts).
// Returns nullptr or why the record is unusable.
const char* parse_record(const Fields& f, Connection& c) {
  if (!plausible(f)) return "not a filterlog record (rule,...,action,direction,ipversion)";
  const bool v6 = f[8] == "6";
  size_t at;  // first protocol-specific field
  std::string_view proto_num, proto_name, length, src, dst;
  if (!v6) {
    if (f.n < 20) return "IPv4 record with too few fields";
    proto_num = f[15], proto_name = f[16], length = f[17], src = f[18], dst = f[19];
    at = 20;
  } else {
    if (f.n < 17) return "IPv6 record with too few fields";
    proto_name = f[12], proto_num = f[13], length = f[14], src = f[15], dst = f[16];
    at = 17;
  }
  int proto = fw::proto_from_name(proto_num);
  if (proto < 0) proto = fw::proto_from_name(proto_name);
  if (proto < 0) return "protocol is neither a number nor a known name";
  if (!fw::parse_ip(src, c.orig_h) || !fw::parse_ip(dst, c.resp_h)) {
    return "source or destination is not an IP address";
  }
  c.ip_proto = uint8_t(proto);
  c.orig_p = c.resp_p = 0;
  c.history.clear();
  switch (c.ip_proto) {
    case kProtoTcp:
    case kProtoUdp:
    case 132:  // SCTP
      if (!fw::parse_uint(f[at], c.orig_p) || !fw::parse_uint(f[at + 1], c.resp_p)) {
        return "TCP/UDP record without numeric ports";
      }
      if (c.ip_proto == kProtoTcp && f.n > at + 3) {
        const std::string_view flags = f[at + 3];
        const auto has = [&](char ch) { return flags.find(ch) != std::string_view::npos; };
        c.history = fw::tcp_history(has('S'), has('A'), has('F'), has('R'));
      }
      break;
    case kProtoIcmp:
    case kProtoIcmp6: {
      unsigned type = 0, code = 0;
      if (f[at].starts_with("datalength=")) {
        // OPNsense: datalength=N,type,code,id,seq,mtu (type/code as pf.conf keywords).
        const int t = pf_icmp_type(f[at + 1], v6);
        const int k = pf_icmp_code(f[at + 2], v6);
        if (t >= 0) {
          type = unsigned(t);
          code = k >= 0 ? unsigned(k) : 0;
          fw::icmp_ports(v6, type, code, c.orig_p, c.resp_p);
        }
      } else if (!v6 && pfsense_icmp(f, at, type, code)) {
        fw::icmp_ports(false, type, code, c.orig_p, c.resp_p);
      }
      // Otherwise the type is not logged (pfSense prints nothing for ICMPv6): ports stay 0.
      break;
    }
    default:
      break;
  }
  uint64_t len = 0;
  c.has_counts = fw::parse_uint(length, len);
  c.orig_pkts = c.has_counts ? 1 : 0;
  c.orig_ip_bytes = len;
  c.action = fw::action_from_word(f[6]);
  return nullptr;
}

}  // namespace

int sniff_filterlog(std::string_view head) {
  InputReport scratch;
  ReadContext ctx;
  ctx.year = 2000;
  SyslogHeaderParser parser(ctx, scratch);
  SyslogLine sl;
  Fields f;
  int lines = 0, hits = 0;
  size_t pos = 0;
  for (int seen = 0; pos < head.size() && seen < 400; ++seen) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto r = parser.parse(line, 0, sl);
    if (r == SyslogHeaderParser::Result::consumed) continue;
    ++lines;
    if (r != SyslogHeaderParser::Result::message || !is_filterlog(sl)) continue;
    split_csv(sl.msg, f);
    hits += plausible(f);
  }
  if (hits == 0) return 0;
  if (hits * 2 >= lines) return hits >= 2 ? 95 : 85;
  if (hits * 10 >= lines) return 70;  // a whole pfSense system log with its filter lines
  return hits >= 3 ? 35 : 10;
}

void read_filterlog(LineReader& lines, const ReadContext& ctx, EventSink& sink,
                    InputReport& report) {
  SyslogHeaderParser parser(ctx, report);
  SyslogLine sl;
  Fields f;
  Connection c = fw::line_connection(ctx.input_index, 0);
  std::string_view line;
  while (lines.next(line)) {
    const uint64_t n = lines.line_number();
    if (lines.overlong()) {
      report.reject(n, lines.line_offset(), "line longer than the reader's limit");
      continue;
    }
    const auto r = parser.parse(line, n, sl);
    if (r == SyslogHeaderParser::Result::consumed) continue;
    if (r == SyslogHeaderParser::Result::none) {
      if (line.find("filterlog") != std::string_view::npos) {
        report.reject(n, lines.line_offset(), "filterlog line without a syslog timestamp");
      }
      continue;
    }
    if (!is_filterlog(sl)) continue;  // the rest of a pfSense system log is not ours
    split_csv(sl.msg, f);
    if (const char* why = parse_record(f, c)) {
      report.reject(n, lines.line_offset(), why);
      continue;
    }
    c.ts = sl.ts;
    c.first = c.last = Provenance{ctx.input_index, n};
    ++report.records;
    report.saw_time(c.ts);
    sink.on_connection(c);
  }
}

}  // namespace callhome
