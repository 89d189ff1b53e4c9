#include "logs/iptables_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "logs/fw_text.h"
#include "logs/syslog_header.h"

namespace callhome {
namespace {

constexpr size_t npos = std::string_view::npos;

// The keys are literals: a fixed-length loop the compiler unrolls, no library call.
template <size_t N>
bool has_key_at(std::string_view s, size_t i, const char (&key)[N]) {
  if (s.size() - i < N - 1) return false;
  for (size_t k = 0; k < N - 1; ++k) {
    if (s[i + k] != key[k]) return false;
  }
  return true;
}

// "KEY=" at a token start at or after `from`. memchr on the key's first letter skips the long
// MAC= value and the TOS/TTL/ID run in a few vector steps instead of token by token.
template <size_t N>
size_t find_key(std::string_view s, size_t from, const char (&key)[N]) {
  while (from < s.size()) {
    const void* hit = std::memchr(s.data() + from, key[0], s.size() - from);
    if (!hit) return npos;
    const size_t i = size_t(static_cast<const char*>(hit) - s.data());
    if (has_key_at(s, i, key) && (i == 0 || s[i - 1] == ' ' || s[i - 1] == ']')) return i;
    from = i + 1;
  }
  return npos;
}

using fw::token_end;

// "KEY=value" expected as the token at `pos` (netfilter prints its fields in a fixed order);
// searched for further on when an optional field sat in between. Leaves `pos` at the next
// token.
template <size_t N>
bool expect(std::string_view s, size_t& pos, const char (&key)[N], std::string_view& value,
            size_t limit = npos) {
  size_t i = pos;
  if (!has_key_at(s, i, key)) {
    i = find_key(s, pos, key);
    if (i == npos || i >= limit) return false;
  }
  const size_t v = i + N - 1;
  const size_t end = token_end(s, v);
  value = std::string_view(s.data() + v, end - v);
  pos = end < s.size() ? end + 1 : end;
  return true;
}

bool looks_netfilter(std::string_view line) {
  return line.find("IN=") != npos && line.find("SRC=") != npos && line.find(" DST=") != npos &&
         line.find(" PROTO=") != npos;
}

// Where "IN=" starts the netfilter fields in `msg` (at the start, after a space, a ']' or a
// ':' of a prefix written without a trailing space).
size_t find_in(std::string_view msg) {
  size_t from = 0;
  while (true) {
    const size_t i = msg.find("IN=", from);
    if (i == npos) return npos;
    if (i == 0 || msg[i - 1] == ' ' || msg[i - 1] == ']' || msg[i - 1] == ':') return i;
    from = i + 3;
  }
}

// The text after a leading kernel uptime stamp "[ 1234.567890] ", if there is one.
std::string_view skip_uptime(std::string_view s) {
  if (s.empty() || s.front() != '[') return s;
  size_t i = 1;
  while (i < s.size() && (s[i] == ' ' || fw::is_digit(s[i]) || s[i] == '.')) ++i;
  if (i < 3 || i >= s.size() || s[i] != ']') return s;
  ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// A file interleaves a handful of prefixes ("[UFW BLOCK]", "[UFW ALLOW]" ...): each is
// classified once and found again by comparison.
class VerdictCache {
 public:
  Action lookup(std::string_view prefix, std::string_view tag) {
    for (auto& e : entries_) {
      if (e.used && e.prefix == prefix && e.tag == tag) return e.action;
    }
    Entry& e = entries_[next_++ % entries_.size()];
    e.used = true;
    e.prefix.assign(prefix);
    e.tag.assign(tag);
    e.action = netfilter_action(prefix);
    if (e.action == Action::unknown) e.action = netfilter_action(tag);
    return e.action;
  }

 private:
  struct Entry {
    bool used = false;
    std::string prefix, tag;
    Action action = Action::unknown;
  };
  std::array<Entry, 8> entries_;
  size_t next_ = 0;
};

}  // namespace

Action netfilter_action(std::string_view prefix) {
  Action result = Action::unknown;
  size_t i = 0;
  while (i < prefix.size()) {
    const auto alnum = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (!alnum(prefix[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < prefix.size() && alnum(prefix[j])) ++j;
    const std::string_view word = prefix.substr(i, j - i);
    Action a = fw::action_from_word(word);
    // UniFi/EdgeOS rule tags end in -A (accept), -D (drop) or -R (reject): "[WAN_IN-3001-D]".
    if (word.size() == 1 && i > 0 && prefix[i - 1] == '-' && j < prefix.size() &&
        prefix[j] == ']') {
      if (word[0] == 'A') a = Action::allowed;
      if (word[0] == 'D' || word[0] == 'R') a = Action::blocked;
    }
    if (a != Action::unknown) result = a;  // the word nearest the fields wins
    i = j;
  }
  return result;
}

int sniff_iptables(std::string_view head) {
  InputReport scratch;
  ReadContext ctx;
  ctx.year = 2000;  // sniffing needs no real year
  SyslogHeaderParser parser(ctx, scratch);
  int lines = 0, stamped = 0, bare = 0;
  size_t pos = 0;
  SyslogLine sl;
  for (int seen = 0; pos < head.size() && seen < 400; ++seen) {
    size_t nl = head.find('\n', pos);
    if (nl == npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto r = parser.parse(line, 0, sl);
    if (r == SyslogHeaderParser::Result::consumed || line.empty()) continue;
    ++lines;
    if (!looks_netfilter(line)) continue;
    if (r == SyslogHeaderParser::Result::message && find_in(sl.msg) != npos) {
      ++stamped;
    } else {
      ++bare;
    }
  }
  if (stamped == 0) {
    // Kernel lines with only an uptime stamp (bare dmesg): ours, though every line will be
    // rejected for want of a wall-clock time; better said than "unrecognised format".
    return bare * 2 >= lines && bare > 0 ? 40 : 0;
  }
  if (stamped * 2 >= lines) return stamped >= 2 ? 90 : 80;
  if (stamped * 10 >= lines) return 60;  // a kern.log: netfilter among other kernel messages
  return stamped >= 3 ? 30 : 10;
}

void read_iptables(LineReader& lines, const ReadContext& ctx, EventSink& sink,
                   InputReport& report) {
  SyslogHeaderParser parser(ctx, report);
  SyslogLine sl;
  Connection c = fw::line_connection(ctx.input_index, 0);
  VerdictCache verdicts;
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
      if (looks_netfilter(line)) {
        report.reject(n, lines.line_offset(), "netfilter line without a wall-clock timestamp");
      }
      continue;  // anything else in the file (other daemons, blank lines) is not ours
    }
    const std::string_view msg = sl.msg;
    const size_t in = find_in(msg);
    if (in == npos) continue;  // another kernel or daemon message in the same log

    std::string_view src, dst, len, proto;
    size_t p = in;
    const size_t src_at = find_key(msg, in, "SRC=");
    if (src_at == npos) {
      report.reject(n, lines.line_offset(), "netfilter line without SRC=");
      continue;
    }
    p = src_at;
    if (!expect(msg, p, "SRC=", src) || !expect(msg, p, "DST=", dst) ||
        !expect(msg, p, "LEN=", len) || !expect(msg, p, "PROTO=", proto)) {
      report.reject(n, lines.line_offset(), "netfilter line without DST=, LEN= or PROTO=");
      continue;
    }
    if (!fw::parse_ip(src, c.orig_h) || !fw::parse_ip(dst, c.resp_h)) {
      report.reject(n, lines.line_offset(), "SRC= or DST= is not an IP address");
      continue;
    }
    const int proto_number = fw::proto_from_name(proto);
    if (proto_number < 0) {
      report.reject(n, lines.line_offset(), "PROTO= names no IP protocol");
      continue;
    }
    c.ip_proto = uint8_t(proto_number);
    c.orig_p = c.resp_p = 0;
    c.history.clear();
    // The packet an ICMP error quotes follows in brackets; its fields are not this packet's.
    const size_t quoted = msg.find('[', p);
    bool ok = true;
    const char* why = nullptr;
    switch (c.ip_proto) {
      case kProtoTcp:
      case kProtoUdp:
      case 132:   // SCTP
      case 136:   // UDP-Lite
      case 33: {  // DCCP
        std::string_view spt, dpt;
        if (!expect(msg, p, "SPT=", spt, quoted) || !expect(msg, p, "DPT=", dpt, quoted)) {
          ok = false;
          why = msg.find("INCOMPLETE", p) != npos ? "truncated packet: no ports logged"
                                                  : "no SPT=/DPT= (a non-first fragment?)";
          break;
        }
        if (!fw::parse_uint(spt, c.orig_p) || !fw::parse_uint(dpt, c.resp_p)) {
          ok = false;
          why = "SPT= or DPT= is not a port number";
          break;
        }
        if (c.ip_proto == kProtoTcp) {
          // Flags follow "RES=0x00" up to "URGP=": the letters of Zeek's history.
          bool syn = false, ack = false, fin = false, rst = false;
          size_t t = p;
          const size_t end = quoted == npos ? msg.size() : quoted;
          while (t < end) {
            const size_t e = std::min(token_end(msg, t), end);
            if (e - t == 3) {
              const char* f = msg.data() + t;
              syn |= f[0] == 'S' && f[1] == 'Y' && f[2] == 'N';
              ack |= f[0] == 'A' && f[1] == 'C' && f[2] == 'K';
              fin |= f[0] == 'F' && f[1] == 'I' && f[2] == 'N';
              rst |= f[0] == 'R' && f[1] == 'S' && f[2] == 'T';
            } else if (has_key_at(msg, t, "URGP=")) {
              break;
            }
            t = e + 1;
          }
          c.history = fw::tcp_history(syn, ack, fin, rst);
        }
        break;
      }
      case kProtoIcmp:
      case kProtoIcmp6: {
        std::string_view type, code;
        unsigned t = 0, k = 0;
        if (!expect(msg, p, "TYPE=", type, quoted) || !expect(msg, p, "CODE=", code, quoted) ||
            !fw::parse_uint(type, t) || !fw::parse_uint(code, k) || t > 255 || k > 255) {
          ok = false;
          why = "ICMP line without a valid TYPE= and CODE=";
          break;
        }
        fw::icmp_ports(c.ip_proto == kProtoIcmp6, t, k, c.orig_p, c.resp_p);
        break;
      }
      default:
        break;  // ESP, AH, GRE ...: no ports
    }
    if (!ok) {
      report.reject(n, lines.line_offset(), why);
      continue;
    }
    // One line is one packet: what this record knows is that packet, LEN bytes of IP.
    uint64_t ip_len = 0;
    c.has_counts = fw::parse_uint(len, ip_len);
    c.orig_pkts = c.has_counts ? 1 : 0;
    c.orig_ip_bytes = ip_len;
    // The verdict is in the log prefix before IN=, or in a tag such as "DENY:" when the line
    // has no other. The kernel's uptime stamp ("[ 1234.567890]") changes on every line and
    // says nothing, so it is left out and the rest classified once per distinct prefix.
    const char* tag_start = sl.host.empty() ? sl.after_ts.data() : sl.host.data() + sl.host.size();
    const std::string_view tag(tag_start, size_t(msg.data() - tag_start));
    const std::string_view prefix = skip_uptime(msg.substr(0, in));
    c.action = verdicts.lookup(prefix, tag);
    c.ts = sl.ts;
    c.first = c.last = Provenance{ctx.input_index, n};
    ++report.records;
    report.saw_time(c.ts);
    sink.on_connection(c);
  }
}

}  // namespace callhome
