#include "logs/winfw_reader.h"

#include <absl/container/flat_hash_map.h>

#include <array>
#include <deque>
#include <string>

#include "logs/fw_text.h"
#include "logs/syslog_header.h"

namespace callhome {
namespace {

enum Col : int {
  kDate,
  kTime,
  kAction,
  kProtocol,
  kSrcIp,
  kDstIp,
  kSrcPort,
  kDstPort,
  kSize,
  kTcpFlags,
  kIcmpType,
  kIcmpCode,
  kInfo,
  kPath,
  kColumns
};

constexpr size_t kMaxFields = 32;
constexpr size_t kMaxOpen = size_t(1) << 16;  // XP OPEN lines awaiting their CLOSE

struct Layout {
  std::array<int, kColumns> at;  // field index of each column, -1 when absent
  size_t fields = 0;             // how many fields #Fields declared
};

Layout default_layout() {
  // #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn
  //          tcpack tcpwin icmptype icmpcode info path
  Layout l;
  l.at = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16};
  l.fields = 17;
  return l;
}

bool parse_fields_header(std::string_view names, Layout& out) {
  static constexpr std::pair<std::string_view, Col> kNames[] = {
      {"date", kDate},    {"time", kTime},         {"action", kAction},     {"protocol", kProtocol},
      {"src-ip", kSrcIp}, {"dst-ip", kDstIp},      {"src-port", kSrcPort},  {"dst-port", kDstPort},
      {"size", kSize},    {"tcpflags", kTcpFlags}, {"icmptype", kIcmpType}, {"icmpcode", kIcmpCode},
      {"info", kInfo},    {"path", kPath},
  };
  Layout l;
  l.at.fill(-1);
  size_t i = 0;
  while (true) {
    names = fw::trim(names);
    if (names.empty()) break;
    size_t e = 0;
    while (e < names.size() && !fw::is_space(names[e])) ++e;
    const std::string_view name = names.substr(0, e);
    for (const auto& [n, col] : kNames) {
      if (fw::iequals(name, n)) l.at[col] = int(i);
    }
    ++i;
    names.remove_prefix(e);
  }
  l.fields = i;
  if (l.at[kDate] < 0 || l.at[kTime] < 0 || l.at[kAction] < 0 || l.at[kSrcIp] < 0 ||
      l.at[kDstIp] < 0) {
    return false;
  }
  out = l;
  return true;
}

size_t split_spaces(std::string_view s, std::array<std::string_view, kMaxFields>& f) {
  size_t n = 0, i = 0;
  while (n < kMaxFields) {
    while (i < s.size() && fw::is_space(s[i])) ++i;
    if (i >= s.size()) break;
    size_t e = i;
    while (e < s.size() && !fw::is_space(s[e])) ++e;
    f[n++] = s.substr(i, e - i);
    i = e;
  }
  return n;
}

// A data line of the default layout: "2023-11-26 22:27:57 DROP TCP 1.2.3.4 5.6.7.8 ...".
bool looks_like_data(std::string_view line) {
  std::array<std::string_view, kMaxFields> f;
  const size_t n = split_spaces(line, f);
  if (n < 8) return false;
  CivilStamp st;
  std::string_view d = f[0], t = f[1];
  Address a;
  return take_ymd(d, st) && d.empty() && take_clock(t, st) && t.empty() &&
         (f[2] == "DROP" || f[2] == "ALLOW" || f[2] == "OPEN" || f[2] == "CLOSE" ||
          f[2] == "OPEN-INBOUND") &&
         fw::parse_ip(f[4], a) && fw::parse_ip(f[5], a);
}

class WinFwReader {
 public:
  WinFwReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report), local_(ctx.tz), utc_(nullptr) {}

  void run(LineReader& lines) {
    std::string_view line;
    while (lines.next(line)) {
      const uint64_t n = lines.line_number();
      if (lines.overlong()) {
        report_.reject(n, lines.line_offset(), "line longer than the reader's limit");
        continue;
      }
      line = fw::trim(line);
      if (line.empty()) continue;
      if (line.front() == '#') {
        header(line, n, lines.line_offset());
        continue;
      }
      line_ = n;
      offset_ = lines.line_offset();
      record(line);
    }
    for (const auto& [k, seq] : order_) {
      auto it = open_.find(k);
      if (it != open_.end() && it->second.seq == seq) emit(it->second.c);
    }
  }

 private:
  struct Open {
    Connection c;
    uint64_t seq;
  };

  void header(std::string_view line, uint64_t n, uint64_t offset) {
    if (fw::istarts_with(line, "#Fields:")) {
      if (!parse_fields_header(line.substr(8), layout_)) {
        report_.note(n, offset, "#Fields names no date/time/action/src-ip/dst-ip; kept the old");
      }
      have_layout_ = true;
    } else if (fw::istarts_with(line, "#Time Format:")) {
      use_utc_ = fw::istarts_with(fw::trim(line.substr(13)), "UTC");
    }
  }

  void reject(const char* why) { report_.reject(line_, offset_, why); }

  void record(std::string_view line) {
    std::array<std::string_view, kMaxFields> f;
    const size_t n = split_spaces(line, f);
    if (!have_layout_) {
      have_layout_ = true;
      report_.note(line_, offset_, "no #Fields header: assuming the Windows Firewall 1.5 order");
    }
    const auto field = [&](Col col) -> std::string_view {
      const int i = layout_.at[col];
      if (i < 0 || size_t(i) >= n) return {};
      std::string_view v = f[size_t(i)];
      return v == "-" ? std::string_view() : v;
    };
    const std::string_view action = field(kAction);
    if (n < layout_.fields && !(action == "INFO-EVENTS-LOST")) {
      return reject("fewer fields than #Fields declares");
    }
    if (action == "INFO-EVENTS-LOST") {
      report_.note(line_, offset_,
                   "the firewall lost " +
                       std::string(field(kInfo).empty() ? "some" : field(kInfo)) +
                       " events here (INFO-EVENTS-LOST): the log is incomplete");
      return;
    }
    CivilStamp st;
    std::string_view d = field(kDate), t = field(kTime);
    double ts = 0;
    if (!take_ymd(d, st) || !d.empty() || !take_clock(t, st) || !t.empty() ||
        !stamp_to_unix(st, use_utc_ ? utc_ : local_, ts)) {
      return reject("date or time is not YYYY-MM-DD HH:MM:SS");
    }
    Connection c = fw::line_connection(ctx_.input_index, line_);
    c.ts = ts;
    if (!fw::parse_ip(field(kSrcIp), c.orig_h) || !fw::parse_ip(field(kDstIp), c.resp_h)) {
      return reject("src-ip or dst-ip is not an IP address");
    }
    const int proto = fw::proto_from_name(field(kProtocol));
    if (proto < 0) return reject("protocol is neither a number nor a known name");
    c.ip_proto = uint8_t(proto);
    if (fw::is_icmp(c.ip_proto)) {
      unsigned type = 0, code = 0;
      if (fw::parse_uint(field(kIcmpType), type) && type <= 255) {
        if (!fw::parse_uint(field(kIcmpCode), code) || code > 255) code = 0;
        fw::icmp_ports(c.ip_proto == kProtoIcmp6, type, code, c.orig_p, c.resp_p);
      }
    } else if (!field(kSrcPort).empty() || !field(kDstPort).empty()) {
      if (!fw::parse_uint(field(kSrcPort), c.orig_p) ||
          !fw::parse_uint(field(kDstPort), c.resp_p)) {
        return reject("src-port or dst-port is not a port number");
      }
    }
    if (c.ip_proto == kProtoTcp) {
      const std::string_view flags = field(kTcpFlags);
      const auto has = [&](char ch) { return flags.find(ch) != std::string_view::npos; };
      c.history = fw::tcp_history(has('S'), has('A'), has('F'), has('R'));
    }
    uint64_t size = 0;
    if (fw::parse_uint(field(kSize), size) && size > 0) {  // drops often log size 0: unknown
      c.has_counts = true;
      c.orig_pkts = 1;
      c.orig_ip_bytes = size;
    }
    if (action == "DROP") {
      c.action = Action::blocked;
    } else if (action == "ALLOW") {
      c.action = Action::allowed;
    } else if (action == "OPEN" || action == "OPEN-INBOUND") {
      c.action = Action::allowed;
      ++report_.records;
      report_.saw_time(ts);
      return open(std::move(c));
    } else if (action == "CLOSE") {
      ++report_.records;
      report_.saw_time(ts);
      return close(c);
    } else {
      c.action = fw::action_from_word(action);
    }
    ++report_.records;
    report_.saw_time(ts);
    emit(c);
  }

  static uint64_t key(const Connection& c) {
    const auto& a = c.orig_h.bytes();
    const auto& b = c.resp_h.bytes();
    return absl::HashOf(std::string_view(reinterpret_cast<const char*>(a.data()), 16),
                        std::string_view(reinterpret_cast<const char*>(b.data()), 16), c.orig_p,
                        c.resp_p, c.ip_proto);
  }

  void open(Connection c) {
    const uint64_t k = key(c);
    auto [it, fresh] = open_.try_emplace(k, Open{c, ++seq_});
    if (!fresh) {
      emit(it->second.c);  // the same 5-tuple opened twice: the first never closed in the log
      it->second = Open{std::move(c), seq_};
    }
    order_.emplace_back(k, seq_);
    while (open_.size() > kMaxOpen && !order_.empty()) {
      auto [old_key, old_seq] = order_.front();
      order_.pop_front();
      auto old = open_.find(old_key);
      if (old != open_.end() && old->second.seq == old_seq) {
        emit(old->second.c);
        open_.erase(old);
      }
    }
    while (!order_.empty()) {
      auto front = open_.find(order_.front().first);
      if (front != open_.end() && front->second.seq == order_.front().second) break;
      order_.pop_front();
    }
  }

  void close(const Connection& closing) {
    auto it = open_.find(key(closing));
    if (it == open_.end()) {
      Connection c = closing;  // opened before the log began
      c.action = Action::allowed;
      emit(c);
      return;
    }
    Connection c = std::move(it->second.c);
    open_.erase(it);
    c.has_duration = true;
    c.duration = closing.ts > c.ts ? closing.ts - c.ts : 0;
    c.last = closing.first;
    emit(c);
  }

  void emit(const Connection& c) { sink_.on_connection(c); }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  LocalClock local_, utc_;
  bool use_utc_ = false;
  Layout layout_ = default_layout();
  bool have_layout_ = false;
  uint64_t line_ = 0, offset_ = 0;
  uint64_t seq_ = 0;
  absl::flat_hash_map<uint64_t, Open> open_;
  std::deque<std::pair<uint64_t, uint64_t>> order_;
};

}  // namespace

int sniff_winfw(std::string_view head) {
  int lines = 0, data = 0;
  bool software = false, fields = false;
  size_t pos = 0;
  for (int seen = 0; pos < head.size() && seen < 200; ++seen) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = fw::trim(head.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (fw::istarts_with(line, "#Software: Microsoft Windows Firewall")) software = true;
      if (fw::istarts_with(line, "#Fields:")) {
        Layout l;
        fields = parse_fields_header(line.substr(8), l) && l.at[kPath] >= 0;
      }
      continue;
    }
    ++lines;
    data += looks_like_data(line);
  }
  if (software || fields) return 95;
  if (data > 0 && data * 2 >= lines) return data >= 2 ? 70 : 50;
  return 0;
}

void read_winfw(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  WinFwReader(ctx, sink, report).run(lines);
}

}  // namespace callhome
