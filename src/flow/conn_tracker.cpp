// The connection tracker follows Zeek's TCP analyzer (TCPSessionAdapter and TCP_Endpoint), its
// UDP and ICMP analyzers, the ConnSize analyzer and the conn.log script closely, because users
// compare our records with Zeek's line by line. Comments name the Zeek behaviour reproduced.
#include "flow/conn_tracker.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <queue>
#include <vector>

#include "flow/likely_server_ports.h"
#include "flow/tcp_endpoint.h"

namespace callhome {
namespace {

constexpr int32_t kTooLargeSeqDelta = 1048576;
constexpr double kTcpAttemptDelay = 5;  // tcp_attempt_delay
constexpr double kTcpSynTimeout = 5;    // tcp_SYN_timeout: first expire check
constexpr double kTcpSessionTimer = 6;  // tcp_session_timer: expire check period
constexpr double kTcpConnectionLinger = 5;
constexpr double kTcpCloseDelay = 5;
constexpr double kDnsSessionTimeout = 10;  // dns_session_timeout

// Ports Zeek's DNS analyzer takes over (DNS, NetBIOS name service, mDNS, LLMNR).
bool is_dns_port(uint16_t p) {
  return p == 53 || p == 137 || p == 5353 || p == 5355;
}

bool is_broadcast_or_multicast(const Address& a) {
  if (a.is_v4()) {
    uint32_t v = a.v4_value();
    return v == 0xffffffffu || (v >> 28) == 0xe;
  }
  return a.bytes()[0] == 0xff;
}

// History bits, one per letter and direction (responder bits are shifted by 16).
enum HistBit : uint32_t {
  kHistSyn = 1 << 0,
  kHistFin = 1 << 1,
  kHistRst = 1 << 2,
  kHistFinRst = 1 << 3,
  kHistData = 1 << 4,
  kHistAck = 1 << 5,
  kHistMulti = 1 << 6,
  kHistCorrupt = 1 << 7,
};

struct ConnKey {
  Address a, b;
  uint16_t pa = 0, pb = 0;
  uint8_t proto = 0;
  friend bool operator==(const ConnKey&, const ConnKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const ConnKey& k) {
    return H::combine(std::move(h), k.a, k.b, k.pa, k.pb, k.proto);
  }
};

// Orders the two endpoints so both directions of a conversation find the same entry; one-way
// ICMP messages keep their direction (Zeek does not pair them with anything).
ConnKey make_key(const Address& src, uint16_t sp, const Address& dst, uint16_t dp, uint8_t proto,
                 bool one_way) {
  if (one_way || std::tie(src, sp) < std::tie(dst, dp)) return {src, dst, sp, dp, proto};
  return {dst, src, dp, sp, proto};
}

// ICMP's conn_id: the type in orig_p, and in resp_p the type that answers it (echo 8 -> 0) or,
// for messages nothing answers, the code.
void icmp_ports(const DecodedPacket& p, uint16_t& orig_p, uint16_t& resp_p, bool& one_way) {
  const bool v6 = p.ip_proto == kProtoIcmp6;
  int counterpart = -1;
  uint8_t t = p.icmp_type;
  if (!v6) {
    switch (t) {
      case 8:
        counterpart = 0;
        break;
      case 0:
        counterpart = 8;
        break;
      case 13:
        counterpart = 14;
        break;
      case 14:
        counterpart = 13;
        break;
      case 15:
        counterpart = 16;
        break;
      case 16:
        counterpart = 15;
        break;
      case 10:
        counterpart = 9;
        break;
      case 9:
        counterpart = 10;
        break;
      case 17:
        counterpart = 18;
        break;
      case 18:
        counterpart = 17;
        break;
    }
  } else {
    switch (t) {
      case 128:
        counterpart = 129;
        break;
      case 129:
        counterpart = 128;
        break;
      case 133:
        counterpart = 134;
        break;
      case 134:
        counterpart = 133;
        break;
      case 135:
        counterpart = 136;
        break;
      case 136:
        counterpart = 135;
        break;
      case 130:
        counterpart = 131;
        break;
      case 131:
        counterpart = 130;
        break;
      case 139:
        counterpart = 140;
        break;
      case 140:
        counterpart = 139;
        break;
      case 144:
        counterpart = 145;
        break;
      case 145:
        counterpart = 144;
        break;
    }
  }
  orig_p = t;
  one_way = counterpart < 0;
  resp_p = one_way ? p.icmp_code : uint16_t(counterpart);
}

enum class TimerKind : uint8_t { inactivity, attempt, expire, remove, dns_expire };

struct Timer {
  double at;
  uint32_t slot;
  uint32_t generation;
  TimerKind kind;
  bool operator>(const Timer& o) const { return at > o.at; }
};

struct Conn {
  // What every packet touches comes first, so a packet costs as few cache lines as possible.
  Address orig_h;
  uint16_t orig_p = 0, resp_p = 0;
  uint8_t proto = 0;
  uint8_t orig_ep = 0;       // TCP: ep[orig_ep] is the originator's side
  uint8_t packets_seen = 0;  // saturating; only the first two matter
  bool began_with_syn_ack = false;
  uint32_t hist_seen = 0;
  double last = 0;
  Provenance last_prov;
  uint64_t pkts[2] = {0, 0}, ip_bytes[2] = {0, 0};
  std::string history;
  TcpEndpoint ep[2];  // TCP only
  // Cold: creation, timers, the end of the connection.
  ConnKey key;
  Address resp_h;
  bool in_use = false;
  bool analyzer_timers_cancelled = false;
  bool active[2] = {false, false};  // UDP and ICMP: a valid packet came from this side
  uint32_t generation = 0;
  double start = 0;
  double timeout = 0;
  uint64_t size[2] = {0, 0};  // UDP and ICMP payload bytes
  uint64_t missed_bytes = 0;
  std::string uid;
  std::string tunnel_parent;
  Provenance first;

  void flip() {
    std::swap(orig_h, resp_h);
    std::swap(orig_p, resp_p);
    std::swap(pkts[0], pkts[1]);
    std::swap(ip_bytes[0], ip_bytes[1]);
    std::swap(size[0], size[1]);
    std::swap(active[0], active[1]);
    orig_ep ^= 1;  // endpoint objects stay put: code holding references keeps its meaning
    history.push_back('^');
  }
  TcpEndpoint& tcp_orig() { return ep[orig_ep]; }
  TcpEndpoint& tcp_resp() { return ep[orig_ep ^ 1]; }
  const TcpEndpoint& tcp_orig() const { return ep[orig_ep]; }
  const TcpEndpoint& tcp_resp() const { return ep[orig_ep ^ 1]; }
  // Zeek's CheckHistory: the first time a letter is seen for a direction it is recorded;
  // returns whether it had been seen before.
  bool check_history(uint32_t bit, char code, bool is_orig) {
    uint32_t mask = is_orig ? bit : bit << 16;
    if (hist_seen & mask) return true;
    hist_seen |= mask;
    add_history(code, is_orig);
    return false;
  }
  void add_history(char code, bool is_orig) {
    history.push_back(is_orig ? code : char(code - 'A' + 'a'));
  }
  // Zeek's ScaledHistoryEntry: the letter again at 1, 10, 100 ... occurrences.
  void scaled_history(char code, bool is_orig, uint32_t& count, uint32_t& threshold) {
    if (++count == threshold) {
      add_history(code, is_orig);
      if (threshold <= UINT32_MAX / 10) threshold *= 10;
    }
  }
};

bool is_handshake(TcpState s) {
  return s == TcpState::inactive || s == TcpState::syn_sent || s == TcpState::syn_ack_sent;
}

ConnState tcp_conn_state(const Conn& c) {
  ConnState out;
  const TcpEndpoint &o = c.tcp_orig(), &r = c.tcp_resp();
  const TcpState os = o.state, rs = r.state;
  const bool o_inactive = os == TcpState::inactive || os == TcpState::partial;
  const bool r_inactive = rs == TcpState::inactive || rs == TcpState::partial;
  if (rs == TcpState::reset) {
    if (os == TcpState::syn_sent || os == TcpState::syn_ack_sent ||
        (os == TcpState::reset && o.size(r) == 0 && r.size(o) == 0)) {
      out = ConnState::REJ;
    } else {
      out = o_inactive ? ConnState::RSTRH : ConnState::RSTR;
    }
  } else if (os == TcpState::reset) {
    if (r_inactive) {
      // RSTOS0 only when the history reads /^\^?S[^HAFGIQ]*R.*/, else OTH.
      const std::string& h = c.history;
      size_t i = (!h.empty() && h[0] == '^') ? 1 : 0;
      bool match = false;
      if (i < h.size() && h[i] == 'S') {
        for (size_t j = i + 1; j < h.size(); ++j) {
          if (h[j] == 'R') {
            match = true;
            break;
          }
          if (std::string_view("HAFGIQ").find(h[j]) != std::string_view::npos) break;
        }
      }
      out = match ? ConnState::RSTOS0 : ConnState::OTH;
    } else {
      out = ConnState::RSTO;
    }
  } else if (rs == TcpState::closed && os == TcpState::closed) {
    out = ConnState::SF;
  } else if (os == TcpState::closed) {
    out = r_inactive ? ConnState::SH : ConnState::S2;
  } else if (rs == TcpState::closed) {
    out = o_inactive ? ConnState::SHR : ConnState::S3;
  } else if (os == TcpState::syn_sent && rs == TcpState::inactive) {
    out = ConnState::S0;
  } else if (os == TcpState::established && rs == TcpState::established) {
    out = ConnState::S1;
  } else {
    out = ConnState::OTH;
  }
  return out;
}

std::string make_uid(uint64_t seed, uint64_t n) {
  // splitmix64 of the counter: unique, deterministic, and looks like Zeek's base62 uids.
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string uid = "C";
  for (int round = 0; round < 2; ++round) {
    uint64_t z = seed + (n * 2 + uint64_t(round) + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 9; ++i) {
      uid.push_back(kDigits[z % 62]);
      z /= 62;
    }
  }
  return uid;
}

}  // namespace

struct ConnTracker::Impl {
  TrackerOptions opt;
  EventSink& sink;
  TrackerStats& stats;
  absl::flat_hash_map<ConnKey, uint32_t> table;
  std::vector<Conn> slots;
  std::vector<uint32_t> free_slots;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
  uint64_t uid_counter = 0;
  std::string empty_uid;

  Impl(TrackerOptions o, EventSink& s, TrackerStats& st) : opt(std::move(o)), sink(s), stats(st) {}

  void schedule(uint32_t slot, double at, TimerKind kind) {
    timers.push(Timer{at, slot, slots[slot].generation, kind});
  }

  // The next firing of a periodic check. Nothing changes a connection between packets, so
  // after a jump in capture time the checks in between would all decide alike: skip to the
  // last one due, instead of looping through every period (a capture whose clock jumps by
  // years would otherwise take forever).
  double next_period(double at, double period) const {
    const double k = std::floor((now_ - at) / period);
    return k >= 1 ? at + k * period : at + period;
  }

  void advance(double now) {
    while (!timers.empty() && timers.top().at <= now) {
      Timer t = timers.top();
      timers.pop();
      Conn& c = slots[t.slot];
      if (!c.in_use || c.generation != t.generation) continue;
      fire(t, c);
    }
  }

  void fire(const Timer& t, Conn& c) {
    switch (t.kind) {
      case TimerKind::inactivity:
        if (c.last + c.timeout <= t.at) {
          remove(t.slot);
        } else {
          schedule(t.slot, c.last + c.timeout, TimerKind::inactivity);
        }
        break;
      case TimerKind::attempt:
        if (c.analyzer_timers_cancelled) break;
        if ((c.tcp_orig().state == TcpState::syn_sent ||
             c.tcp_orig().state == TcpState::syn_ack_sent) &&
            c.tcp_resp().state == TcpState::inactive) {
          remove(t.slot);
        }
        break;
      case TimerKind::expire: {
        if (c.analyzer_timers_cancelled) break;
        const TcpEndpoint &o = c.tcp_orig(), &r = c.tcp_resp();
        if (c.last + kTcpConnectionLinger < t.at) {
          if ((o.did_close || r.did_close) &&
              ((o.did_close && r.did_close) || o.state == TcpState::reset ||
               r.state == TcpState::reset || o.state == TcpState::inactive ||
               r.state == TcpState::inactive)) {
            remove(t.slot);
            break;
          }
          if (r.state == TcpState::inactive && o.state == TcpState::inactive) {
            remove(t.slot);
            break;
          }
        }
        schedule(t.slot, next_period(t.at, kTcpSessionTimer), TimerKind::expire);
        break;
      }
      case TimerKind::dns_expire:
        // Zeek's DNS analyzer ends a UDP conversation after dns_session_timeout (10 s) without
        // traffic, checked every 10 s (with a second of slack), so one client port carries many
        // short DNS "connections".
        if (t.at - c.last >= kDnsSessionTimeout - 1.0) {
          remove(t.slot);
        } else {
          schedule(t.slot, next_period(t.at, kDnsSessionTimeout), TimerKind::dns_expire);
        }
        break;
      case TimerKind::remove:
        remove(t.slot);
        break;
    }
  }

  uint32_t create(const DecodedPacket& p, const ConnKey& key, uint16_t sp, uint16_t dp, double ts,
                  Provenance prov, const std::string& tunnel_parent) {
    uint32_t slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = uint32_t(slots.size());
      slots.emplace_back();
    }
    Conn& c = slots[slot];
    uint32_t gen = c.generation + 1;
    c = Conn{};
    c.generation = gen;
    c.in_use = true;
    c.key = key;
    c.orig_h = p.src;
    c.resp_h = p.dst;
    c.orig_p = sp;
    c.resp_p = dp;
    c.proto = p.ip_proto;
    c.start = c.last = ts;
    c.first = c.last_prov = prov;
    c.uid = make_uid(opt.uid_seed, uid_counter++);
    c.tunnel_parent = tunnel_parent;
    switch (p.ip_proto) {
      case kProtoTcp:
        c.timeout = opt.udp_inactivity_timeout;
        break;  // until established
      case kProtoUdp:
        c.timeout = opt.udp_inactivity_timeout;
        break;
      case kProtoIcmp:
      case kProtoIcmp6:
        c.timeout = opt.icmp_inactivity_timeout;
        break;
      default:
        c.timeout = opt.other_inactivity_timeout;
        break;
    }
    table.emplace(key, slot);
    schedule(slot, ts + c.timeout, TimerKind::inactivity);
    if (p.ip_proto == kProtoTcp) schedule(slot, ts + kTcpSynTimeout, TimerKind::expire);

    // Who is the originator when the first packet does not make it obvious.
    bool flip = false;
    if (p.ip_proto == kProtoTcp) {
      const uint8_t f = p.tcp_flags;
      const bool syn = f & tcp_flag::kSyn, ack = f & tcp_flag::kAck;
      if (syn && ack) {
        // A SYN-ACK first is never flipped by port (stealth scans send them); the packet that
        // follows decides (see packet()).
        c.began_with_syn_ack = true;
      } else if (!syn && is_likely_server_port(sp, kProtoTcp)) {
        flip = !is_likely_server_port(dp, kProtoTcp) || sp < dp;
      }
    } else if (p.ip_proto == kProtoUdp) {
      // Zeek does not flip towards a broadcast or multicast responder: nothing answers from it.
      flip = is_likely_server_port(sp, kProtoUdp) && !is_likely_server_port(dp, kProtoUdp) &&
             !is_broadcast_or_multicast(p.dst);
      if (is_dns_port(sp) || is_dns_port(dp)) {
        schedule(slot, ts + kDnsSessionTimeout, TimerKind::dns_expire);
      }
    }
    if (flip) c.flip();
    ++stats.live;
    stats.peak_live = std::max(stats.peak_live, stats.live);
    return slot;
  }

  void remove(uint32_t slot) {
    Conn& c = slots[slot];
    emit(c);
    table.erase(c.key);
    c.in_use = false;
    ++c.generation;
    c.history.clear();
    c.history.shrink_to_fit();
    c.uid.clear();
    c.uid.shrink_to_fit();
    c.tunnel_parent.clear();
    c.tunnel_parent.shrink_to_fit();
    free_slots.push_back(slot);
    --stats.live;
  }

  void emit(const Conn& c) {
    Connection r;
    r.ts = c.start;
    r.uid = c.uid;
    r.orig_h = c.orig_h;
    r.resp_h = c.resp_h;
    r.orig_p = c.orig_p;
    r.resp_p = c.resp_p;
    r.ip_proto = c.proto;
    r.duration = c.last - c.start;
    // conn.log fills duration and sizes only for connections that lasted (Zeek's set_conn).
    r.has_duration = r.duration > 0;
    r.has_bytes = r.has_duration;
    r.has_counts = true;
    if (c.proto == kProtoTcp) {
      r.orig_bytes = c.tcp_orig().size(c.tcp_resp());
      r.resp_bytes = c.tcp_resp().size(c.tcp_orig());
      r.state = tcp_conn_state(c);
    } else if (c.proto == kProtoUdp) {
      r.orig_bytes = c.size[0];
      r.resp_bytes = c.size[1];
      if (c.active[0]) {
        r.state = c.active[1] ? ConnState::SF : ConnState::S0;
      } else {
        r.state = c.active[1] ? ConnState::SHR : ConnState::OTH;
      }
    } else {
      r.orig_bytes = c.size[0];
      r.resp_bytes = c.size[1];
      r.state = ConnState::OTH;
    }
    r.missed_bytes = c.missed_bytes;
    r.history = c.history;
    r.orig_pkts = c.pkts[0];
    r.orig_ip_bytes = c.ip_bytes[0];
    r.resp_pkts = c.pkts[1];
    r.resp_ip_bytes = c.ip_bytes[1];
    r.tunnel_parents = c.tunnel_parent;
    r.first = c.first;
    r.last = c.last_prov;
    ++stats.connections;
    sink.on_connection(r);
  }

  void count(Conn& c, bool is_orig, const DecodedPacket& p) {
    int d = is_orig ? 0 : 1;
    ++c.pkts[d];
    c.ip_bytes[d] += p.ip_len;
  }

  // Zeek's TCPSessionAdapter::IsReuse: a new SYN on a finished connection, or a SYN with a
  // different initial sequence number, starts a new connection on the same 5-tuple.
  bool is_reuse(const Conn& c, const DecodedPacket& p) {
    const uint8_t f = p.tcp_flags;
    if (!(f & tcp_flag::kSyn)) return false;
    const TcpEndpoint* conn_orig = &c.tcp_orig();
    if (f & tcp_flag::kAck) {
      if (c.tcp_orig().state != TcpState::inactive) return false;
      conn_orig = &c.tcp_resp();
    }
    const bool closed = c.tcp_orig().did_close || c.tcp_resp().did_close;
    if (!closed) {
      if (p.seq == conn_orig->start()) return false;
      if (!(f & tcp_flag::kAck) && conn_orig->state == TcpState::syn_ack_sent &&
          c.tcp_resp().state == TcpState::inactive && p.seq == c.tcp_resp().start()) {
        return false;
      }
    }
    return true;
  }

  void tcp_set_state(Conn& c, TcpEndpoint& e, TcpEndpoint& peer, TcpState s) {
    if (s == e.state) return;
    // Leaving the handshake switches the connection to the TCP inactivity timeout.
    if (!is_handshake(s) && is_handshake(e.state) && is_handshake(peer.state)) {
      c.timeout = opt.tcp_inactivity_timeout;
    }
    e.set_state(s);
  }

  void tcp_closed(uint32_t slot, Conn& c, TcpEndpoint& e, TcpEndpoint& peer) {
    if (e.did_close) return;
    e.did_close = true;
    bool complete =
        e.state == TcpState::reset || peer.did_close || peer.state == TcpState::inactive;
    if (complete) {
      c.analyzer_timers_cancelled = true;
      schedule(slot, c.last + kTcpCloseDelay, TimerKind::remove);
    } else if (e.prev_state != TcpState::inactive) {
      schedule(slot, c.last + kTcpSessionTimer, TimerKind::expire);
    }
  }

  static uint64_t relative_seq(const TcpEndpoint& e, uint32_t cur, uint32_t last, uint32_t wraps,
                               bool* underflow) {
    int32_t delta = seq_delta(cur, last);
    if (delta < 0) {
      if (wraps && cur > last) --wraps;
    } else if (delta > 0) {
      if (cur < last) ++wraps;
    }
    if (wraps == 0) {
      delta = seq_delta(cur, e.start());
      if (underflow && delta < 0) *underflow = true;
      return uint64_t(int64_t(delta));
    }
    return e.to_relative(cur, wraps);
  }

  void process_tcp(uint32_t slot, Conn& c, bool is_orig, const DecodedPacket& p, double ts) {
    TcpEndpoint& e = is_orig ? c.tcp_orig() : c.tcp_resp();
    TcpEndpoint& peer = is_orig ? c.tcp_resp() : c.tcp_orig();
    if (p.checksum_bad) {
      c.scaled_history('C', is_orig, e.checksum_errors, e.checksum_thresh);
      return;
    }
    const uint8_t f = p.tcp_flags;
    const bool syn = f & tcp_flag::kSyn, fin = f & tcp_flag::kFin, rst = f & tcp_flag::kRst,
               ack = f & tcp_flag::kAck;
    const int len = int(p.payload_len);
    int seg_len = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (rst) seg_len -= len;
    const uint32_t base_seq = p.seq, ack_seq = p.ack;
    const uint32_t seq_one_past = base_seq + uint32_t(seg_len);

    // init_endpoint
    switch (e.state) {
      case TcpState::inactive: {
        uint32_t last = seq_one_past;
        if (syn) {
          e.ack_seq = base_seq;
          e.init_start(base_seq);
        } else {
          e.ack_seq = base_seq - 1;
          e.init_start(uint32_t(base_seq - 1));
          last = base_seq;
        }
        e.last_seq = last;
        break;
      }
      case TcpState::syn_sent:
      case TcpState::syn_ack_sent:
        if (syn && base_seq != e.start()) {
          e.init_start(base_seq);
          e.ack_seq = base_seq;
          e.last_seq = seq_one_past;
        }
        break;
      case TcpState::established:
      case TcpState::partial:
        if (syn) {
          e.init_start(base_seq);
          e.ack_seq = base_seq;
          e.last_seq = seq_one_past;
        }
        break;
      case TcpState::reset:
        if (syn && e.prev_state == TcpState::inactive) {
          e.init_start(base_seq);
          e.ack_seq = base_seq;
          e.last_seq = seq_one_past;
        }
        break;
      default:
        break;
    }

    bool seq_underflow = false;
    uint64_t rel_seq = relative_seq(e, base_seq, e.last_seq, e.seq_wraps, &seq_underflow);

    // update_history
    int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) {
        c.check_history(kHistFinRst, 'I', is_orig);
      } else {
        c.check_history(kHistMulti, 'Q', is_orig);
      }
    } else if (bits == 1) {
      if (syn) {
        char code = ack ? 'H' : 'S';
        if (c.check_history(kHistSyn, code, is_orig) && rel_seq != e.hist_last_syn) {
          c.add_history(code, is_orig);
        }
        e.hist_last_syn = rel_seq;
      }
      if (fin) {
        if (c.check_history(kHistFin, 'F', is_orig) && rel_seq + len != e.hist_last_fin) {
          c.add_history('F', is_orig);
        }
        e.hist_last_fin = rel_seq + uint64_t(len);
      }
      if (rst) {
        if (c.check_history(kHistRst, 'R', is_orig) && rel_seq != e.hist_last_rst) {
          c.add_history('R', is_orig);
        }
        e.hist_last_rst = rel_seq;
      }
    } else if (len) {
      c.check_history(kHistData, 'D', is_orig);
    } else if (ack) {
      c.check_history(kHistAck, 'A', is_orig);
    }

    // update_window: only the zero-window history letter matters for conn.log.
    if (p.window == 0 && !rst && peer.state != TcpState::closed && e.state != TcpState::reset) {
      c.scaled_history('W', is_orig, e.zero_windows, e.zero_window_thresh);
    }

    if (!e.did_close || !peer.did_close) c.last = ts;

    if (fin) {
      if (e.fin_count < 255) ++e.fin_count;
    }

    uint64_t rel_ack = 0;
    if (ack) {
      if (peer.state == TcpState::inactive) {
        rel_ack = 1;
        peer.init_start(uint32_t(ack_seq - 1));
        peer.ack_seq = ack_seq - 1;
        peer.last_seq = ack_seq - 1;
      } else {
        bool ack_underflow = false;
        rel_ack = relative_seq(peer, ack_seq, peer.ack_seq, peer.ack_wraps, &ack_underflow);
        if (ack_underflow) {
          rel_ack = 0;
        } else if (!rst) {
          int32_t delta_ack = seq_delta(ack_seq, peer.ack_seq);
          if (!(ack_seq == 0 && delta_ack > kTooLargeSeqDelta) && delta_ack > 0) {
            peer.update_ack_seq(ack_seq);
          }
        }
      }
    }

    // update_last_seq
    int32_t delta_last = seq_delta(seq_one_past, e.last_seq);
    if ((syn || rst) && (delta_last > kTooLargeSeqDelta || delta_last < -kTooLargeSeqDelta)) {
      // untrusted jump
    } else if (fin && e.last_seq == e.start() + 1) {
      e.update_last_seq(seq_one_past);
    } else if (e.state == TcpState::reset) {
      // nothing after a reset is trusted
    } else if (delta_last > 0) {
      e.update_last_seq(seq_one_past);
    } else if (len > 0) {
      c.scaled_history('T', is_orig, e.retransmits, e.retransmit_thresh);
    }

    bool do_close = false;
    update_state_machine(c, e, peer, is_orig, p, base_seq, len, delta_last, do_close);

    if (ack) ack_received(c, peer, e, rel_ack);

    // Data reaches the reassembler only when the whole payload was captured.
    uint64_t rel_data_seq = syn ? rel_seq + 1 : rel_seq;
    if (len > 0 && !rst && !seq_underflow && p.payload_caplen >= p.payload_len) {
      data_sent(e, rel_data_seq, uint64_t(len));
    }

    if (do_close) tcp_closed(slot, c, e, peer);
  }

  void data_sent(TcpEndpoint& e, uint64_t seq, uint64_t len) {
    e.data_seen = true;
    if (seq <= e.data_horizon && seq + len > e.data_horizon) e.data_horizon = seq + len;
  }

  // An ack from the peer of `e` that goes beyond the data we saw reveals a content gap, which
  // Zeek reports (missed_bytes, history G) while both sides are established.
  void ack_received(Conn& c, TcpEndpoint& e, const TcpEndpoint& peer, uint64_t rel_ack) {
    if (rel_ack <= e.data_horizon) return;
    uint64_t target = rel_ack;
    if (e.fin_count > 0) {
      uint64_t fin_end = e.hist_last_fin;  // relative seq of the FIN octet
      if (target > fin_end) target = fin_end;
    }
    if (target <= e.data_horizon) return;
    uint64_t missing = target - e.data_horizon;
    if (e.state == TcpState::established && peer.state == TcpState::established) {
      c.missed_bytes += missing;
      c.scaled_history('G', &e == &c.tcp_orig(), e.gaps, e.gap_thresh);
    }
    e.data_horizon = target;
  }

  void update_state_machine(Conn& c, TcpEndpoint& e, TcpEndpoint& peer, bool is_orig,
                            const DecodedPacket& p, uint32_t base_seq, int len, int32_t delta_last,
                            bool& do_close) {
    const uint8_t f = p.tcp_flags;
    const bool syn = f & tcp_flag::kSyn, fin = f & tcp_flag::kFin, rst = f & tcp_flag::kRst,
               ack = f & tcp_flag::kAck;
    auto set = [&](TcpEndpoint& x, TcpState s) { tcp_set_state(c, x, &x == &e ? peer : e, s); };
    switch (e.state) {
      case TcpState::inactive: {
        if (syn) {
          if (is_orig) {
            set(e, ack ? TcpState::syn_ack_sent : TcpState::syn_sent);
            schedule(slot_of(c), now_ + kTcpAttemptDelay, TimerKind::attempt);
          } else {
            if (!ack && peer.state == TcpState::syn_ack_sent && base_seq == e.start()) {
              // A SYN/SYN-ACK reversal (the SYN-ACK was captured first): flip and establish.
              c.flip();
              set(peer, TcpState::established);
            }
            if (peer.state == TcpState::syn_sent) set(peer, TcpState::established);
            set(e, TcpState::established);
          }
        }
        if (fin) {
          set(e, TcpState::closed);
          do_close = true;
        }
        if (rst) {
          set(e, TcpState::reset);
          do_close = true;
        }
        if (e.state == TcpState::inactive) {
          if (!is_orig && len == 0 && c.tcp_orig().state == TcpState::syn_sent) {
            // an early ack of the SYN: not a partial connection
          } else if (ack && peer.state == TcpState::established) {
            set(e, TcpState::established);
          } else {
            set(e, TcpState::partial);
          }
        }
        break;
      }
      case TcpState::syn_sent:
      case TcpState::syn_ack_sent:
        if (fin) {
          set(e, TcpState::closed);
          do_close = true;
        }
        if (rst) {
          set(e, TcpState::reset);
          do_close = true;
        }
        break;
      case TcpState::established:
      case TcpState::partial:
        if (syn && e.state == TcpState::partial && peer.state == TcpState::inactive && !ack) {
          set(e, TcpState::syn_sent);
        }
        if (fin && !rst) {
          set(e, TcpState::closed);
          if (peer.state == TcpState::reset && peer.prev_state == TcpState::closed) {
            tcp_set_state(c, peer, e, TcpState::closed);
          }
          do_close = true;
        }
        if (rst) {
          set(e, TcpState::reset);
          do_close = true;
        }
        break;
      case TcpState::closed:
        if (rst && peer.state != TcpState::closed) {
          set(e, TcpState::reset);
          if (!e.did_close) do_close = true;
        }
        break;
      case TcpState::reset:
        break;
    }
    (void)delta_last;
  }

  uint32_t slot_of(const Conn& c) const { return uint32_t(&c - slots.data()); }
  double now_ = 0;  // time of the packet being processed

  void process_udp(Conn& c, bool is_orig, const DecodedPacket& p) {
    if (p.checksum_bad) {
      c.check_history(kHistCorrupt, 'C', is_orig);
      return;
    }
    c.check_history(kHistData, 'D', is_orig);
    int d = is_orig ? 0 : 1;
    c.size[d] += p.payload_len;
    c.active[d] = true;
    count(c, is_orig, p);
  }

  void process_icmp(Conn& c, bool is_orig, const DecodedPacket& p) {
    if (p.checksum_bad) {
      c.check_history(kHistCorrupt, 'C', is_orig);
      return;
    }
    int d = is_orig ? 0 : 1;
    c.size[d] += p.payload_len;
    c.active[d] = true;
    count(c, is_orig, p);
  }

  const std::string& packet(const DecodedPacket& p, double ts, Provenance prov,
                            const std::string& tunnel_parent) {
    if (!p.transport_ok) return empty_uid;
    ++stats.packets;
    now_ = ts;
    advance(ts);

    uint16_t sp = p.src_port, dp = p.dst_port;
    bool one_way = false;
    if (p.ip_proto == kProtoIcmp || p.ip_proto == kProtoIcmp6) icmp_ports(p, sp, dp, one_way);
    const bool has_ports = p.ip_proto == kProtoTcp || p.ip_proto == kProtoUdp ||
                           p.ip_proto == kProtoIcmp || p.ip_proto == kProtoIcmp6;
    if (!has_ports) sp = dp = 0;
    ConnKey key = make_key(p.src, sp, p.dst, dp, p.ip_proto, one_way);

    uint32_t slot;
    auto it = table.find(key);
    if (it != table.end() && p.ip_proto == kProtoTcp && is_reuse(slots[it->second], p)) {
      remove(it->second);
      it = table.end();
    }
    if (it == table.end()) {
      slot = create(p, key, sp, dp, ts, prov, tunnel_parent);
    } else {
      slot = it->second;
    }
    Conn& c = slots[slot];
    c.last_prov = prov;
    bool is_orig = (p.src == c.orig_h && sp == c.orig_p);
    if (p.src == p.dst && sp == dp) is_orig = true;

    if (c.packets_seen < 255) ++c.packets_seen;
    switch (p.ip_proto) {
      case kProtoTcp: {
        // Zeek flips a connection that began with a SYN-ACK once an ack or data segment
        // follows: stealth scans never produce those. The first packet after the SYN-ACK(s)
        // decides; one that fails its checksum settles it as "no flip".
        const uint8_t f = p.tcp_flags;
        if (c.began_with_syn_ack && c.packets_seen > 1 && !(f & tcp_flag::kSyn)) {
          c.began_with_syn_ack = false;
          if (!p.checksum_bad && (f & tcp_flag::kAck) && !(f & (tcp_flag::kFin | tcp_flag::kRst))) {
            // Zeek rewrites the history too: the SYN-ACK becomes the responder's "^h".
            c.flip();
            c.history.pop_back();
            for (char& ch : c.history)
              ch = char(std::isupper(ch) ? std::tolower(ch) : std::toupper(ch));
            c.history.insert(c.history.begin(), '^');
            c.hist_seen = (c.hist_seen << 16) | (c.hist_seen >> 16);
            is_orig = !is_orig;
          }
        }
        process_tcp(slot, c, is_orig, p, ts);
        // Counted after processing, in the roles the packet ended up with (a SYN/SYN-ACK
        // reversal may have flipped them); bad-checksum packets never reach Zeek's ConnSize.
        if (!p.checksum_bad) count(c, p.src == c.orig_h && sp == c.orig_p, p);
        break;
      }
      case kProtoUdp:
        c.last = ts;
        process_udp(c, is_orig, p);
        break;
      case kProtoIcmp:
      case kProtoIcmp6:
        c.last = ts;
        process_icmp(c, is_orig, p);
        break;
      default:
        c.last = ts;
        count(c, is_orig, p);
        break;
    }
    return c.uid;
  }

  void flush() {
    // Zeek ends the remaining connections at the end of the input; emit them in start order so
    // the output is stable.
    std::vector<uint32_t> open;
    for (uint32_t i = 0; i < slots.size(); ++i) {
      if (slots[i].in_use) open.push_back(i);
    }
    std::sort(open.begin(), open.end(),
              [&](uint32_t a, uint32_t b) { return slots[a].start < slots[b].start; });
    for (uint32_t s : open) remove(s);
    timers = {};
  }
};

ConnTracker::ConnTracker(TrackerOptions options, EventSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink, stats_)) {}
ConnTracker::~ConnTracker() = default;

const std::string& ConnTracker::packet(const DecodedPacket& p, double ts, Provenance prov,
                                       const std::string& tunnel_parent) {
  return impl_->packet(p, ts, prov, tunnel_parent);
}

void ConnTracker::flush() {
  impl_->flush();
}

}  // namespace callhome
