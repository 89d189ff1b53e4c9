#include "logs/asa_reader.h"

#include <absl/container/flat_hash_map.h>

#include <deque>
#include <string>

#include "logs/fw_text.h"
#include "logs/syslog_header.h"

namespace callhome {
namespace {

constexpr size_t npos = std::string_view::npos;
// Built connections waiting for their teardown. A busy ASA has far more open at once, but a
// log only needs those whose teardown is still to come; the oldest go out early (without a
// duration) when this fills, so memory stays bounded whatever the log.
constexpr size_t kMaxPending = size_t(1) << 17;

struct Tag {
  unsigned id = 0;
  std::string_view body;  // the message text after "%ASA-6-302013: "
};

// "%ASA-6-302013:" (also PIX, FWSM, FTD, and without the '%' as some collectors store it).
bool find_tag(std::string_view s, Tag& out) {
  for (std::string_view family : {"ASA-", "PIX-", "FTD-", "FWSM-"}) {
    size_t from = 0;
    while (true) {
      const size_t i = s.find(family, from);
      if (i == npos) break;
      from = i + 1;
      if (i > 0 && s[i - 1] != '%' && s[i - 1] != ' ') continue;
      std::string_view t = s.substr(i + family.size());
      unsigned severity = 0, id = 0;
      if (!fw::take_uint(t, severity) || severity > 7 || t.empty() || t.front() != '-') continue;
      t.remove_prefix(1);
      std::string_view digits = t;
      if (!fw::take_uint(t, id) || digits.size() - t.size() != 6) continue;
      // "ASA-4-401004 Shunned ..." exists without the colon; accept either.
      if (!t.empty() && t.front() == ':') t.remove_prefix(1);
      out.id = id;
      out.body = fw::trim(t);
      return true;
    }
  }
  return false;
}

// Space-separated words of a message.
class Words {
 public:
  explicit Words(std::string_view s) : s_(s) {}
  std::string_view next() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    const size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ' ') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view rest() const { return s_.substr(pos_); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

struct Endpoint {
  Address addr;
  uint16_t port = 0;
  bool has_port = false;
  bool named = false;  // the address was a host name (the ASA's "names" feature)
};

// "iface:addr/port", "addr/port", "iface:addr", "addr", "iface/addr(port)" (106100). Trailing
// punctuation and a glued "(type" (106014 without its space) are cut off first.
bool parse_endpoint(std::string_view tok, Endpoint& e) {
  e = Endpoint{};
  while (!tok.empty() && (tok.back() == ',' || tok.back() == ';' || tok.back() == '.')) {
    tok.remove_suffix(1);
  }
  std::string_view port;
  if (size_t open = tok.find('('); open != npos) {
    if (tok.back() == ')' && tok.find('/') < open) {  // 106100: iface/addr(port)
      port = tok.substr(open + 1, tok.size() - open - 2);
      tok = tok.substr(tok.find('/') + 1, open - tok.find('/') - 1);
    } else {
      tok = tok.substr(0, open);
    }
  } else if (size_t slash = tok.rfind('/'); slash != npos) {
    port = tok.substr(slash + 1);
    tok = tok.substr(0, slash);
  }
  if (!port.empty()) {
    if (!fw::parse_uint(port, e.port)) return false;
    e.has_port = true;
  }
  if (fw::parse_ip(tok, e.addr)) return true;
  if (size_t colon = tok.find(':'); colon != npos) {
    tok = tok.substr(colon + 1);
    if (fw::parse_ip(tok, e.addr)) return true;
  }
  e.named = !tok.empty();
  return false;
}

// The IP protocol a word names ("tcp", "UDP", "icmp"), or -1.
int proto_word(std::string_view w) {
  if (w.empty() || fw::is_digit(w.front())) return -1;
  return fw::proto_from_name(w);
}

// "(type 8, code 0)" or "type 8 code 0" anywhere in `s`.
bool icmp_type_code(std::string_view s, unsigned& type, unsigned& code) {
  const size_t t = s.find("type ");
  if (t == npos) return false;
  std::string_view rest = s.substr(t + 5);
  if (!fw::take_uint(rest, type) || type > 255) return false;
  const size_t c = rest.find("code ");
  code = 0;
  if (c != npos && c < 4) {
    rest = rest.substr(c + 5);
    if (!fw::take_uint(rest, code) || code > 255) code = 0;
  }
  return true;
}

// What one access message says.
struct Access {
  Endpoint src, dst;
  int proto = -1;
  Action action = Action::unknown;
  bool icmp_known = false;
  unsigned icmp_type = 0, icmp_code = 0;
  std::string_view flags;  // TCP flags words, when given
};

enum class Parse { ok, unusable, name };

Parse finish_endpoints(bool ok_src, bool ok_dst, const Access& a) {
  if (ok_src && ok_dst) return Parse::ok;
  return (a.src.named || a.dst.named) ? Parse::name : Parse::unusable;
}

// "... [PROTO] ... from A to B [flags F ...]" (106001, 106006, 106007, 106015, 7100xx, 338xxx,
// 420002): the protocol is the last protocol word before "from".
Parse from_to(std::string_view body, Action action, Access& a) {
  a.action = action;
  Words w(body);
  for (std::string_view t = w.next(); !t.empty(); t = w.next()) {
    if (fw::iequals(t, "from")) break;
    if (int p = proto_word(t); p >= 0) a.proto = p;
  }
  const bool s = parse_endpoint(w.next(), a.src);
  std::string_view t = w.next();
  if (!t.empty() && t.front() == '(') t = w.next();  // mapped address
  if (!fw::iequals(t, "to")) return Parse::unusable;
  const bool d = parse_endpoint(w.next(), a.dst);
  if (const size_t f = body.find(" flags "); f != npos) {
    std::string_view fl = body.substr(f + 7);
    a.flags = fl.substr(0, fl.find(" on "));
  }
  return finish_endpoints(s, d, a);
}

// "... PROTO src I:A[/p] dst J:B[/q] [(type T, code C)] ..." (106010, 106014, 106023).
Parse src_dst(std::string_view body, Access& a) {
  a.action = Action::blocked;
  Words w(body);
  std::string_view t = w.next();  // Deny
  for (t = w.next(); !t.empty() && !fw::iequals(t, "src"); t = w.next()) {
    if (fw::iequals(t, "protocol")) {
      unsigned n = 0;
      if (fw::parse_uint(w.next(), n) && n <= 255) a.proto = int(n);
      continue;
    }
    if (int p = proto_word(t); p >= 0) a.proto = p;
  }
  if (t.empty()) return Parse::unusable;
  const bool s = parse_endpoint(w.next(), a.src);
  if (!fw::iequals(w.next(), "dst")) return Parse::unusable;
  const bool d = parse_endpoint(w.next(), a.dst);
  if (a.proto >= 0 && fw::is_icmp(uint8_t(a.proto))) {
    // Usually " (type 8, code 0)" after dst; 106014 sometimes glues it to the address.
    a.icmp_known = icmp_type_code(w.rest(), a.icmp_type, a.icmp_code) ||
                   icmp_type_code(body, a.icmp_type, a.icmp_code);
  }
  return finish_endpoints(s, d, a);
}

// 106100: "access-list NAME permitted|denied|est-allowed PROTO I/A(p) -> J/B(q) hit-cnt N ...".
// hit-cnt counts the flows the ACE matched in the interval; one record is written for the
// line (we do not invent N connections we cannot place in time).
Parse access_list(std::string_view body, Access& a) {
  Words w(body);
  if (!fw::iequals(w.next(), "access-list")) return Parse::unusable;
  w.next();  // ACL name
  const std::string_view verdict = w.next();
  a.action = fw::iequals(verdict, "denied") ? Action::blocked : Action::allowed;
  const std::string_view proto = w.next();
  a.proto = fw::proto_from_name(proto);
  if (a.proto < 0) return Parse::unusable;
  const bool s = parse_endpoint(w.next(), a.src);
  if (w.next() != "->") return Parse::unusable;
  const bool d = parse_endpoint(w.next(), a.dst);
  if (fw::is_icmp(uint8_t(a.proto))) {  // the "ports" are the ICMP type and code
    a.icmp_known = true;
    a.icmp_type = a.src.port;
    a.icmp_code = a.dst.port;
    a.src.has_port = a.dst.has_port = false;
    if (a.icmp_type > 255 || a.icmp_code > 255) return Parse::unusable;
  }
  return finish_endpoints(s, d, a);
}

// Built/Teardown, TCP/UDP and ICMP.
struct Flow {
  bool build = false;
  bool outbound = false;  // Built outbound: the "to" side originated
  uint8_t proto = 0;
  uint64_t id = 0;        // connection id, or for ICMP's old form the ICMP identifier
  bool by_hosts = false;  // ICMP's old form: no connection id, the hosts join the key
  Endpoint for_side, to_side;
  bool has_duration = false;
  double duration = 0;
  std::string_view reason;  // teardown reason ("TCP FINs", "SYN Timeout" ...)
  bool icmp_known = false;
  unsigned icmp_type = 8, icmp_code = 0;
};

bool parse_hms(std::string_view s, double& out) {
  uint64_t h = 0;
  unsigned m = 0, sec = 0;
  if (!fw::take_uint(s, h) || s.empty() || s.front() != ':') return false;
  s.remove_prefix(1);
  if (!fw::take_uint(s, m) || s.empty() || s.front() != ':') return false;
  s.remove_prefix(1);
  if (!fw::take_uint(s, sec) || m > 59 || sec > 59) return false;
  out = double(h * 3600 + m * 60 + sec);
  return true;
}

Parse flow(std::string_view body, bool build, Flow& f) {
  f.build = build;
  Words w(body);
  w.next();  // Built / Teardown
  std::string_view t = w.next();
  if (build) {
    if (fw::iequals(t, "outbound")) {
      f.outbound = true;
    } else if (!fw::iequals(t, "inbound")) {
      return Parse::unusable;
    }
    t = w.next();
  }
  const int proto = proto_word(t);
  if (proto < 0) return Parse::unusable;
  f.proto = uint8_t(proto);
  if (!fw::iequals(w.next(), "connection")) return Parse::unusable;
  t = w.next();
  if (fw::parse_uint(t, f.id)) t = w.next();
  bool ok_a = false, ok_b = false;
  if (fw::iequals(t, "for") && fw::is_icmp(f.proto)) {
    // Old ICMP form: "for faddr F/id gaddr G/0 laddr L/0": faddr is the outside host.
    Endpoint faddr, laddr;
    if (!fw::iequals(w.next(), "faddr")) return Parse::unusable;
    ok_a = parse_endpoint(w.next(), faddr);
    if (!fw::iequals(w.next(), "gaddr")) return Parse::unusable;
    w.next();
    if (!fw::iequals(w.next(), "laddr")) return Parse::unusable;
    ok_b = parse_endpoint(w.next(), laddr);
    // The number after faddr is the ICMP identifier: part of the key, not a port.
    f.id = faddr.port;
    f.by_hosts = true;
    f.for_side = faddr;
    f.to_side = laddr;
  } else {
    if (!fw::iequals(t, "for") && !fw::iequals(t, "from")) return Parse::unusable;
    ok_a = parse_endpoint(w.next(), f.for_side);
    t = w.next();
    if (!t.empty() && t.front() == '(') t = w.next();  // mapped address
    if (!fw::iequals(t, "to")) return Parse::unusable;
    ok_b = parse_endpoint(w.next(), f.to_side);
  }
  if (!ok_a || !ok_b) return (f.for_side.named || f.to_side.named) ? Parse::name : Parse::unusable;
  if (fw::is_icmp(f.proto)) {
    f.icmp_known = icmp_type_code(w.rest(), f.icmp_type, f.icmp_code);
    f.for_side.has_port = f.to_side.has_port = false;
  }
  if (!build) {
    const std::string_view rest = w.rest();
    if (size_t d = rest.find("duration "); d != npos) {
      std::string_view v = rest.substr(d + 9);
      f.has_duration = parse_hms(v.substr(0, v.find(' ')), f.duration);
    }
    if (size_t b = rest.find("bytes "); b != npos) {
      std::string_view v = rest.substr(b + 6);
      const size_t sp = v.find(' ');
      f.reason = sp == npos ? std::string_view() : fw::trim(v.substr(sp + 1));
      if (size_t paren = f.reason.find(" ("); paren != npos) f.reason = f.reason.substr(0, paren);
      if (!f.reason.empty() && f.reason.front() == '(') f.reason = {};  // just "(user)"
    }
  }
  return Parse::ok;
}

ConnState state_from_reason(std::string_view reason) {
  if (reason == "SYN Timeout") return ConnState::S0;  // SYN sent, nothing came back
  if (reason == "TCP FINs") return ConnState::SF;     // established and closed normally
  return ConnState::none;
}

class AsaReader {
 public:
  AsaReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report), parser_(ctx, report) {}

  void run(LineReader& lines) {
    std::string_view line;
    while (lines.next(line)) {
      const uint64_t n = lines.line_number();
      if (lines.overlong()) {
        report_.reject(n, lines.line_offset(), "line longer than the reader's limit");
        continue;
      }
      const auto r = parser_.parse(line, n, sl_);
      if (r == SyslogHeaderParser::Result::consumed) continue;
      Tag tag;
      if (!find_tag(r == SyslogHeaderParser::Result::message ? sl_.after_ts : line, tag)) continue;
      if (!handled(tag.id)) continue;  // other message ids are not records
      if (r == SyslogHeaderParser::Result::none) {
        report_.reject(n, lines.line_offset(), "ASA message without a syslog timestamp");
        continue;
      }
      line_ = n;
      offset_ = lines.line_offset();
      ts_ = sl_.ts;
      host_hash_ = std::hash<std::string_view>()(sl_.host);
      message(tag);
    }
    // Connections whose teardown the log does not hold: built (so allowed), duration unknown.
    for (auto& entry : order_) {
      auto it = pending_.find(entry.first);
      if (it != pending_.end() && it->second.seq == entry.second) emit_pending(it->second);
    }
    pending_.clear();
    order_.clear();
  }

 private:
  struct Pending {
    double ts;
    Address orig_h, resp_h;
    uint16_t orig_p, resp_p;
    uint8_t proto;
    uint64_t line;
    uint64_t seq;
  };

  static bool handled(unsigned id) {
    switch (id) {
      case 106001:
      case 106006:
      case 106007:
      case 106010:
      case 106014:
      case 106015:
      case 106023:
      case 106100:
      case 710002:
      case 710003:
      case 710005:
      case 710006:
      case 420002:
      case 302013:
      case 302014:
      case 302015:
      case 302016:
      case 302020:
      case 302021:
      case 733100:
        return true;
      default:
        return id / 1000 == 338 && id % 1000 < 300;  // botnet traffic filter
    }
  }

  void reject(const char* why) { report_.reject(line_, offset_, why); }

  void message(const Tag& tag) {
    const std::string_view body = tag.body;
    Access a;
    Parse p = Parse::unusable;
    switch (tag.id) {
      case 106001:
      case 106006:
      case 106007:
      case 106015:
        p = from_to(body, Action::blocked, a);
        break;
      case 106010:
      case 106014:
      case 106023:
        p = src_dst(body, a);
        break;
      case 106100:
        p = access_list(body, a);
        break;
      case 710002:
        p = from_to(body, Action::allowed, a);
        break;
      case 710003:
      case 710005:
      case 710006:
      case 420002:
        p = from_to(body, Action::blocked, a);
        break;
      case 302013:
      case 302015:
      case 302020:
        return built(body);
      case 302014:
      case 302016:
      case 302021:
        return teardown(body);
      case 733100:
        if (!threat_noted_) {
          threat_noted_ = true;
          report_.note(line_, offset_,
                       "ASA threat detection (733100) reports a drop rate here; it names no "
                       "connection, so it is not a record: " +
                           std::string(body.substr(0, 160)));
        }
        return;
      default: {  // 338xxx: "Dynamic Filter dropped|monitored ... TCP traffic from A to B"
        Words w(body);
        w.next();
        w.next();
        const std::string_view verb = w.next();
        p = from_to(body, fw::iequals(verb, "dropped") ? Action::blocked : Action::allowed, a);
        break;
      }
    }
    if (p == Parse::name) return reject("address is a host name, not an IP (ASA 'names' in use)");
    if (p != Parse::ok || a.proto < 0) return reject("unrecognised layout for this ASA message");
    Connection c = fw::line_connection(ctx_.input_index, line_);
    c.ts = ts_;
    c.orig_h = a.src.addr;
    c.resp_h = a.dst.addr;
    c.ip_proto = uint8_t(a.proto);
    c.action = a.action;
    if (fw::is_icmp(c.ip_proto)) {
      if (a.icmp_known) {
        fw::icmp_ports(c.ip_proto == kProtoIcmp6, a.icmp_type, a.icmp_code, c.orig_p, c.resp_p);
      }
    } else {
      c.orig_p = a.src.port;
      c.resp_p = a.dst.port;
    }
    if (c.ip_proto == kProtoTcp && !a.flags.empty()) {
      const auto has = [&](std::string_view f) { return a.flags.find(f) != npos; };
      c.history = fw::tcp_history(has("SYN"), has("ACK"), has("FIN"), has("RST"));
    }
    accept(c);
  }

  void accept(const Connection& c) {
    ++report_.records;
    report_.saw_time(c.ts);
    sink_.on_connection(c);
  }

  uint64_t key(const Flow& f) const {
    uint64_t k = f.id * 0x9E3779B97F4A7C15ull ^ host_hash_;
    if (f.by_hosts) {
      k ^= std::hash<std::string_view>()(std::string_view(
               reinterpret_cast<const char*>(f.for_side.addr.bytes().data()), 16)) *
               31 ^
           std::hash<std::string_view>()(
               std::string_view(reinterpret_cast<const char*>(f.to_side.addr.bytes().data()), 16));
    }
    return k ^ f.proto;
  }

  void built(std::string_view body) {
    Flow f;
    const Parse p = flow(body, true, f);
    if (p == Parse::name) return reject("address is a host name, not an IP (ASA 'names' in use)");
    if (p != Parse::ok) return reject("unrecognised layout for this ASA message");
    ++report_.records;
    report_.saw_time(ts_);
    // "for" is the lower-security side, "to" the higher: outbound means "to" originated.
    const Endpoint& o = f.outbound ? f.to_side : f.for_side;
    const Endpoint& r = f.outbound ? f.for_side : f.to_side;
    Pending pend{ts_, o.addr, r.addr, o.port, r.port, f.proto, line_, ++seq_};
    if (fw::is_icmp(f.proto)) {
      fw::icmp_ports(f.proto == kProtoIcmp6, f.icmp_type, f.icmp_code, pend.orig_p, pend.resp_p);
    }
    const uint64_t k = key(f);
    auto [it, fresh] = pending_.try_emplace(k, pend);
    if (!fresh) {
      emit_pending(it->second);  // an id reused before its teardown: keep both
      it->second = pend;
    }
    order_.emplace_back(k, pend.seq);
    while (pending_.size() > kMaxPending && !order_.empty()) {
      auto [old_key, old_seq] = order_.front();
      order_.pop_front();
      auto old = pending_.find(old_key);
      if (old != pending_.end() && old->second.seq == old_seq) {
        emit_pending(old->second);
        pending_.erase(old);
      }
    }
    // Drop stale queue entries (torn down already) so the queue stays as small as the map.
    while (!order_.empty()) {
      auto front = pending_.find(order_.front().first);
      if (front != pending_.end() && front->second.seq == order_.front().second) break;
      order_.pop_front();
    }
  }

  void emit_pending(const Pending& p) {
    Connection c = fw::line_connection(ctx_.input_index, p.line);
    c.ts = p.ts;
    c.orig_h = p.orig_h;
    c.resp_h = p.resp_h;
    c.orig_p = p.orig_p;
    c.resp_p = p.resp_p;
    c.ip_proto = p.proto;
    c.action = Action::allowed;
    sink_.on_connection(c);
  }

  void teardown(std::string_view body) {
    Flow f;
    const Parse p = flow(body, false, f);
    if (p == Parse::name) return reject("address is a host name, not an IP (ASA 'names' in use)");
    if (p != Parse::ok) return reject("unrecognised layout for this ASA message");
    ++report_.records;
    Connection c = fw::line_connection(ctx_.input_index, line_);
    c.ip_proto = f.proto;
    c.action = Action::allowed;  // the ASA built it: it was permitted
    // The teardown's "bytes N" is the sum of both directions. Zeek's orig_bytes/resp_bytes
    // are per direction; putting the sum in either would read as an upload or a download
    // that never happened, so byte counts stay unknown (has_bytes false).
    c.has_duration = f.has_duration;
    c.duration = f.duration;
    if (f.proto == kProtoTcp) c.state = state_from_reason(f.reason);
    auto it = pending_.find(key(f));
    if (it != pending_.end()) {
      const Pending& b = it->second;
      c.ts = b.ts;
      c.orig_h = b.orig_h;
      c.resp_h = b.resp_h;
      c.orig_p = b.orig_p;
      c.resp_p = b.resp_p;
      c.first = Provenance{ctx_.input_index, b.line};
      pending_.erase(it);
    } else {
      // Built before the log began: who originated is not said. A port below 1024 against
      // one above is taken as the server; otherwise the higher-security ("to") side, since
      // most connections through an ASA are opened from inside.
      if (!teardown_guess_noted_) {
        teardown_guess_noted_ = true;
        report_.note(line_, offset_,
                     "ASA teardown without its Built line (built before the log starts?): "
                     "originator guessed from the ports");
      }
      const bool for_is_server = f.for_side.port < 1024 && f.to_side.port >= 1024;
      const bool to_is_server = f.to_side.port < 1024 && f.for_side.port >= 1024;
      const bool to_originates = for_is_server || !to_is_server;
      const Endpoint& o = to_originates ? f.to_side : f.for_side;
      const Endpoint& r = to_originates ? f.for_side : f.to_side;
      c.orig_h = o.addr;
      c.resp_h = r.addr;
      c.orig_p = o.port;
      c.resp_p = r.port;
      if (fw::is_icmp(f.proto)) {
        fw::icmp_ports(f.proto == kProtoIcmp6, f.icmp_type, f.icmp_code, c.orig_p, c.resp_p);
      }
      c.ts = ts_ - (f.has_duration ? f.duration : 0);
    }
    report_.saw_time(c.ts);
    report_.saw_time(ts_);
    sink_.on_connection(c);
  }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  SyslogHeaderParser parser_;
  SyslogLine sl_;
  uint64_t line_ = 0, offset_ = 0;
  double ts_ = 0;
  uint64_t host_hash_ = 0;
  uint64_t seq_ = 0;
  bool threat_noted_ = false;
  bool teardown_guess_noted_ = false;
  absl::flat_hash_map<uint64_t, Pending> pending_;
  std::deque<std::pair<uint64_t, uint64_t>> order_;  // (key, seq) in Built order
};

}  // namespace

int sniff_asa(std::string_view head) {
  int lines = 0, hits = 0;
  size_t pos = 0;
  Tag tag;
  for (int seen = 0; pos < head.size() && seen < 400; ++seen) {
    size_t nl = head.find('\n', pos);
    if (nl == npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    pos = nl + 1;
    if (fw::trim(line).empty()) continue;
    ++lines;
    hits += find_tag(line, tag);
  }
  if (hits == 0) return 0;
  if (hits * 2 >= lines) return hits >= 2 ? 90 : 80;
  if (hits * 10 >= lines) return 60;
  return hits >= 3 ? 30 : 10;
}

void read_asa(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  AsaReader(ctx, sink, report).run(lines);
}

}  // namespace callhome
