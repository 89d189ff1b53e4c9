#include "fingerprint/p0f_database.h"

#include <cstdlib>

#include "enrich/tsv.h"

namespace callhome {
namespace {

constexpr int kMaxDistance = 35;  // p0f's MAX_DIST

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A cursor over one signature's text: every read checks what is left, so a broken line can only
// fail, never read past its end.
struct Cursor {
  std::string_view s;

  bool eat(char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
  }
  bool eat(std::string_view word) {
    if (!s.starts_with(word)) return false;
    s.remove_prefix(word.size());
    return true;
  }
  // A decimal number up to `max`; false when there are no digits or it is larger.
  bool number(long max, long& out) {
    size_t n = 0;
    out = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 7) {
      out = out * 10 + (s[n] - '0');
      ++n;
    }
    if (n == 0 || (n < s.size() && s[n] >= '0' && s[n] <= '9') || out > max) return false;
    s.remove_prefix(n);
    return true;
  }
};

bool fail(std::string* why, const char* what) {
  if (why) *why = what;
  return false;
}

bool parse_options(Cursor& c, TcpSignature& sig, std::string* why) {
  if (c.eat(':')) return true;  // no options
  while (true) {
    if (sig.option_count >= TcpSignature::kMaxOptions) return fail(why, "too many TCP options");
    long v = 0;
    if (c.eat("eol+")) {
      if (!c.number(255, v)) return fail(why, "malformed eol+N");
      sig.options[sig.option_count++] = tcp_opt::kEol;
      sig.eol_pad = uint8_t(v);
      if (!c.eat(':')) return fail(why, "eol must be the last option");
      return true;
    }
    uint8_t kind;
    if (c.eat("nop")) {
      kind = tcp_opt::kNop;
    } else if (c.eat("mss")) {
      kind = tcp_opt::kMss;
    } else if (c.eat("ws")) {
      kind = tcp_opt::kWs;
    } else if (c.eat("sok")) {
      kind = tcp_opt::kSok;
    } else if (c.eat("sack")) {
      kind = tcp_opt::kSack;
    } else if (c.eat("ts")) {
      kind = tcp_opt::kTs;
    } else if (c.eat('?')) {
      if (!c.number(255, v)) return fail(why, "malformed ?N option");
      kind = uint8_t(v);
    } else {
      return fail(why, "unknown TCP option");
    }
    sig.options[sig.option_count++] = kind;
    if (c.eat(':')) return true;
    if (!c.eat(',')) return fail(why, "malformed TCP options");
  }
}

bool parse_quirks(Cursor& c, TcpSignature& sig, std::string* why) {
  if (c.eat(':')) return true;
  struct Name {
    const char* text;
    uint32_t bit;
    int8_t not_for;  // the IP version the quirk cannot occur in (0: none)
  };
  static constexpr Name kQuirks[] = {
      {"df", tcp_quirk::kDf, 6},           {"id+", tcp_quirk::kNzId, 6},
      {"id-", tcp_quirk::kZeroId, 6},      {"ecn", tcp_quirk::kEcn, 0},
      {"0+", tcp_quirk::kNzMbz, 6},        {"flow", tcp_quirk::kFlow, 4},
      {"seq-", tcp_quirk::kZeroSeq, 0},    {"ack+", tcp_quirk::kNzAck, 0},
      {"ack-", tcp_quirk::kZeroAck, 0},    {"uptr+", tcp_quirk::kNzUrg, 0},
      {"urgf+", tcp_quirk::kUrg, 0},       {"pushf+", tcp_quirk::kPush, 0},
      {"ts1-", tcp_quirk::kOptZeroTs1, 0}, {"ts2+", tcp_quirk::kOptNzTs2, 0},
      {"opt+", tcp_quirk::kOptEolNz, 0},   {"exws", tcp_quirk::kOptExws, 0},
      {"bad", tcp_quirk::kOptBad, 0}};
  while (true) {
    const Name* found = nullptr;
    for (const Name& q : kQuirks) {
      if (c.eat(q.text)) {
        found = &q;
        break;
      }
    }
    if (!found) return fail(why, "unknown quirk");
    if (found->not_for != 0 && sig.ip_version == found->not_for) {
      return fail(why, "quirk not valid for this IP version");
    }
    sig.quirks |= found->bit;
    if (c.eat(':')) return true;
    if (!c.eat(',')) return fail(why, "malformed quirks");
  }
}

}  // namespace

bool parse_p0f_signature(std::string_view text, P0fSignature& out, std::string* why) {
  out = P0fSignature{};
  out.text = std::string(text);
  TcpSignature& sig = out.sig;
  Cursor c{text};
  long v = 0;
  if (c.eat('4')) {
    sig.ip_version = 4;
  } else if (c.eat('6')) {
    sig.ip_version = 6;
  } else if (c.eat('*')) {
    sig.ip_version = -1;
  } else {
    return fail(why, "unknown IP version");
  }
  if (!c.eat(':')) return fail(why, "malformed signature");
  // Initial TTL: "64", "64-" (randomised by a tool), or "64+3" (a distance added).
  if (!c.number(255, v) || v < 1) return fail(why, "bogus initial TTL");
  long ttl = v;
  if (c.eat('-')) {
    out.bad_ttl = true;
  } else if (c.eat('+')) {
    if (!c.number(255, v) || ttl + v > 255) return fail(why, "bogus initial TTL");
    ttl += v;
  }
  sig.ttl = uint8_t(ttl);
  if (!c.eat(':') || !c.number(255, v) || !c.eat(':')) return fail(why, "bogus IP option length");
  sig.ip_opt_len = uint8_t(v);
  if (c.eat("*:")) {
    sig.mss = -1;
  } else if (c.number(65535, v) && c.eat(':')) {
    sig.mss = int32_t(v);
  } else {
    return fail(why, "bogus MSS");
  }
  if (c.eat("*,")) {
    sig.win_type = WindowType::any;
  } else {
    if (c.eat('%')) {
      sig.win_type = WindowType::mod;
      if (!c.number(65535, v) || v < 2) return fail(why, "bogus %N window");
    } else if (c.s.starts_with("mss*") || c.s.starts_with("mtu*")) {
      sig.win_type = c.s[1] == 's' ? WindowType::mss : WindowType::mtu;
      c.s.remove_prefix(4);
      if (!c.number(1000, v) || v < 1) return fail(why, "bogus MSS/MTU multiplier");
    } else if (!c.number(65535, v)) {
      return fail(why, "bogus window size");
    }
    sig.win = uint16_t(v);
    if (!c.eat(',')) return fail(why, "malformed window");
  }
  if (c.eat("*:")) {
    sig.wscale = -1;
  } else if (c.number(255, v) && c.eat(':')) {
    sig.wscale = int16_t(v);
  } else {
    return fail(why, "bogus window scale");
  }
  if (!parse_options(c, sig, why) || !parse_quirks(c, sig, why)) return false;
  if (c.s == "*") {
    sig.pay_class = -1;
  } else if (c.s == "0") {
    sig.pay_class = 0;
  } else if (c.s == "+") {
    sig.pay_class = 1;
  } else {
    return fail(why, "malformed payload class");
  }
  return true;
}

std::string P0fDatabase::default_path() {
  if (const char* env = std::getenv("CALLHOME_P0F_FP"); env && *env) return env;
  return "/etc/p0f/p0f.fp";
}

P0fDatabase P0fDatabase::parse(std::string_view text, std::string_view name) {
  P0fDatabase db;
  enum class Section { other, request, response } section = Section::other;
  bool have_label = false;
  size_t line_no = 0;
  const auto warn = [&](const std::string& what) {
    db.warnings_.push_back(std::string(name) + ":" + std::to_string(line_no) + ": " + what);
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == ';') continue;
    if (line.front() == '[') {
      section = line == "[tcp:request]"    ? Section::request
                : line == "[tcp:response]" ? Section::response
                                           : Section::other;
      have_label = false;
      continue;
    }
    if (section == Section::other) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      warn("not a 'key = value' line");
      continue;
    }
    const std::string_view key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "label") {
      // "s:win:Windows:XP": kind, class, name, then the flavor (which may hold colons).
      P0fLabel l;
      const size_t a = value.find(':');
      const size_t b = a == std::string_view::npos ? a : value.find(':', a + 1);
      const size_t c = b == std::string_view::npos ? b : value.find(':', b + 1);
      if (c == std::string_view::npos || a != 1 || (value[0] != 's' && value[0] != 'g')) {
        warn("malformed label");
        have_label = false;
        continue;
      }
      l.generic = value[0] == 'g';
      l.os_class = std::string(value.substr(a + 1, b - a - 1));
      l.name = std::string(value.substr(b + 1, c - b - 1));
      l.flavor = std::string(value.substr(c + 1));
      if (l.os_class.empty() || l.name.empty()) {
        warn("label without a class or name");
        have_label = false;
        continue;
      }
      db.labels_.push_back(std::move(l));
      have_label = true;
    } else if (key == "sig") {
      if (!have_label) {
        warn("signature without a label");
        continue;
      }
      P0fSignature s;
      std::string why;
      if (!parse_p0f_signature(value, s, &why)) {
        warn(why);
        continue;
      }
      s.label = db.labels_.size() - 1;
      s.line = line_no;
      db.sigs_[section == Section::response].push_back(std::move(s));
    }
    // "sys" (which systems a tool runs on) and "classes" say nothing a match needs.
  }
  return db;
}

Result<P0fDatabase> P0fDatabase::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

P0fMatch P0fDatabase::match(bool syn_ack, const TcpSignature& pk, uint16_t syn_mss) const {
  bool use_mtu = false;
  const int win_multi = window_multiplier(pk, &use_mtu, syn_mss);
  const P0fSignature* fuzzy_match = nullptr;
  const P0fSignature* generic_match = nullptr;
  P0fMatch m;
  // p0f's tcp_find_match: signatures with the packet's option layout, in file order.
  for (const P0fSignature& ref : sigs_[syn_ack]) {
    const TcpSignature& r = ref.sig;
    if (!r.same_layout(pk)) continue;
    bool fuzzy = false;
    uint32_t ref_quirks = r.quirks;
    // A signature for either IP version loses the quirks the packet's version cannot have.
    if (r.ip_version == -1) {
      ref_quirks &= pk.ip_version == 4 ? ~tcp_quirk::kFlow
                                       : ~(tcp_quirk::kDf | tcp_quirk::kNzId | tcp_quirk::kZeroId);
    }
    if (ref_quirks != pk.quirks) {
      const uint32_t deleted = (ref_quirks ^ pk.quirks) & ref_quirks;
      const uint32_t added = (ref_quirks ^ pk.quirks) & pk.quirks;
      // DF or a non-zero ID gone, a zero ID or ECN come: a fuzzy match at best (and only the
      // first such), as routers and NATs rewrite those.
      if (fuzzy_match || (deleted & ~(tcp_quirk::kDf | tcp_quirk::kNzId)) ||
          (added & ~(tcp_quirk::kZeroId | tcp_quirk::kEcn))) {
        continue;
      }
      fuzzy = true;
    }
    if (r.eol_pad != pk.eol_pad || r.ip_opt_len != pk.ip_opt_len) continue;
    if (ref.bad_ttl) {
      if (r.ttl < pk.ttl) continue;
    } else if (r.ttl < pk.ttl || r.ttl - pk.ttl > kMaxDistance) {
      fuzzy = true;
    }
    if (r.mss != -1 && r.mss != pk.mss) continue;
    if (r.wscale != -1 && r.wscale != pk.wscale) continue;
    if (r.pay_class != -1 && r.pay_class != pk.pay_class) continue;
    switch (r.win_type) {
      case WindowType::normal:
        if (r.win != pk.win) continue;
        break;
      case WindowType::mod:
        if (pk.win % r.win) continue;
        break;
      case WindowType::mss:
        if (use_mtu || r.win != win_multi) continue;
        break;
      case WindowType::mtu:
        if (!use_mtu || r.win != win_multi) continue;
        break;
      case WindowType::any:
        break;
    }
    if (!fuzzy) {
      if (!labels_[ref.label].generic) {
        m.signature = &ref;
        break;
      }
      if (!generic_match) generic_match = &ref;
    } else if (!fuzzy_match) {
      fuzzy_match = &ref;
    }
  }
  if (!m.signature && generic_match) m.signature = generic_match;
  if (m.signature) {
    m.label = &labels_[m.signature->label];
    m.distance = m.signature->sig.ttl - pk.ttl;
  } else if (fuzzy_match && !labels_[fuzzy_match->label].is_tool()) {
    // No fuzzy matching for userland tools, as in p0f.
    m.signature = fuzzy_match;
    m.label = &labels_[fuzzy_match->label];
    m.fuzzy = true;
    const int ttl = fuzzy_match->sig.ttl;
    m.distance = (ttl < pk.ttl || (!fuzzy_match->bad_ttl && ttl - pk.ttl > kMaxDistance))
                     ? guess_ttl_distance(pk.ttl)
                     : ttl - pk.ttl;
  } else {
    m.distance = guess_ttl_distance(pk.ttl);
  }
  m.excess_distance = m.distance > kMaxDistance;
  return m;
}

}  // namespace callhome
