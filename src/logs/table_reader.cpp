#include "logs/table_reader.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

#include "logs/fw_text.h"
#include "logs/syslog_header.h"

namespace callhome {
namespace {

// What a column holds.
enum Role : int {
  kNone,
  kDate,
  kTime,
  kDateTime,
  kSrc,
  kDst,
  kSport,
  kDport,
  kProto,
  kAction,
  kDuration,
  kSrcBytes,
  kTotBytes,
  kSrcPkts,
  kTotPkts,
  kRoles
};

constexpr size_t kMaxCells = 64;
constexpr size_t kMaxRowBytes = size_t(1) << 16;  // a quoted field may span lines, this far
constexpr size_t kMaxPendingRows = 10000;         // rows waiting for the date order

// Header names by meaning: lower-cased with everything but letters and digits dropped, so
// "Source IP", "source_ip", "SrcAddr" and "id.orig_h" compare as "sourceip", "srcaddr" ...
Role role_of(std::string_view header) {
  char buf[40];
  size_t n = 0;
  for (char c : header) {
    c = fw::lower(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (n == sizeof buf) return kNone;
      buf[n++] = c;
    }
  }
  const std::string_view k(buf, n);
  struct Name {
    std::string_view name;
    Role role;
  };
  static constexpr Name kNames[] = {
      {"src", kSrc},
      {"source", kSrc},
      {"sourceip", kSrc},
      {"srcip", kSrc},
      {"srcaddr", kSrc},
      {"sourceaddress", kSrc},
      {"sourceaddr", kSrc},
      {"srcaddress", kSrc},
      {"saddr", kSrc},
      {"ipsrc", kSrc},
      {"srcipaddr", kSrc},
      {"sourceipaddress", kSrc},
      {"clientip", kSrc},
      {"srchost", kSrc},
      {"sourcehost", kSrc},
      {"origh", kSrc},
      {"idorigh", kSrc},
      {"dst", kDst},
      {"dest", kDst},
      {"destination", kDst},
      {"destinationip", kDst},
      {"dstip", kDst},
      {"dstaddr", kDst},
      {"destip", kDst},
      {"destaddr", kDst},
      {"destinationaddress", kDst},
      {"destinationaddr", kDst},
      {"daddr", kDst},
      {"dstaddress", kDst},
      {"ipdst", kDst},
      {"dstipaddr", kDst},
      {"destinationipaddress", kDst},
      {"serverip", kDst},
      {"dsthost", kDst},
      {"destinationhost", kDst},
      {"resph", kDst},
      {"idresph", kDst},
      {"sport", kSport},
      {"srcport", kSport},
      {"sourceport", kSport},
      {"spt", kSport},
      {"srcpt", kSport},
      {"clientport", kSport},
      {"origp", kSport},
      {"idorigp", kSport},
      {"dport", kDport},
      {"dstport", kDport},
      {"destport", kDport},
      {"destinationport", kDport},
      {"dpt", kDport},
      {"dstpt", kDport},
      {"serverport", kDport},
      {"respp", kDport},
      {"idrespp", kDport},
      {"proto", kProto},
      {"protocol", kProto},
      {"ipproto", kProto},
      {"transport", kProto},
      {"action", kAction},
      {"disposition", kAction},
      {"result", kAction},
      {"verdict", kAction},
      {"decision", kAction},
      {"fwaction", kAction},
      {"date", kDate},
      {"day", kDate},
      {"logdate", kDate},
      {"time", kTime},
      {"logtime", kTime},
      {"timestamp", kDateTime},
      {"datetime", kDateTime},
      {"ts", kDateTime},
      {"starttime", kDateTime},
      {"start", kDateTime},
      {"firstseen", kDateTime},
      {"eventtime", kDateTime},
      {"epoch", kDateTime},
      {"unixtime", kDateTime},
      {"epochtime", kDateTime},
      {"timegenerated", kDateTime},
      {"dur", kDuration},
      {"duration", kDuration},
      {"srcbytes", kSrcBytes},
      {"totbytes", kTotBytes},
      {"srcpkts", kSrcPkts},
      {"totpkts", kTotPkts},
  };
  for (const auto& e : kNames) {
    if (k == e.name) return e.role;
  }
  return kNone;
}

struct Dialect {
  char delim = ',';
  bool markdown = false;  // '|' with optional outer bars, no quoting
};

struct Cells {
  std::array<std::string_view, kMaxCells> c;
  size_t n = 0;
  std::string scratch;  // unescaped quoted cells live here (reserved: views stay valid)
  std::string_view operator[](int i) const {
    return i >= 0 && size_t(i) < n ? c[size_t(i)] : std::string_view();
  }
};

enum class Split { ok, open_quote };

// RFC 4180 for ',', ';' and tab: a cell in double quotes may hold the delimiter, newlines and
// "" for a quote. Unquoted cells are trimmed. Markdown rows split on '|' after their outer bars.
Split split_row(std::string_view row, const Dialect& d, Cells& out) {
  out.n = 0;
  out.scratch.clear();
  out.scratch.reserve(row.size());
  if (d.markdown) {
    row = fw::trim(row);
    if (!row.empty() && row.front() == '|') row.remove_prefix(1);
    if (!row.empty() && row.back() == '|') row.remove_suffix(1);
    while (out.n < kMaxCells) {
      const size_t bar = row.find('|');
      out.c[out.n++] = fw::trim(row.substr(0, bar));
      if (bar == std::string_view::npos) break;
      row.remove_prefix(bar + 1);
    }
    return Split::ok;
  }
  size_t i = 0;
  while (out.n < kMaxCells) {
    while (i < row.size() && row[i] == ' ') ++i;
    if (i < row.size() && row[i] == '"') {
      const size_t start = out.scratch.size();
      ++i;
      bool closed = false;
      while (i < row.size()) {
        if (row[i] == '"') {
          if (i + 1 < row.size() && row[i + 1] == '"') {
            out.scratch.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        out.scratch.push_back(row[i++]);
      }
      if (!closed) return Split::open_quote;
      out.c[out.n++] = std::string_view(out.scratch).substr(start);
      while (i < row.size() && row[i] != d.delim) ++i;  // junk after the closing quote
    } else {
      size_t e = i;
      while (e < row.size() && row[e] != d.delim) ++e;
      out.c[out.n++] = fw::trim(row.substr(i, e - i));
      i = e;
    }
    if (i >= row.size()) break;
    ++i;  // the delimiter
    if (i == row.size() && out.n < kMaxCells) {
      out.c[out.n++] = {};  // a trailing delimiter: one more, empty cell
      break;
    }
  }
  return Split::ok;
}

struct Layout {
  Dialect dialect;
  std::array<int, kRoles> col;
  size_t cells = 0;
  std::string header_first;  // the first header cell, to skip repeated header rows
};

// A header row: at least three cells, a source and a destination column.
// An export with no action column may say above its header what it holds ("Firewall log
// (blocked, newest first)"); one decision word, and only one kind, makes every row that.
Action action_in_title(std::string_view line) {
  if (line.size() > 200) return Action::unknown;
  Action found = Action::unknown;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
    size_t e = i;
    while (e < line.size() && std::isalpha(static_cast<unsigned char>(line[e]))) ++e;
    const Action a = fw::action_from_word(line.substr(i, e - i));
    if (a != Action::unknown) {
      if (found != Action::unknown && found != a) return Action::unknown;
      found = a;
    }
    i = e;
  }
  return found;
}

bool detect_header(std::string_view line, Layout& out) {
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // spreadsheet BOM
  line = fw::trim(line);
  if (line.empty() || line.front() == '#') return false;
  Cells cells;
  int best = 0;
  for (Dialect d :
       {Dialect{'|', true}, Dialect{',', false}, Dialect{'\t', false}, Dialect{';', false}}) {
    if (d.markdown && line.find('|') == std::string_view::npos) continue;
    if (split_row(line, d, cells) != Split::ok || cells.n < 3) continue;
    Layout l;
    l.dialect = d;
    l.col.fill(-1);
    int known = 0;
    for (size_t i = 0; i < cells.n; ++i) {
      const Role r = role_of(cells.c[i]);
      if (r != kNone && l.col[r] < 0) {
        l.col[r] = int(i);
        ++known;
      }
    }
    if (l.col[kSrc] < 0 || l.col[kDst] < 0 || known <= best) continue;
    best = known;
    l.cells = cells.n;
    l.header_first = std::string(cells.c[0]);
    out = std::move(l);
  }
  return best > 0;
}

bool is_separator_row(const Cells& cells) {
  bool dash = false;
  for (size_t i = 0; i < cells.n; ++i) {
    for (char ch : cells.c[i]) {
      if (ch == '-')
        dash = true;
      else if (ch != ':' && ch != ' ' && ch != '=' && ch != '+')
        return false;
    }
  }
  return dash;
}

// "192.168.0.13", "192.168.0.13:2499", "[2001:db8::1]:443".
bool parse_host_port(std::string_view s, Address& a, uint16_t& port, bool& has_port) {
  has_port = false;
  if (fw::parse_ip(s, a)) return true;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || !fw::parse_ip(s.substr(1, close - 1), a)) return false;
    if (close + 1 < s.size() && s[close + 1] == ':') {
      has_port = fw::parse_uint(s.substr(close + 2), port);
      return has_port;
    }
    return close + 1 == s.size();
  }
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) {
    return false;
  }
  has_port = fw::parse_uint(s.substr(colon + 1), port);
  return has_port && Address::parse_v4(s.substr(0, colon), a);
}

// "80", "80 (HTTP)", "80/tcp", "0x0008" (Argus ICMP), "http", "" / "-" (no port).
enum class Port { ok, none, bad };
Port parse_port(std::string_view s, uint32_t& out) {
  s = fw::trim(s);
  out = 0;
  if (s.empty() || s == "-") return Port::none;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), out, 16);
    return ec == std::errc() && p == s.data() + s.size() && out <= 0xffff ? Port::ok : Port::bad;
  }
  if (fw::is_digit(s.front())) {
    std::string_view t = s;
    if (!fw::take_uint(t, out) || out > 65535) return Port::bad;
    return t.empty() || t.front() == ' ' || t.front() == '(' || t.front() == '/' ? Port::ok
                                                                                 : Port::bad;
  }
  struct Service {
    std::string_view name;
    uint16_t port;
  };
  static constexpr Service kServices[] = {
      {"http", 80},  {"https", 443}, {"domain", 53},       {"dns", 53},
      {"ssh", 22},   {"telnet", 23}, {"smtp", 25},         {"ftp", 21},
      {"ntp", 123},  {"snmp", 161},  {"netbios-ssn", 139}, {"microsoft-ds", 445},
      {"pop3", 110}, {"imap", 143},  {"ldap", 389},        {"rdp", 3389},
  };
  for (const auto& e : kServices) {
    if (fw::iequals(s, e.name)) {
      out = e.port;
      return Port::ok;
    }
  }
  return Port::bad;
}

// Protocol names Argus and exporters use beyond the IP ones: RTP/RTCP/UDT ride on UDP; the
// link-layer and management records are not IP flows at all.
int table_proto(std::string_view s, bool& non_ip) {
  non_ip = false;
  s = fw::trim(s);
  if (int p = fw::proto_from_name(s); p >= 0) return p;
  for (std::string_view udp : {"rtp", "rtcp", "udt"}) {
    if (fw::iequals(s, udp)) return kProtoUdp;
  }
  for (std::string_view l2 : {"arp", "rarp", "llc", "man", "stp", "lldp", "ipx", "ether",
                              "ethernet", "cdp", "lacp", "802.1x"}) {
    if (fw::iequals(s, l2)) {
      non_ip = true;
      return -1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Dates and times

enum class Order { unknown, mdy, dmy };

struct When {
  bool has_date = false, has_time = false, is_epoch = false;
  bool ambiguous = false;  // "p/q/yyyy" with both p and q <= 12
  int64_t year = 0;
  int p = 0, q = 0;  // for ambiguous dates: first and second number
  CivilStamp st;     // month/day (unless ambiguous), time, offset
  double epoch = 0;
};

int64_t full_year(int64_t y, size_t digits) {
  if (digits > 2) return y;
  return y < 70 ? 2000 + y : 1900 + y;  // 06 -> 2006, 99 -> 1999
}

bool take_word(std::string_view& s, std::string_view& word) {
  size_t n = 0;
  while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) ++n;
  if (n == 0) return false;
  word = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

// A date at the start of `s`, in any of the forms the header comment lists.
bool take_date(std::string_view& s, When& w) {
  std::string_view t = s;
  CivilStamp st;
  if (take_ymd(t, st)) {  // 2006-11-17, 2006/11/17
    w.year = st.year;
    w.st.month = st.month;
    w.st.day = st.day;
    s = t;
    return w.has_date = true;
  }
  std::string_view word;
  if (take_word(t, word)) {  // "Nov 17 2006" / "Nov 17, 2006"
    const int m = month_from_name(word.substr(0, 3));
    unsigned day = 0, year = 0;
    if (m == 0 || t.empty() || t.front() != ' ') return false;
    t.remove_prefix(1);
    if (!fw::take_uint(t, day)) return false;
    if (!t.empty() && t.front() == ',') t.remove_prefix(1);
    if (t.empty() || t.front() != ' ') return false;
    t.remove_prefix(1);
    const size_t before = t.size();
    if (!fw::take_uint(t, year)) return false;
    w.year = full_year(year, before - t.size());
    w.st.month = m;
    w.st.day = int(day);
    s = t;
    return w.has_date = true;
  }
  unsigned a = 0, b = 0, y = 0;
  if (!fw::take_uint(t, a) || t.empty()) return false;
  const char sep = t.front();
  if (sep != '-' && sep != '/' && sep != '.' && sep != ' ') return false;
  t.remove_prefix(1);
  if (take_word(t, word)) {  // 17-Nov-06, 17 Nov 2006
    const int m = month_from_name(word.substr(0, 3));
    if (m == 0 || t.empty() || t.front() != sep) return false;
    t.remove_prefix(1);
    const size_t before = t.size();
    if (!fw::take_uint(t, y)) return false;
    w.year = full_year(y, before - t.size());
    w.st.month = m;
    w.st.day = int(a);
    s = t;
    return w.has_date = true;
  }
  if (sep == ' ') return false;
  if (!fw::take_uint(t, b) || t.empty() || t.front() != sep) return false;
  t.remove_prefix(1);
  const size_t before = t.size();
  if (!fw::take_uint(t, y)) return false;
  w.year = full_year(y, before - t.size());
  if (sep == '.') {  // 17.11.2006: the dotted form is day first wherever it is written
    w.st.day = int(a);
    w.st.month = int(b);
  } else {
    w.p = int(a);
    w.q = int(b);
    w.ambiguous = true;  // decided by resolve() once the file's order is known
  }
  s = t;
  return w.has_date = true;
}

// "13:12:50[.fff]", "13:12", with " AM"/"PM" and a zone (Z, +01:00) after it.
bool take_time(std::string_view& s, When& w) {
  std::string_view t = s;
  CivilStamp st;
  if (!take_clock(t, st)) {
    // hh:mm without seconds
    unsigned h = 0, m = 0;
    std::string_view u = s;
    if (!fw::take_uint(u, h) || u.empty() || u.front() != ':') return false;
    u.remove_prefix(1);
    const size_t before = u.size();
    if (!fw::take_uint(u, m) || before - u.size() != 2) return false;
    st.hour = int(h);
    st.minute = int(m);
    st.second = 0;
    t = u;
  }
  std::string_view u = t;
  if (!u.empty() && u.front() == ' ') u.remove_prefix(1);
  if (u.size() >= 2 && (fw::istarts_with(u, "AM") || fw::istarts_with(u, "PM"))) {
    if (st.hour < 1 || st.hour > 12) return false;
    const bool pm = fw::lower(u[0]) == 'p';
    st.hour = st.hour % 12 + (pm ? 12 : 0);
    t = u.substr(2);
  }
  if (!t.empty() && t.front() == ' ' && t.size() > 1 &&
      (t[1] == '+' || t[1] == '-' || t[1] == 'Z')) {
    t.remove_prefix(1);
  }
  if (!t.empty() && (t.front() == 'Z' || t.front() == '+' || t.front() == '-')) {
    // A zone after the time: Z, +01:00, +0100 or +01.
    std::string_view z = t;
    if (z.front() == 'Z') {
      st.has_offset = true;
      st.offset_seconds = 0;
      t = z.substr(1);
    } else {
      const int sign = z.front() == '-' ? -1 : 1;
      z.remove_prefix(1);
      unsigned hh = 0, mm = 0;
      const size_t before = z.size();
      if (fw::take_uint(z, hh) && before - z.size() <= 4) {
        if (before - z.size() > 2) {
          mm = hh % 100;
          hh /= 100;
        } else if (z.size() >= 3 && z.front() == ':') {
          z.remove_prefix(1);
          fw::take_uint(z, mm);
        }
        if (hh <= 23 && mm <= 59) {
          st.has_offset = true;
          st.offset_seconds = sign * int(hh * 3600 + mm * 60);
          t = z;
        }
      }
    }
  }
  w.st.hour = st.hour;
  w.st.minute = st.minute;
  w.st.second = st.second;
  w.st.fraction = st.fraction;
  w.st.has_offset = st.has_offset;
  w.st.offset_seconds = st.offset_seconds;
  s = t;
  return w.has_time = true;
}

// A whole cell: epoch seconds/milliseconds, or [date][sep][time][zone] with whatever parts it
// has. False when text remains that is none of these.
bool parse_when(std::string_view s, When& w) {
  s = fw::trim(s);
  if (s.empty()) return false;
  // Epoch: 9-10 digit seconds or 12-13 digit milliseconds, optional fraction.
  {
    std::string_view t = s;
    uint64_t v = 0;
    const size_t before = t.size();
    if (fw::take_uint(t, v)) {
      const size_t digits = before - t.size();
      double frac = 0;
      if (!t.empty() && t.front() == '.') {
        t.remove_prefix(1);
        double scale = 0.1;
        while (!t.empty() && fw::is_digit(t.front())) {
          frac += (t.front() - '0') * scale;
          scale *= 0.1;
          t.remove_prefix(1);
        }
      }
      if (t.empty() && (digits == 9 || digits == 10 || digits == 12 || digits == 13)) {
        w.is_epoch = true;
        w.epoch = digits >= 12 ? (double(v) + frac) / 1000 : double(v) + frac;
        return true;
      }
    }
  }
  std::string_view t = s;
  if (take_date(t, w)) {
    if (!t.empty() && (t.front() == 'T' || t.front() == ' ' || t.front() == ',')) {
      std::string_view u = t.substr(1);
      if (!u.empty() && u.front() == ' ') u.remove_prefix(1);
      if (take_time(u, w)) t = u;
    }
  } else if (!take_time(t, w)) {
    return false;
  }
  return fw::trim(t).empty();
}

// ---------------------------------------------------------------------------------------------

class TableReader {
 public:
  TableReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report), clock_(ctx.tz) {}

  void run(LineReader& lines) {
    std::string_view line;
    std::string joined;  // a row whose quoted field spans lines
    uint64_t joined_line = 0, joined_offset = 0;
    while (lines.next(line)) {
      const uint64_t n = lines.line_number();
      if (lines.overlong()) {
        report_.reject(n, lines.line_offset(), "line longer than the reader's limit");
        joined.clear();
        continue;
      }
      if (!joined.empty()) {
        joined.push_back('\n');
        joined.append(line);
        if (joined.size() > kMaxRowBytes) {
          report_.reject(joined_line, joined_offset, "quoted field never closes");
          joined.clear();
          continue;
        }
        if (row(joined, joined_line, joined_offset) == Split::open_quote) continue;
        joined.clear();
        continue;
      }
      if (!have_header_) {
        if (detect_header(line, layout_)) {
          have_header_ = true;
          if (layout_.col[kAction] < 0 && title_action_ != Action::unknown) {
            report_.note(title_line_, 0,
                         std::string("no action column: every row read as ") +
                             to_string(title_action_) + ", as the title line here says");
          }
        } else if (title_action_ == Action::unknown &&
                   (title_action_ = action_in_title(line)) != Action::unknown) {
          title_line_ = n;
        } else if (++preamble_ > 20 && !header_noted_) {
          header_noted_ = true;
          report_.note(0, 0, "no header row with source and destination address columns");
        }
        continue;
      }
      if (row(line, n, lines.line_offset()) == Split::open_quote) {
        joined.assign(line);
        joined_line = n;
        joined_offset = lines.line_offset();
      }
    }
    if (!joined.empty()) report_.reject(joined_line, joined_offset, "quoted field never closes");
    flush_pending(Order::mdy);
    if (non_ip_ > 0) {
      report_.note(first_non_ip_, 0,
                   std::to_string(non_ip_) +
                       " rows of non-IP protocols (such as ARP) skipped, the first here");
    }
  }

 private:
  struct PendingRow {
    Connection c;
    When w;
    uint64_t offset;
  };

  Split row(std::string_view text, uint64_t n, uint64_t offset) {
    const std::string_view trimmed = fw::trim(text);
    if (trimmed.empty() || trimmed.front() == '#') return Split::ok;
    if (split_row(text, layout_.dialect, cells_) == Split::open_quote) return Split::open_quote;
    if (is_separator_row(cells_)) return Split::ok;
    if (cells_.n > 0 && cells_.c[0] == layout_.header_first &&
        role_of(cells_[layout_.col[kSrc]]) == kSrc) {
      return Split::ok;  // the header again (concatenated exports)
    }
    line_ = n;
    offset_ = offset;
    parse(offset);
    return Split::ok;
  }

  void reject(const char* why) { report_.reject(line_, offset_, why); }

  void parse(uint64_t offset) {
    const auto cell = [&](Role r) { return cells_[layout_.col[r]]; };
    Connection c = fw::line_connection(ctx_.input_index, line_);
    // Protocol first: link-layer rows (Argus ARP, LLC) carry no IP addresses to parse.
    if (layout_.col[kProto] >= 0 && !cell(kProto).empty()) {
      bool non_ip = false;
      const int p = table_proto(cell(kProto), non_ip);
      if (non_ip) {
        if (non_ip_++ == 0) first_non_ip_ = line_;
        return;
      }
      if (p < 0) return reject("protocol is neither a number nor a known name");
      c.ip_proto = uint8_t(p);
    }
    bool src_port = false, dst_port = false;
    if (!parse_host_port(cell(kSrc), c.orig_h, c.orig_p, src_port) ||
        !parse_host_port(cell(kDst), c.resp_h, c.resp_p, dst_port)) {
      return reject("source or destination is not an IP address");
    }
    uint32_t sp = c.orig_p, dp = c.resp_p;
    Port ps = src_port ? Port::ok : Port::none, pd = dst_port ? Port::ok : Port::none;
    if (layout_.col[kSport] >= 0 && !src_port) ps = parse_port(cell(kSport), sp);
    if (layout_.col[kDport] >= 0 && !dst_port) pd = parse_port(cell(kDport), dp);
    if (ps == Port::bad || pd == Port::bad) return reject("a port is not a number or service name");
    if (fw::is_icmp(c.ip_proto)) {
      // Tables put the ICMP type (Argus: code << 8 | type) where the source port would be.
      if (ps == Port::ok) {
        fw::icmp_ports(c.ip_proto == kProtoIcmp6, sp & 0xff, (sp >> 8) & 0xff, c.orig_p, c.resp_p);
      } else {
        c.orig_p = c.resp_p = 0;
      }
    } else {
      c.orig_p = uint16_t(sp);
      c.resp_p = uint16_t(dp);
    }
    if (layout_.col[kAction] >= 0) {
      std::string_view a = fw::trim(cell(kAction));
      size_t e = 0;
      while (e < a.size() && a[e] != ' ' && a[e] != '-' && a[e] != '_') ++e;
      c.action = fw::action_from_word(a.substr(0, e));
    } else {
      c.action = title_action_;
    }
    if (layout_.col[kDuration] >= 0) {
      const std::string_view d = fw::trim(cell(kDuration));
      double secs = 0;
      if (!d.empty() && d != "-") {
        auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), secs);
        if (ec == std::errc() && p == d.data() + d.size() && secs >= 0) {
          c.has_duration = true;
          c.duration = secs;
        }
      }
    }
    counts(c);

    // When: a datetime column, or date and time columns, or whichever one holds both.
    When w;
    bool ok = false;
    if (layout_.col[kDateTime] >= 0) {
      ok = parse_when(cell(kDateTime), w);
    } else {
      if (layout_.col[kDate] >= 0) ok = parse_when(cell(kDate), w);
      if (layout_.col[kTime] >= 0) {
        When t;
        if (parse_when(cell(kTime), t)) {
          if (t.is_epoch || (t.has_date && t.has_time)) {
            w = t;
            ok = true;
          } else if (t.has_time) {
            w.has_time = true;
            w.st.hour = t.st.hour;
            w.st.minute = t.st.minute;
            w.st.second = t.st.second;
            w.st.fraction = t.st.fraction;
            w.st.has_offset = t.st.has_offset;
            w.st.offset_seconds = t.st.offset_seconds;
          }
        } else {
          ok = false;
        }
      }
    }
    if (!ok || (!w.is_epoch && (!w.has_date || !w.has_time))) {
      return reject("no usable date and time");
    }
    if (w.ambiguous) {
      if (w.p > 12 || w.q > 12) {
        const Order evidence = w.p > 12 ? Order::dmy : Order::mdy;
        if (order_ == Order::unknown) {
          order_ = evidence;
          flush_pending(evidence);
        }
      }
      if (order_ == Order::unknown) {
        pending_.push_back({std::move(c), w, offset});
        if (pending_.size() >= kMaxPendingRows) flush_pending(Order::mdy);
        return;
      }
    }
    finish(c, w, line_, offset);
  }

  // Argus: SrcBytes/TotBytes, SrcPkts/TotPkts are IP bytes and packets, so both directions
  // follow. With any of the four missing nothing is claimed.
  void counts(Connection& c) {
    if (layout_.col[kSrcBytes] < 0 || layout_.col[kTotBytes] < 0 || layout_.col[kSrcPkts] < 0 ||
        layout_.col[kTotPkts] < 0) {
      return;
    }
    uint64_t sb = 0, tb = 0, spk = 0, tpk = 0;
    if (fw::parse_uint(fw::trim(cells_[layout_.col[kSrcBytes]]), sb) &&
        fw::parse_uint(fw::trim(cells_[layout_.col[kTotBytes]]), tb) &&
        fw::parse_uint(fw::trim(cells_[layout_.col[kSrcPkts]]), spk) &&
        fw::parse_uint(fw::trim(cells_[layout_.col[kTotPkts]]), tpk) && sb <= tb && spk <= tpk) {
      c.has_counts = true;
      c.orig_pkts = spk;
      c.resp_pkts = tpk - spk;
      c.orig_ip_bytes = sb;
      c.resp_ip_bytes = tb - sb;
    }
  }

  void finish(Connection& c, When& w, uint64_t line, uint64_t offset) {
    if (w.ambiguous) {
      const bool dmy = order_ == Order::dmy;
      w.st.day = dmy ? w.p : w.q;
      w.st.month = dmy ? w.q : w.p;
    }
    double ts = 0;
    if (w.is_epoch) {
      ts = w.epoch;
    } else {
      w.st.year = w.year;
      if (!stamp_to_unix(w.st, clock_, ts)) {
        report_.reject(line, offset, "date or time out of range");
        return;
      }
    }
    c.ts = ts;
    ++report_.records;
    report_.saw_time(ts);
    sink_.on_connection(c);
  }

  void flush_pending(Order order) {
    if (pending_.empty()) return;
    if (order_ == Order::unknown) {
      order_ = order;
      report_.note(pending_.front().c.first.ref, pending_.front().offset,
                   "dates like 05/06/2007 could be month/day or day/month and no row tells; "
                   "read as month/day");
    }
    for (auto& p : pending_) finish(p.c, p.w, p.c.first.ref, p.offset);
    pending_.clear();
  }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  LocalClock clock_;
  Layout layout_;
  bool have_header_ = false, header_noted_ = false;
  int preamble_ = 0;
  Action title_action_ = Action::unknown;  // "Firewall log (blocked ...)" above the header
  uint64_t title_line_ = 0;
  Cells cells_;
  uint64_t line_ = 0, offset_ = 0;
  uint64_t non_ip_ = 0, first_non_ip_ = 0;
  Order order_ = Order::unknown;
  std::vector<PendingRow> pending_;
};

}  // namespace

int sniff_table(std::string_view head) {
  Layout layout;
  bool have_header = false;
  int preamble = 0, rows = 0, good = 0;
  Cells cells;
  size_t pos = 0;
  for (int seen = 0; pos < head.size() && seen < 200; ++seen) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (fw::trim(line).empty()) continue;
    if (!have_header) {
      if (detect_header(line, layout)) {
        have_header = true;
      } else if (++preamble > 20) {
        return 0;
      }
      continue;
    }
    if (fw::trim(line).front() == '#') continue;
    if (split_row(line, layout.dialect, cells) != Split::ok || is_separator_row(cells)) continue;
    ++rows;
    Address a;
    uint16_t port = 0;
    bool has_port = false;
    good += parse_host_port(cells[layout.col[kSrc]], a, port, has_port) &&
            parse_host_port(cells[layout.col[kDst]], a, port, has_port);
  }
  if (!have_header || good == 0) return 0;
  // Below the dedicated readers: a header with "src" and "dst" is a weaker sign than a
  // format's own magic, so anything more specific that claims the file wins.
  return good * 2 >= rows ? 70 : 45;
}

void read_table(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  TableReader(ctx, sink, report).run(lines);
}

}  // namespace callhome
