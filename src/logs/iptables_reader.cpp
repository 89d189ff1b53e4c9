#include "logs/iptables_reader.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// A key such as "SRC=" as the integer its bytes load as, for the fast path to compare eight
// bytes of a line against it in one step.
struct Key {
  uint64_t word = 0, mask = 0;
  size_t size = 0;
  template <size_t N>
  consteval Key(const char (&key)[N]) : size(N - 1) {
    static_assert(N - 1 <= 8);
    for (size_t k = 0; k < N - 1; ++k) {
      word |= uint64_t(uint8_t(key[k])) << (8 * k);  // little endian, like the loads below
      mask |= uint64_t(0xff) << (8 * k);
    }
  }
};
static_assert(std::endian::native == std::endian::little);

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

// The message from "IN=" on, copied into a padded buffer and read token by token: vector
// compares mark every space and every bracket in 64 bytes at once, so that the end of each
// token is the next space bit, taken off the bitmap in a few instructions rather than found
// by another scan, and the keys compare as one eight-byte load (the padding makes every load
// safe). A message that does not fit is left to the general search.
class Tokens {
 public:
  static constexpr size_t kMax = 384;  // the fields of any usual line, IPv6 and MAC too

  // False when the message is too long for the buffer.
  bool load(std::string_view s) {
    if (s.size() > kMax) return false;
    n_ = s.size();
    std::memcpy(buf_, s.data(), n_);
    std::memset(buf_ + n_, 0, kPad);
    const size_t blocks = n_ / 64 + 1;
    for (size_t k = 0; k < blocks; ++k) mark(k);
    spaces_[n_ / 64] |= uint64_t(1) << (n_ % 64);  // the end stops the last token
    word_ = 0;
    bits_ = spaces_[0];
    return true;
  }

  // Where the current token ends: the next space (or the end, n()) after the one returned
  // last. The next token starts one past it. Once at the end, it stays there.
  size_t end() {
    while (bits_ == 0) {
      if (word_ == n_ / 64) return n_;
      bits_ = spaces_[++word_];
    }
    const size_t e = word_ * 64 + size_t(std::countr_zero(bits_));
    bits_ &= bits_ - 1;
    return e;
  }

  // Whether `key` starts at `t`.
  bool key_at(size_t t, Key key) const {
    uint64_t have;
    std::memcpy(&have, buf_ + t, 8);
    return (have & key.mask) == key.word;
  }

  // Past the token at `t` and the space after it; false at the end of the message.
  bool skip(size_t& t) {
    const size_t e = end();
    t = e + 1;
    return e < n_;
  }

  // The value of "KEY=value" when that is the token at `t`; with `last`, the message may end
  // after it, else a space must follow.
  bool take(size_t& t, Key key, size_t& v, size_t& len, bool last = false) {
    if (!key_at(t, key)) return false;
    const size_t e = end();
    v = t + key.size;
    len = e - v;
    t = e + 1;
    return e < n_ || (last && e == n_);
  }

  // Whether no bracket comes before `t`: the fast path reads only such lines.
  bool no_bracket_before(size_t t) const {
    for (size_t k = 0; k * 64 < t; ++k) {
      const uint64_t below = t - k * 64 >= 64 ? ~uint64_t(0) : (uint64_t(1) << (t - k * 64)) - 1;
      if (brackets_[k] & below) return false;
    }
    return true;
  }

  size_t n() const { return n_; }
  const char* at(size_t i) const { return buf_ + i; }

 private:
  static constexpr size_t kPad = 64 + 8;  // zeros: no stops, and room for every load

  void mark(size_t k) {
    const char* p = buf_ + 64 * k;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' '), open = _mm_set1_epi8('['), close = _mm_set1_epi8(']');
    uint64_t sp = 0, br = 0;
    for (size_t i = 0; i < 64; i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      sp |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)))) << i;
      const __m128i b = _mm_or_si128(_mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close));
      br |= uint64_t(uint32_t(_mm_movemask_epi8(b))) << i;
    }
#else
    uint64_t sp = 0, br = 0;
    for (size_t i = 0; i < 64; ++i) {
      sp |= uint64_t(p[i] == ' ') << i;
      br |= uint64_t(p[i] == '[' || p[i] == ']') << i;
    }
#endif
    spaces_[k] = sp;
    brackets_[k] = br;
  }

  size_t n_ = 0;
  size_t word_ = 0;    // the bitmap word end() is in
  uint64_t bits_ = 0;  // its spaces not returned yet
  uint64_t spaces_[kMax / 64 + 1];
  uint64_t brackets_[kMax / 64 + 1];
  char buf_[kMax + kPad];
};

// The TCP flags netfilter prints as words ("SYN", "ACK" ...), as Zeek's history letters.
struct TcpFlags {
  bool syn = false, ack = false, fin = false, rst = false;
  void add(const char* f) {  // a three-letter token
    syn |= f[0] == 'S' && f[1] == 'Y' && f[2] == 'N';
    ack |= f[0] == 'A' && f[1] == 'C' && f[2] == 'K';
    fin |= f[0] == 'F' && f[1] == 'I' && f[2] == 'N';
    rst |= f[0] == 'R' && f[1] == 'S' && f[2] == 'T';
  }
  std::string_view history() const { return fw::tcp_history(syn, ack, fin, rst); }
};

// Assigns only when the history changes: most lines repeat the one before.
void set_history(std::string_view h, Connection& c) {
  if (c.history != h) c.history = h;
}

// Zeek's ICMP ports from TYPE= and CODE=; false when either is not a number up to 255.
bool set_icmp(std::string_view type, std::string_view code, Connection& c) {
  unsigned t = 0, k = 0;
  if (!fw::parse_uint(type, t) || !fw::parse_uint(code, k) || t > 255 || k > 255) return false;
  fw::icmp_ports(c.ip_proto == kProtoIcmp6, t, k, c.orig_p, c.resp_p);
  return true;
}

// One line is one packet: what this record knows is that packet, LEN bytes of IP.
void set_length(std::string_view len, Connection& c) {
  uint64_t ip_len = 0;
  c.has_counts = fw::parse_uint(len, ip_len);
  c.orig_pkts = c.has_counts ? 1 : 0;
  c.orig_ip_bytes = ip_len;
}

// The text after a leading kernel uptime stamp "[ 1234.567890] ", if there is one.
std::string_view skip_uptime(std::string_view s) {
  if (s.empty() || s.front() != '[') return s;
  // One table lookup a byte instead of three comparisons: the stamp runs on every line.
  static constexpr auto kStampByte = [] {
    std::array<bool, 256> t{};
    t[' '] = t['.'] = true;
    for (char c = '0'; c <= '9'; ++c) t[uint8_t(c)] = true;
    return t;
  }();
  size_t i = 1;
  while (i < s.size() && kStampByte[uint8_t(s[i])]) ++i;
  if (i < 3 || i >= s.size() || s[i] != ']') return s;
  ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

// A file interleaves a handful of prefixes ("[UFW BLOCK]", "[UFW ALLOW]" ...): each is
// classified once and found again by comparison. Each entry keeps a fingerprint of its texts
// (their lengths and outer bytes), so that the entries a line does not match are passed over
// without comparing the texts themselves.
class VerdictCache {
 public:
  Action lookup(std::string_view prefix, std::string_view tag) {
    const uint64_t key = fingerprint(prefix, tag);
    for (auto& e : entries_) {
      if (e.used && e.key == key && e.prefix == prefix && e.tag == tag) return e.action;
    }
    Entry& e = entries_[next_++ % entries_.size()];
    e.used = true;
    e.key = key;
    e.prefix.assign(prefix);
    e.tag.assign(tag);
    e.action = netfilter_action(prefix);
    if (e.action == Action::unknown) e.action = netfilter_action(tag);
    return e.action;
  }

 private:
  struct Entry {
    bool used = false;
    uint64_t key = 0;
    std::string prefix, tag;
    Action action = Action::unknown;
  };

  // Up to eight bytes at each end of `s` (fewer when it is shorter), mixed.
  static uint64_t ends(std::string_view s) {
    uint64_t first = 0, last = 0;
    if (s.size() >= 8) {
      std::memcpy(&first, s.data(), 8);
      std::memcpy(&last, s.data() + s.size() - 8, 8);
    } else {
      for (size_t i = 0; i < s.size(); ++i) first = first << 8 | uint8_t(s[i]);
    }
    return first ^ std::rotl(last, 29);
  }
  static uint64_t fingerprint(std::string_view prefix, std::string_view tag) {
    return ends(prefix) ^ std::rotl(ends(tag), 17) ^ (uint64_t(prefix.size()) << 48) ^
           (uint64_t(tag.size()) << 56);
  }

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

namespace iptables_detail {

const char* read_packet(std::string_view msg, size_t in, Connection& c) {
  std::string_view src, dst, len, proto;
  size_t p = find_key(msg, in, "SRC=");
  if (p == npos) return "netfilter line without SRC=";
  if (!expect(msg, p, "SRC=", src) || !expect(msg, p, "DST=", dst) ||
      !expect(msg, p, "LEN=", len) || !expect(msg, p, "PROTO=", proto)) {
    return "netfilter line without DST=, LEN= or PROTO=";
  }
  if (!fw::parse_ip(src, c.orig_h) || !fw::parse_ip(dst, c.resp_h)) {
    return "SRC= or DST= is not an IP address";
  }
  const int proto_number = fw::proto_from_name(proto);
  if (proto_number < 0) return "PROTO= names no IP protocol";
  c.ip_proto = uint8_t(proto_number);
  c.orig_p = c.resp_p = 0;
  c.history.clear();
  // The packet an ICMP error quotes follows in brackets; its fields are not this packet's.
  const size_t quoted = msg.find('[', p);
  switch (c.ip_proto) {
    case kProtoTcp:
    case kProtoUdp:
    case 132:   // SCTP
    case 136:   // UDP-Lite
    case 33: {  // DCCP
      std::string_view spt, dpt;
      if (!expect(msg, p, "SPT=", spt, quoted) || !expect(msg, p, "DPT=", dpt, quoted)) {
        return msg.find("INCOMPLETE", p) != npos ? "truncated packet: no ports logged"
                                                 : "no SPT=/DPT= (a non-first fragment?)";
      }
      if (!fw::parse_uint(spt, c.orig_p) || !fw::parse_uint(dpt, c.resp_p)) {
        return "SPT= or DPT= is not a port number";
      }
      if (c.ip_proto == kProtoTcp) {
        // Flags follow "RES=0x00" up to "URGP=": the letters of Zeek's history.
        TcpFlags flags;
        size_t t = p;
        const size_t end = quoted == npos ? msg.size() : quoted;
        while (t < end) {
          const size_t e = std::min(token_end(msg, t), end);
          if (e - t == 3) {
            flags.add(msg.data() + t);
          } else if (has_key_at(msg, t, "URGP=")) {
            break;
          }
          t = e + 1;
        }
        c.history = flags.history();
      }
      break;
    }
    case kProtoIcmp:
    case kProtoIcmp6: {
      std::string_view type, code;
      if (!expect(msg, p, "TYPE=", type, quoted) || !expect(msg, p, "CODE=", code, quoted) ||
          !set_icmp(type, code, c)) {
        return "ICMP line without a valid TYPE= and CODE=";
      }
      break;
    }
    default:
      break;  // ESP, AH, GRE ...: no ports
  }
  set_length(len, c);
  return nullptr;
}

bool read_packet_fast(std::string_view msg, size_t in, Connection& c) {
  Tokens tok;
  if (!tok.load(msg.substr(in))) return false;
  // Positions from here on count from `in`. Every step reads the token at `t`, so that each
  // end() is that token's end.
  const auto view = [&](size_t v, size_t len) {
    return std::string_view(msg.data() + in + v, len);
  };
  // IN= and OUT=, then MAC= when the packet came in on Ethernet.
  size_t t = 0;
  if (!tok.skip(t) || !tok.key_at(t, "OUT=") || !tok.skip(t)) return false;
  if (tok.key_at(t, "MAC=") && !tok.skip(t)) return false;
  size_t src, src_len, dst, dst_len, len, len_len;
  if (!tok.take(t, "SRC=", src, src_len) || !tok.take(t, "DST=", dst, dst_len) ||
      !tok.take(t, "LEN=", len, len_len)) {
    return false;
  }
  // TOS= PREC= TTL= ID= and the CE/DF/MF bits (IPv6: TC= HOPLIMIT= FLOWLBL=) up to PROTO=.
  for (int k = 0; !tok.key_at(t, "PROTO="); ++k) {
    if (k == 8 || !tok.skip(t)) return false;
  }
  size_t proto, proto_len;
  if (!tok.take(t, "PROTO=", proto, proto_len)) return false;
  const std::string_view name = view(proto, proto_len);
  c.orig_p = c.resp_p = 0;
  TcpFlags flags;
  if (name == "TCP" || name == "UDP") {
    c.ip_proto = name[0] == 'T' ? kProtoTcp : kProtoUdp;
    size_t spt, spt_len, dpt, dpt_len;
    if (!tok.take(t, "SPT=", spt, spt_len) || !tok.take(t, "DPT=", dpt, dpt_len, true) ||
        !fw::parse_uint(view(spt, spt_len), c.orig_p) ||
        !fw::parse_uint(view(dpt, dpt_len), c.resp_p)) {
      return false;
    }
    if (c.ip_proto == kProtoTcp) {
      // WINDOW= RES= then the flags, up to URGP=; the end of the line first (a cut line) is
      // the general reader's to judge.
      while (!tok.key_at(t, "URGP=")) {
        const size_t e = tok.end();
        if (e >= tok.n()) return false;
        if (e - t == 3) flags.add(tok.at(t));
        t = e + 1;
      }
    }
  } else if (name == "ICMP") {
    c.ip_proto = kProtoIcmp;
    size_t type, type_len, code, code_len;
    if (!tok.take(t, "TYPE=", type, type_len) || !tok.take(t, "CODE=", code, code_len, true) ||
        !set_icmp(view(type, type_len), view(code, code_len), c)) {
      return false;
    }
  } else {
    return false;  // other protocols, numbers, lower case, ICMPv6: the general reader
  }
  // A bracket among the fields read (an ICMP error's quoted packet before URGP=, a prefix glued
  // to a key) can change what the general search finds: that line is its to read.
  if (!tok.no_bracket_before(t)) return false;
  if (!fw::parse_ip(view(src, src_len), c.orig_h) || !fw::parse_ip(view(dst, dst_len), c.resp_h)) {
    return false;
  }
  set_history(flags.history(), c);
  set_length(view(len, len_len), c);
  return true;
}

size_t find_in(std::string_view msg) {
  return callhome::find_in(msg);
}

bool same_packet(const Connection& a, const Connection& b) {
  return a.orig_h == b.orig_h && a.resp_h == b.resp_h && a.ip_proto == b.ip_proto &&
         a.orig_p == b.orig_p && a.resp_p == b.resp_p && a.history == b.history &&
         a.has_counts == b.has_counts && a.orig_pkts == b.orig_pkts &&
         a.orig_ip_bytes == b.orig_ip_bytes;
}

}  // namespace iptables_detail

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

    // Nearly every line has netfilter's own field order and reads in one pass; anything
    // unusual is read (or rejected, with its reason) by the general search instead.
    if (!iptables_detail::read_packet_fast(msg, in, c)) {
      if (const char* why = iptables_detail::read_packet(msg, in, c)) {
        report.reject(n, lines.line_offset(), why);
        continue;
      }
    }
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
