#include "logs/snort_reader.h"

#include <absl/time/civil_time.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include <charconv>
#include <optional>
#include <string>

namespace callhome {
namespace {

using Why = const char*;  // reason a line is rejected; nullptr when it was used

constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

template <typename T>
bool parse_uint(std::string_view s, T& out) {
  if (s.empty() || !is_digit(s[0])) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool icontains(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::optional<Address> parse_address(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return std::nullopt;  // inet_pton stops at NUL
  return Address::parse(s);
}

// "{TCP}", Snort 2's "{PROTO:041}" for protocols it has no name for, Suricata's "{6}".
// Unknown names give 0: the alert still counts, its protocol is just not known.
uint8_t parse_proto(std::string_view s) {
  struct Name {
    std::string_view name;
    uint8_t number;
  };
  static constexpr Name kNames[] = {{"TCP", kProtoTcp},
                                    {"UDP", kProtoUdp},
                                    {"ICMP", kProtoIcmp},
                                    {"IPV6-ICMP", kProtoIcmp6},
                                    {"ICMPV6", kProtoIcmp6},
                                    {"ICMP6", kProtoIcmp6},
                                    {"SCTP", 132},
                                    {"IGMP", 2},
                                    {"GRE", 47},
                                    {"ESP", 50},
                                    {"AH", 51},
                                    {"PIM", 103}};
  for (const auto& n : kNames) {
    if (iequals(s, n.name)) return n.number;
  }
  if (s.starts_with("PROTO:")) s.remove_prefix(6);
  if (s.starts_with("PROTO")) s.remove_prefix(5);
  unsigned n = 0;
  return parse_uint(s, n) && n <= 255 ? uint8_t(n) : 0;
}

bool has_ports(uint8_t proto) {
  return proto == kProtoTcp || proto == kProtoUdp || proto == 132 || proto == 33;
}

// "a.b.c.d:port", "a.b.c.d" (ICMP), "2001:db8::1:80" (IPv6 port after the last colon),
// "[2001:db8::1]:80". Whether a port follows depends on the protocol: without ports an IPv6
// address must not lose its last group.
bool parse_endpoint(std::string_view s, uint8_t proto, Address& addr, uint16_t& port) {
  port = 0;
  if (s.starts_with('[')) {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    auto a = parse_address(s.substr(1, close - 1));
    const std::string_view rest = s.substr(close + 1);
    if (!a || (!rest.empty() && !(rest.starts_with(':') && parse_uint(rest.substr(1), port)))) {
      return false;
    }
    addr = *a;
    return true;
  }
  const bool ports = has_ports(proto);
  if (!ports) {
    if (auto a = parse_address(s)) {
      addr = *a;
      return true;
    }
  }
  if (const size_t colon = s.rfind(':'); colon != std::string_view::npos) {
    auto a = parse_address(s.substr(0, colon));
    if (a && parse_uint(s.substr(colon + 1), port)) {
      addr = *a;
      return true;
    }
  }
  port = 0;
  if (auto a = parse_address(s)) {  // a TCP/UDP fragment is logged without ports
    addr = *a;
    return true;
  }
  return false;
}

// The time at the head of an alert: MM/DD[/YY|/YYYY]-HH:MM:SS[.fraction].
struct Stamp {
  int year = 0;  // 0: the line has none
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  double fraction = 0;
};

bool two_digits(std::string_view s, size_t at, int& out) {
  if (at + 2 > s.size() || !is_digit(s[at]) || !is_digit(s[at + 1])) return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

bool parse_stamp(std::string_view s, Stamp& st) {
  st = Stamp{};
  if (!two_digits(s, 0, st.month) || s.size() < 3 || s[2] != '/' || !two_digits(s, 3, st.day)) {
    return false;
  }
  size_t pos = 5;
  if (pos < s.size() && s[pos] == '/') {
    const size_t dash = s.find('-', pos);
    if (dash == std::string_view::npos) return false;
    const std::string_view y = s.substr(pos + 1, dash - pos - 1);
    if ((y.size() != 2 && y.size() != 4) || !parse_uint(y, st.year)) return false;
    if (y.size() == 2) st.year += 2000;  // snort -y prints the year modulo 100
    pos = dash;
  }
  if (pos >= s.size() || s[pos] != '-' || !two_digits(s, pos + 1, st.hour) || pos + 3 >= s.size() ||
      s[pos + 3] != ':' || !two_digits(s, pos + 4, st.minute) || pos + 6 >= s.size() ||
      s[pos + 6] != ':' || !two_digits(s, pos + 7, st.second)) {
    return false;
  }
  pos += 9;
  if (pos < s.size()) {
    if (s[pos] != '.') return false;
    const std::string_view frac = s.substr(pos + 1);
    uint32_t value = 0;
    if (frac.size() > 9 || !parse_uint(frac, value)) return false;
    double scale = 1;
    for (size_t i = 0; i < frac.size(); ++i) scale *= 10;
    st.fraction = value / scale;
  }
  return st.month >= 1 && st.month <= 12 && st.day >= 1 && st.day <= 31 && st.hour <= 23 &&
         st.minute <= 59 && st.second <= 60;
}

// What an optional "[action]" before the first [**] says about the packet.
Action action_from(std::string_view a) {
  // Suricata's wDrop and Snort's "would drop": an IDS that did not block.
  if (icontains(a, "wdrop") || icontains(a, "would")) return Action::allowed;
  if (icontains(a, "drop") || icontains(a, "block") || icontains(a, "reject")) {
    return Action::blocked;
  }
  if (icontains(a, "pass") || icontains(a, "allow")) return Action::allowed;
  return Action::unknown;
}

// "[gid:sid:rev] msg [**]"; leaves `rest` after the closing [**]. Snort 3 quotes msg.
Why parse_rule_and_msg(std::string_view& rest, AlertEvent& ev) {
  if (!rest.starts_with('[')) return "no [gid:sid:rev]";
  const size_t close = rest.find(']');
  if (close == std::string_view::npos) return "no [gid:sid:rev]";
  std::string_view ids = rest.substr(1, close - 1);
  const size_t c1 = ids.find(':');
  const size_t c2 = c1 == std::string_view::npos ? c1 : ids.find(':', c1 + 1);
  if (c2 == std::string_view::npos || !parse_uint(ids.substr(0, c1), ev.gid) ||
      !parse_uint(ids.substr(c1 + 1, c2 - c1 - 1), ev.sid) ||
      !parse_uint(ids.substr(c2 + 1), ev.rev)) {
    return "rule id is not gid:sid:rev";
  }
  rest.remove_prefix(close + 1);
  const size_t end = rest.find("[**]");
  if (end == std::string_view::npos) return "message not closed by [**]";
  std::string_view msg = trim(rest.substr(0, end));
  if (msg.size() >= 2 && msg.front() == '"' && msg.back() == '"')
    msg = msg.substr(1, msg.size() - 2);
  if (msg == "(null)") msg = {};  // Suricata prints a missing msg that way
  ev.signature.assign(msg);
  rest = trim(rest.substr(end + 4));
  return nullptr;
}

// "[Classification: c] [Priority: n] [AppID: a]": takes what we know off the front of `rest`.
void parse_bracket_fields(std::string_view& rest, AlertEvent& ev) {
  while (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return;
    const std::string_view field = rest.substr(1, close - 1);
    if (field.starts_with("Classification:")) {
      const std::string_view c = trim(field.substr(15));
      ev.classification.assign(c == "(null)" ? std::string_view() : c);
    } else if (field.starts_with("Priority:")) {
      if (!parse_uint(trim(field.substr(9)), ev.priority)) ev.priority = 0;
    }
    rest = trim(rest.substr(close + 1));
  }
}

void clear_alert(AlertEvent& ev) {
  ev.src = ev.dst = Address{};
  ev.src_port = ev.dst_port = 0;
  ev.ip_proto = 0;
  ev.gid = 1;
  ev.sid = ev.rev = 0;
  ev.signature.clear();
  ev.classification.clear();
  ev.priority = 0;
  ev.action = Action::unknown;
}

// "src -> dst" for the given protocol.
Why parse_endpoints(std::string_view s, AlertEvent& ev) {
  const size_t arrow = s.find("->");
  if (arrow == std::string_view::npos) return "no src -> dst";
  if (!parse_endpoint(trim(s.substr(0, arrow)), ev.ip_proto, ev.src, ev.src_port) ||
      !parse_endpoint(trim(s.substr(arrow + 2)), ev.ip_proto, ev.dst, ev.dst_port)) {
    return "source or destination is not an address";
  }
  return nullptr;
}

// The body of a fast line after its time: [action] [**] [g:s:r] msg [**] [...] {P} src -> dst
Why parse_fast_body(std::string_view rest, AlertEvent& ev) {
  clear_alert(ev);
  rest = trim(rest);
  for (int i = 0; i < 2 && rest.starts_with('[') && !rest.starts_with("[**]"); ++i) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) break;
    ev.action = action_from(rest.substr(1, close - 1));
    rest = trim(rest.substr(close + 1));
  }
  if (!rest.starts_with("[**]")) return "no [**] after the time";
  rest = trim(rest.substr(4));
  if (Why why = parse_rule_and_msg(rest, ev)) return why;
  parse_bracket_fields(rest, ev);
  if (!rest.starts_with('{')) return "no {protocol}";
  const size_t close = rest.find('}');
  if (close == std::string_view::npos) return "no {protocol}";
  ev.ip_proto = parse_proto(rest.substr(1, close - 1));
  return parse_endpoints(rest.substr(close + 1), ev);
}

// Reads fast lines and full blocks alike; the sniffer runs it too, with a sink that drops all.
class AlertReader {
 public:
  AlertReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report), tz_(ctx.tz ? *ctx.tz : absl::UTCTimeZone()) {}

  void line(std::string_view raw, uint64_t number, uint64_t offset) {
    const std::string_view l = trim(raw);
    if (l.empty()) return end_block();
    if (l.starts_with("[**]")) {
      end_block();
      return start_block(l, number, offset);
    }
    switch (block_) {
      case Block::header:
        return block_second_line(l);
      case Block::addressed:
        return block_protocol_line(l);
      case Block::done:
        if (!looks_fast(l)) return;  // packet details of a full alert
        block_ = Block::none;
        break;
      case Block::none:
        break;
    }
    if (l.starts_with("=+=+")) return;  // Snort's separator between full alerts
    fast_line(l, number, offset);
  }

  void finish() { end_block(); }

 private:
  enum class Block { none, header, addressed, done };

  static bool looks_fast(std::string_view l) {
    return is_digit(l[0]) && l.find("[**]") != std::string_view::npos;
  }

  void fast_line(std::string_view l, uint64_t number, uint64_t offset) {
    size_t sp = 0;
    while (sp < l.size() && !is_blank(l[sp])) ++sp;
    Stamp st;
    if (!parse_stamp(l.substr(0, sp), st)) {
      return report_.reject(number, offset, "no MM/DD-HH:MM:SS.uuuuuu time at the start");
    }
    if (Why why = parse_fast_body(l.substr(sp), fast_)) return report_.reject(number, offset, why);
    emit(fast_, st, number, offset);
  }

  void start_block(std::string_view l, uint64_t number, uint64_t offset) {
    clear_alert(full_);
    full_line_ = number;
    full_offset_ = offset;
    std::string_view rest = trim(l.substr(4));
    if (Why why = parse_rule_and_msg(rest, full_)) {
      block_ = Block::done;  // skip its details
      return report_.reject(number, offset, why);
    }
    block_ = Block::header;
  }

  // "[Classification: ...] [Priority: n]" or the "time src -> dst" line.
  void block_second_line(std::string_view l) {
    if (l.starts_with('[')) return parse_bracket_fields(l, full_);
    size_t sp = 0;
    while (sp < l.size() && !is_blank(l[sp])) ++sp;
    if (!parse_stamp(l.substr(0, sp), full_stamp_)) {
      block_ = Block::done;
      return report_.reject(full_line_, full_offset_, "alert block without its time line");
    }
    const std::string_view endpoints = trim(l.substr(sp));
    const size_t arrow = endpoints.find("->");
    if (arrow == std::string_view::npos) {
      block_ = Block::done;
      return report_.reject(full_line_, full_offset_, "alert block without src -> dst");
    }
    full_src_.assign(trim(endpoints.substr(0, arrow)));
    full_dst_.assign(trim(endpoints.substr(arrow + 2)));
    block_ = Block::addressed;
  }

  // "TCP TTL:64 TOS:0x0 ...": the protocol decides whether the endpoints carry ports.
  void block_protocol_line(std::string_view l) {
    size_t sp = 0;
    while (sp < l.size() && !is_blank(l[sp])) ++sp;
    full_.ip_proto = parse_proto(l.substr(0, sp));
    finish_block();
  }

  void finish_block() {
    block_ = Block::done;
    if (!parse_endpoint(full_src_, full_.ip_proto, full_.src, full_.src_port) ||
        !parse_endpoint(full_dst_, full_.ip_proto, full_.dst, full_.dst_port)) {
      return report_.reject(full_line_, full_offset_, "source or destination is not an address");
    }
    emit(full_, full_stamp_, full_line_, full_offset_);
  }

  void end_block() {
    if (block_ == Block::header) {
      report_.reject(full_line_, full_offset_, "alert block without its time line");
    } else if (block_ == Block::addressed) {
      finish_block();  // no protocol line: ports are read where the text has them
    }
    block_ = Block::none;
  }

  // Lines without a year take the context's; a December-to-January step moves to the next year.
  int year_for(const Stamp& st) {
    if (st.year != 0) return st.year;
    report_.year_assumed = true;
    if (base_year_ == 0) {
      base_year_ = ctx_.year;
      if (base_year_ == 0) {
        base_year_ = absl::ToCivilYear(absl::Now(), tz_).year();
        report_.note(
            0, 0,
            "alert times carry no year and none was given: assumed " + std::to_string(base_year_));
      }
    }
    if (last_month_ == 12 && st.month == 1) ++rollover_;
    last_month_ = st.month;
    return base_year_ + rollover_;
  }

  void emit(AlertEvent& ev, const Stamp& st, uint64_t number, uint64_t offset) {
    const int year = year_for(st);
    const absl::CivilSecond civil(year, st.month, st.day, st.hour, st.minute, st.second);
    if (civil.month() != st.month || civil.day() != st.day) {
      return report_.reject(number, offset, "no such date");
    }
    ev.ts = double(absl::ToUnixSeconds(absl::FromCivil(civil, tz_))) + st.fraction;
    ev.prov = {ctx_.input_index, number};
    ++report_.records;
    report_.saw_time(ev.ts);
    sink_.on_alert(ev);
  }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  absl::TimeZone tz_;
  int base_year_ = 0, last_month_ = 0, rollover_ = 0;
  AlertEvent fast_;  // reused from line to line

  Block block_ = Block::none;  // where we are in an alert-full block
  AlertEvent full_;
  Stamp full_stamp_;
  std::string full_src_, full_dst_;
  uint64_t full_line_ = 0, full_offset_ = 0;
};

}  // namespace

int sniff_snort(std::string_view head) {
  EventSink drop;
  InputReport report;
  ReadContext ctx;
  ctx.year = 2000;  // a leap year, so that 02/29 reads
  AlertReader reader(ctx, drop, report);
  uint64_t number = 0;
  while (!head.empty() && report.records + report.rejected < 200) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    reader.line(line, ++number, 0);
  }
  reader.finish();
  const uint64_t matched = report.records, considered = report.records + report.rejected;
  if (matched == 0) return 0;
  if (matched == considered) return considered >= 3 ? 95 : 80;
  const double ratio = double(matched) / double(considered);
  return ratio >= 0.5 ? int(ratio * 90) : int(ratio * 40);  // one stray alert scores near 0
}

void read_snort(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  AlertReader reader(ctx, sink, report);
  std::string_view line;
  while (lines.next(line)) {
    if (lines.overlong()) {
      report.reject(lines.line_number(), lines.line_offset(), "line too long");
      continue;
    }
    reader.line(line, lines.line_number(), lines.line_offset());
  }
  reader.finish();
}

}  // namespace callhome
