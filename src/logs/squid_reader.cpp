#include "logs/squid_reader.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace callhome {
namespace {

// Why a line could not be used; nullptr when it could. String literals only, so that the hot
// path never allocates for a reason that is thrown away.
using Why = const char*;

constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Blank-separated tokens of one line, as the offsets where each starts and ends: token i is
// [edge[2i], edge[2i+1]). Squid pads the elapsed column with spaces, so runs of blanks count as
// one separator.
constexpr size_t kMaxTokens = 16;
struct Tokens {
  const char* line = nullptr;
  size_t count = 0;
  uint32_t edge[2 * kMaxTokens];
  std::string_view operator[](size_t i) const {
    return std::string_view(line + edge[2 * i], edge[2 * i + 1] - edge[2 * i]);
  }
  // From the start of token `first` to the end of token `last`, blanks included.
  std::string_view span(size_t first, size_t last) const {
    return std::string_view(line + edge[2 * first], edge[2 * last + 1] - edge[2 * first]);
  }
};

// Bit i is set when block[i] is a blank, for the 64 bytes at `block`.
uint64_t blank_mask(const char* block) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  uint64_t mask = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
    const __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, tab));
    mask |= uint64_t(uint16_t(_mm_movemask_epi8(hit))) << (16 * i);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) mask |= uint64_t(is_blank(block[i])) << i;
  return mask;
#endif
}

// The blank mask of the line's 64-byte block at `base`. Bits beyond the line are set, so that a
// token never runs past its end; the line's last bytes are never read past.
uint64_t line_blank_mask(const char* line, size_t len, size_t base) {
  const size_t left = len - base;
  if (left >= 64) return blank_mask(line + base);
  const uint64_t beyond = ~uint64_t(0) << left;
  if (len >= 64) return blank_mask(line + len - 64) >> (64 - left) | beyond;  // the last 64
  char padded[64];  // a line shorter than one block
  std::memcpy(padded, line, len);
  std::memset(padded + len, ' ', 64 - len);
  return blank_mask(padded) | beyond;
}

// Finds the tokens 64 bytes at a time from a bit mask of blanks: each set bit of `edges` starts
// or ends a token, so the offsets are written out in order without asking which. A byte-by-byte
// scan mispredicted its way through most of the time of reading a line. Returns false when the
// line has more than kMaxTokens tokens.
bool tokenize(std::string_view s, Tokens& t) {
  const char* p = s.data();
  const size_t len = s.size();
  size_t n = 0;
  uint64_t carry = 0;  // 1 when the previous block ended inside a token
  for (size_t base = 0; base < len; base += 64) {
    const uint64_t word = ~line_blank_mask(p, len, base);
    uint64_t edges = word ^ (word << 1 | carry);
    carry = word >> 63;
    while (edges) {
      if (n == 2 * kMaxTokens) return false;  // a 17th token starts
      t.edge[n++] = uint32_t(base + size_t(__builtin_ctzll(edges)));
      edges &= edges - 1;
    }
  }
  if (n % 2) t.edge[n++] = uint32_t(len);  // a token that runs to the end of a 64-byte multiple
  t.line = p;
  t.count = n / 2;
  return true;
}

// The whole of `s` as decimal digits (at most 19: no overflow). A plain loop: these fields are a
// few digits long, and from_chars' generality cost more than the digits.
template <typename T>
bool parse_uint(std::string_view s, T& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    const unsigned d = unsigned(uint8_t(c)) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (v > uint64_t(std::numeric_limits<T>::max())) return false;
  out = T(v);
  return true;
}

// Eight ASCII digits at `p` as a number, or -1 if any is not a digit: three multiplies instead
// of eight dependent steps (the usual SWAR reduction, pairs then quads then the octet).
int64_t eight_digits(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  v -= 0x3030303030303030ull;
  // A byte that was below '0' wrapped to >= 0x80; one above '9' gets its high bit from + 0x76.
  if ((v | (v + 0x7676767676767676ull)) & 0x8080808080808080ull) return -1;
  v = (v * 10 + (v >> 8)) & 0x00ff00ff00ff00ffull;
  v = (v * 100 + (v >> 16)) & 0x0000ffff0000ffffull;
  return int64_t((v * 10000 + (v >> 32)) & 0xffffffffull);
}

// n / 1000 for every n below 1000, as the division gives it: a load instead of a divide.
constexpr std::array<double, 1000> kMilliseconds = [] {
  std::array<double, 1000> t{};
  for (size_t i = 0; i < t.size(); ++i) t[i] = double(i) / 1000;
  return t;
}();

// Epoch seconds with an optional fraction ("990049564.625"); no sign, no exponent, no inf/nan.
// Squid's own shape, ten digits, a dot and three, takes the fast path; other lengths are summed
// by hand. The result is within an ulp of the correctly rounded value, far below the
// millisecond logged.
bool parse_epoch(std::string_view s, double& out) {
  if (s.size() == 14 && s[10] == '.') {  // "dddddddddd.ddd"
    const int64_t high = eight_digits(s.data());
    const unsigned d8 = unsigned(uint8_t(s[8])) - '0', d9 = unsigned(uint8_t(s[9])) - '0';
    const unsigned f0 = unsigned(uint8_t(s[11])) - '0', f1 = unsigned(uint8_t(s[12])) - '0',
                   f2 = unsigned(uint8_t(s[13])) - '0';
    if (high >= 0 && d8 <= 9 && d9 <= 9 && f0 <= 9 && f1 <= 9 && f2 <= 9) {
      const uint64_t whole = uint64_t(high) * 100 + d8 * 10 + d9;
      out = double(whole) + kMilliseconds[f0 * 100 + f1 * 10 + f2];
      return true;
    }
  }
  if (s.empty() || !is_digit(s[0])) return false;
  uint64_t whole = 0, frac = 0, scale = 1;
  size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) whole = whole * 10 + uint64_t(s[i] - '0');
  const size_t int_digits = i;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && is_digit(s[i]) && scale < 1000000000; ++i) {
      frac = frac * 10 + uint64_t(s[i] - '0');
      scale *= 10;
    }
  }
  if (i == s.size() && int_digits <= 12) {
    out = double(whole) + double(frac) / double(scale);
    return true;
  }
  for (char c : s) {
    if (!is_digit(c) && c != '.') return false;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

// A plain loop: for the few bytes searched here, a memchr call costs more than it saves.
size_t find_short(std::string_view s, char c) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == c) return i;
  }
  return std::string_view::npos;
}

// "DIRECT/peer", "HIER_NONE/-", "FIRST_UP_PARENT/10.0.0.1": an upper-case code, a slash, a
// peer. Returns where the slash is, or 0 when `s` is not that.
size_t hierarchy_slash(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '/') return i;
    if (!((c >= 'A' && c <= 'Z') || c == '_' || is_digit(c))) return 0;
  }
  return 0;
}

// Host and port a request was for: the authority of an absolute URL, or the CONNECT target.
struct Target {
  std::string_view host;
  uint16_t port = 0;
};

// What a byte means inside a URL's authority, found with one table lookup a byte.
enum : uint8_t { kEndsAuthority = 1, kEndsConnectTarget = 2, kAt = 4, kColon = 8 };
constexpr std::array<uint8_t, 256> kAuthorityBytes = [] {
  std::array<uint8_t, 256> t{};
  t['/'] = kEndsAuthority | kEndsConnectTarget;
  t['?'] = t['#'] = kEndsAuthority;
  t['@'] = kAt;
  t[':'] = kColon;
  return t;
}();

Target request_target(std::string_view method, std::string_view url) {
  size_t from = 0;  // where the authority starts
  uint16_t default_port = 0;
  uint8_t ends = kEndsAuthority;
  if (url.starts_with("http://")) {  // nearly every proxied request: no scheme search
    from = 7;
    default_port = 80;
  } else if (url.starts_with("https://")) {
    from = 8;
    default_port = 443;
  } else if (const size_t scheme_end = find_short(url.substr(0, 11), ':');
             scheme_end != std::string_view::npos && scheme_end > 0 &&
             url.substr(scheme_end).starts_with("://")) {
    const std::string_view scheme = url.substr(0, scheme_end);
    if (scheme == "http" || scheme == "ws") default_port = 80;
    if (scheme == "https" || scheme == "wss") default_port = 443;
    if (scheme == "ftp") default_port = 21;
    from = scheme_end + 3;
  } else if (method == "CONNECT") {
    ends = kEndsConnectTarget;
  } else {
    return {};  // a path or an error tag ("error:invalid-request"): no host named
  }
  // One pass finds the authority's end, its last '@' (user:password@) and the last ':' after
  // it (the port).
  size_t host_from = from, colon = std::string_view::npos, end = from;
  const auto ends_at = [&](size_t i) {  // false while the authority goes on past byte i
    const uint8_t k = kAuthorityBytes[uint8_t(url[i])];
    if (k & ends) return true;
    if (k & kAt) {
      host_from = i + 1;
      colon = std::string_view::npos;
    } else if (k & kColon) {
      colon = i;
    }
    return false;
  };
  bool found = false;
#if defined(__SSE2__)
  // Sixteen bytes at a time: only the few that can matter are looked at one by one.
  for (; end + 16 <= url.size(); end += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(url.data() + end));
    __m128i hit =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                                         _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
    for (unsigned m = unsigned(_mm_movemask_epi8(hit)); m != 0 && !found; m &= m - 1) {
      const size_t at = end + size_t(__builtin_ctz(m));
      if ((found = ends_at(at))) end = at;
    }
    if (found) break;
  }
#endif
  while (!found && end < url.size()) {
    if (!(found = ends_at(end))) ++end;
  }
  const std::string_view authority = url.substr(host_from, end - host_from);
  Target t;
  std::string_view port_text;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return {};
    t.host = authority.substr(1, close - 1);
    if (authority.substr(close + 1).starts_with(':')) port_text = authority.substr(close + 2);
  } else if (colon == std::string_view::npos) {
    t.host = authority;
  } else {
    t.host = url.substr(host_from, colon - host_from);
    port_text = url.substr(colon + 1, end - colon - 1);
  }
  if (!port_text.empty() && !parse_uint(port_text, t.port)) {
    t.host = authority;  // not a port after all: keep the authority whole
    t.port = 0;
  }
  if (t.port == 0) t.port = default_port;
  return t;
}

// Fields both formats share once their tokens are found; `slash` is where the hierarchy's code
// ends and its peer starts.
void fill_target_and_action(std::string_view method, size_t slash, HttpEvent& ev) {
  const bool denied = ev.result.starts_with("TCP_DENIED");
  ev.action = denied || ev.status == 403 || ev.status == 407 ? Action::blocked : Action::allowed;
  const Target target = request_target(method, ev.url);
  ev.host = target.host;
  ev.server_port = 0;
  const std::string_view peer =
      slash == std::string_view::npos ? std::string_view() : ev.hierarchy.substr(slash + 1);
  if (!Address::parse_v4(peer, ev.server)) {  // the usual peer is a dotted quad
    const auto address = peer.empty() || peer == "-" ? std::nullopt : Address::parse(peer);
    ev.server = address.value_or(Address{});
    if (!address) return;  // a host name or no peer: the address contacted is not known
  }
  // The URL's port is the port contacted only when Squid went to the origin itself.
  std::string_view code = ev.hierarchy.substr(0, slash);
  if (code.starts_with("HIER_")) code.remove_prefix(5);  // Squid 3's spelling
  if (code == "DIRECT" || code == "ORIGINAL_DST" || code == "PINNED") {
    ev.server_port = target.port;
  }
}

// time elapsed client result/status bytes method URL ident hierarchy/peer type [extra...]
// `t` is the caller's scratch space: zeroing it per line was a tenth of the time.
Why parse_native(std::string_view line, Tokens& t, HttpEvent& ev) {
  if (!tokenize(line, t)) return "more fields than a native Squid line has";
  const size_t n = t.count;
  if (n < 10) return "fewer than the 10 fields of a native Squid line";
  size_t url_last = 6;  // index of the URL's last token
  size_t peer_slash = hierarchy_slash(t[8]);
  if (peer_slash == 0) {
    // Some front ends log URLs with raw blanks; the fixed fields then sit at the end.
    if (n == 10 || (peer_slash = hierarchy_slash(t[n - 2])) == 0) return "no hierarchy/peer field";
    url_last = n - 4;
  }
  const std::string_view hier = t[url_last + 2], type = t[url_last + 3];

  if (!parse_epoch(t[0], ev.ts)) return "time is not epoch seconds";
  std::string_view ms = t[1];
  const bool negative = ms.starts_with('-');  // clock steps can make Squid log -1
  if (negative) ms.remove_prefix(1);
  uint64_t elapsed_ms = 0;
  if (!parse_uint(ms, elapsed_ms)) return "elapsed time is not a number";
  ev.elapsed = negative ? 0 : double(elapsed_ms) / 1000;
  if (!Address::parse_v4(t[2], ev.client)) {
    auto client = Address::parse(t[2]);
    if (!client) return "client is not an IP address";
    ev.client = *client;
  }

  const std::string_view code = t[3];
  const size_t code_end = code.rfind('/');
  if (code_end == std::string_view::npos || code_end == 0) return "result code is not CODE/status";
  if (!parse_uint(code.substr(code_end + 1), ev.status) || ev.status > 999) {
    return "HTTP status is not a number";
  }
  if (!parse_uint(t[4], ev.bytes)) return "byte count is not a number";

  ev.result = code.substr(0, code_end);
  ev.method = t[5];
  ev.url = t.span(6, url_last);
  ev.hierarchy = hier;
  ev.content_type = type == "-" ? std::string_view() : type;
  ev.user_agent = {};  // the native format does not log it
  fill_target_and_action(t[5], peer_slash, ev);
  return nullptr;
}

int month_number(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (m == kMonths[i]) return int(i) + 1;
  }
  return 0;
}

// "17/Nov/2006:13:12:50 +0100" (Squid's %tl, the Apache log time) to UNIX seconds.
bool parse_clf_time(std::string_view s, double& out) {
  if (s.size() != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
      s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-')) {
    return false;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0, off_h = 0, off_m = 0;
  if (!parse_uint(s.substr(0, 2), day) || !parse_uint(s.substr(7, 4), year) ||
      !parse_uint(s.substr(12, 2), hour) || !parse_uint(s.substr(15, 2), minute) ||
      !parse_uint(s.substr(18, 2), second) || !parse_uint(s.substr(22, 2), off_h) ||
      !parse_uint(s.substr(24, 2), off_m)) {
    return false;
  }
  const int month = month_number(s.substr(3, 3));
  if (month == 0 || hour > 23 || minute > 59 || second > 60 || off_h > 23 || off_m > 59) {
    return false;
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.day() != day || civil.month() != month) return false;  // 31/Feb and the like
  const int64_t offset = (s[21] == '-' ? -1 : 1) * (off_h * 3600 + off_m * 60);
  out = double(absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone())) - offset);
  return true;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Takes the next blank-delimited token off the front of `s`.
std::string_view take_token(std::string_view& s) {
  s = trim_blanks(s);
  size_t i = 0;
  while (i < s.size() && !is_blank(s[i])) ++i;
  std::string_view tok = s.substr(0, i);
  s.remove_prefix(i);
  return tok;
}

// client ident user [time] "METHOD URL HTTP/v" status bytes ["referer" "agent"] [result:hier]
Why parse_clf(std::string_view line, HttpEvent& ev) {
  std::string_view rest = line;
  const std::string_view client = take_token(rest);
  take_token(rest);  // ident
  take_token(rest);  // user
  rest = trim_blanks(rest);
  if (!rest.starts_with('[')) return "no [time] field";
  const size_t close = rest.find(']');
  if (close == std::string_view::npos) return "unterminated [time] field";
  if (!parse_clf_time(rest.substr(1, close - 1), ev.ts))
    return "time is not dd/Mon/yyyy:HH:MM:SS +zzzz";
  rest = trim_blanks(rest.substr(close + 1));
  if (!rest.starts_with('"')) return "no quoted request";
  // The request ends at the first quote followed by a blank: Squid escapes quotes inside it.
  size_t end = 1;
  for (;;) {
    end = rest.find('"', end);
    if (end == std::string_view::npos) return "unterminated request";
    if (end + 1 == rest.size() || is_blank(rest[end + 1])) break;
    ++end;
  }
  std::string_view request = rest.substr(1, end - 1);
  rest.remove_prefix(end + 1);

  auto c = Address::parse(client);
  if (!c) return "client is not an IP address";
  const std::string_view method = take_token(request);
  std::string_view url = trim_blanks(request);
  if (const size_t sp = url.rfind(' ');
      sp != std::string_view::npos && url.substr(sp + 1).starts_with("HTTP/")) {
    url = trim_blanks(url.substr(0, sp));
  }
  const std::string_view status = take_token(rest), bytes = take_token(rest);
  if (!parse_uint(status, ev.status) || ev.status > 999) return "HTTP status is not a number";
  if (bytes == "-") {
    ev.bytes = 0;
  } else if (!parse_uint(bytes, ev.bytes)) {
    return "byte count is not a number";
  }
  rest = trim_blanks(rest);
  std::string_view agent;
  if (rest.starts_with('"')) {  // combined: "referer" "user agent", the agent to the last quote
    const size_t ref_end = rest.find('"', 1);
    if (ref_end == std::string_view::npos) return "unterminated referer";
    std::string_view after = trim_blanks(rest.substr(ref_end + 1));
    const size_t agent_end = after.rfind('"');
    if (!after.starts_with('"') || agent_end == 0) return "no quoted user agent";
    agent = after.substr(1, agent_end - 1);
    rest = after.substr(agent_end + 1);
  }
  const std::string_view tail = take_token(rest);  // Squid's %Ss:%Sh, absent in plain CLF
  const size_t colon = tail.find(':');

  ev.client = *c;
  ev.method = method;
  ev.url = url;
  ev.user_agent = agent == "-" ? std::string_view() : agent;
  ev.result = tail.substr(0, colon);
  ev.hierarchy = (colon == std::string_view::npos ? std::string_view() : tail.substr(colon + 1));
  ev.content_type = {};
  ev.elapsed = 0;
  fill_target_and_action(method, find_short(ev.hierarchy, '/'), ev);
  return nullptr;
}

// A CLF line has its time in brackets and the request in quotes; the native format neither.
bool looks_clf(std::string_view line) {
  const size_t open = line.find(" [");
  return open != std::string_view::npos && line.find("] \"", open) != std::string_view::npos;
}

Why parse_line(std::string_view line, Tokens& t, HttpEvent& ev) {
  Why why = parse_native(line, t, ev);
  if (why && looks_clf(line)) why = parse_clf(line, ev);
  return why;
}

bool is_blank_line(std::string_view line) {
  return trim_blanks(line).empty();
}

// A CLF line is a proxy's only if it names a proxy result or an absolute target: web servers
// write the same format with relative paths.
bool clf_is_proxy(const HttpEvent& ev) {
  const std::string_view r = ev.result;
  return r.starts_with("TCP_") || r.starts_with("UDP_") || r.starts_with("NONE") ||
         r.starts_with("TAG_NONE") || ev.method == "CONNECT" ||
         ev.url.find("://") != std::string_view::npos;
}

}  // namespace

int sniff_squid(std::string_view head) {
  HttpEvent scratch;
  Tokens tokens;
  size_t considered = 0, matched = 0;
  while (!head.empty() && considered < 50) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (is_blank_line(line)) continue;
    ++considered;
    if (parse_native(line, tokens, scratch) == nullptr) {
      ++matched;
    } else if (looks_clf(line) && parse_clf(line, scratch) == nullptr && clf_is_proxy(scratch)) {
      ++matched;
    }
  }
  if (matched == 0) return 0;
  if (matched == considered) return considered >= 3 ? 95 : 80;
  const double ratio = double(matched) / double(considered);
  return ratio >= 0.5 ? int(ratio * 90) : int(ratio * 40);  // one stray line scores near 0
}

void read_squid(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  HttpEvent ev;
  Tokens tokens;
  ev.via_proxy = true;
  std::string_view line;
  while (lines.next(line)) {
    if (lines.overlong()) {
      report.reject(lines.line_number(), lines.line_offset(), "line too long");
      continue;
    }
    if (is_blank_line(line)) continue;
    if (Why why = parse_line(line, tokens, ev)) {
      report.reject(lines.line_number(), lines.line_offset(), why);
      continue;
    }
    ev.prov = {ctx.input_index, lines.line_number()};
    ++report.records;
    report.saw_time(ev.ts);
    sink.on_http(ev);
  }
}

}  // namespace callhome
