// The connection tracker follows Zeek's TCP analyzer (TCPSessionAdapter and TCP_Endpoint), its
// UDP and ICMP analyzers, the ConnSize analyzer and the conn.log script closely, because users
// compare our records with Zeek's line by line. Comments name the Zeek behaviour reproduced.
#include "flow/conn_tracker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "flow/conn_table.h"
#include "flow/seq_coverage.h"
#include "flow/tcp_endpoint.h"  // TcpState, seq_delta
#include "flow/timer_queue.h"

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

// Both directions of a conversation are the same connection; one-way ICMP messages keep their
// direction (Zeek does not pair them with anything). The table hashes the unordered pair of
// endpoints, so a connection is found under the same hash whichever way it is looked at.
uint64_t endpoint_hash(const Address& a, uint16_t port) {
  uint64_t w[2];
  std::memcpy(w, a.bytes().data(), 16);
  const unsigned __int128 m =
      (unsigned __int128)(w[0] ^ 0x9e3779b97f4a7c15ULL) * (w[1] ^ port ^ 0xd6e8feb86659fd93ULL);
  return uint64_t(m) ^ uint64_t(m >> 64);
}

uint64_t tuple_hash(const Address& a, uint16_t pa, const Address& b, uint16_t pb, uint8_t proto) {
  uint64_t z = endpoint_hash(a, pa) + endpoint_hash(b, pb) + proto * 0x94d049bb133111ebULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
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
  uint32_t slot_kind;  // slot in the low 29 bits, TimerKind in the top 3
  uint32_t slot() const { return slot_kind & kSlotMask; }
  TimerKind kind() const { return TimerKind(slot_kind >> 29); }
  static constexpr uint32_t kSlotMask = (1u << 29) - 1;
};

// One side of a TCP connection, tracked the way Zeek's TCP_Endpoint does (sequence space,
// states, the history letters' last positions, how much of its data the capture accounts
// for). The rare per-side counters (checksum errors, retransmits, zero windows) live in the
// connection's cold record.
struct Endpoint {
  // The initial sequence number (or "seq - 1" for a partial connection): always a 32-bit
  // value, widened to 64 bits where relative sequence numbers are computed.
  uint32_t start_seq;
  uint32_t last_seq, ack_seq;
  uint32_t seq_wraps, ack_wraps;
  TcpState state, prev_state;
  bool did_close;
  uint8_t fin_count;  // saturates; only "any" matters
  // Where the last SYN and RST were, to repeat their letters only when it changes: the low
  // 32 bits of the relative sequence number are enough to tell a new segment from a repeat,
  // and the eight bytes saved make room for the coverage below.
  uint32_t hist_last_syn, hist_last_rst;
  uint64_t hist_last_fin;     // also where data ends: acks of the FIN octet are not data
  uint32_t gaps, gap_thresh;  // content gaps (history G), scaled like the letters above
  // What of this side's data the capture accounts for, so that acks beyond it reveal content
  // gaps.
  SeqCoverage coverage;

  void set_state(TcpState s) {
    if (s != state) {
      prev_state = state;
      state = s;
    }
  }
  uint32_t start() const { return start_seq; }
  void init_start(uint32_t s) { start_seq = s; }
  void update_last_seq(uint32_t s) {
    if (s < last_seq) ++seq_wraps;
    last_seq = s;
  }
  void update_ack_seq(uint32_t s) {
    if (s < ack_seq) ++ack_wraps;
    ack_seq = s;
  }
  static uint64_t full(uint32_t s, uint32_t wraps) { return (uint64_t(wraps) << 32) | s; }
  uint64_t to_relative(uint32_t s, uint32_t wraps) const {
    return full(s, wraps) - uint64_t(start_seq);
  }
  bool no_data_acked() const {
    uint64_t ack = full(ack_seq, ack_wraps);
    uint64_t st = uint64_t(start_seq);
    return ack == st || ack == st + 1;
  }
  // Bytes sent, from sequence numbers (Zeek's TCP_Endpoint::Size).
  uint64_t size(const Endpoint& peer) const {
    if (prev_state == TcpState::syn_sent && state == TcpState::reset &&
        peer.state == TcpState::inactive && !no_data_acked()) {
      return 0;  // a half-open connection that was aborted: its sequence numbers mean nothing
    }
    uint64_t last = full(last_seq, seq_wraps);
    uint64_t ack = full(ack_seq, ack_wraps);
    uint64_t sz = (last > ack ? last : ack) - uint64_t(start_seq);
    if (sz != 0) --sz;                   // the SYN's octet
    if (fin_count > 0 && sz != 0) --sz;  // the FIN's octet
    return sz;
  }
};

// Logarithmic history letters (C, T, W) of one side: counts and the next count that earns a
// letter (Zeek's ScaledHistoryEntry). Gaps (G) are counted in the connection itself: every
// connection of a capture cut to a snaplen has them.
struct Scaled {
  uint32_t checksum_errors = 0, checksum_thresh = 1;
  uint32_t retransmits = 0, retransmit_thresh = 1;
  uint32_t zero_windows = 0, zero_window_thresh = 1;
};

// What few connections need, allocated on first use: a long history, the tunnel parent, the
// scaled history counters.
struct Cold {
  std::string history;  // the whole history once it outgrew the inline buffer
  std::string tunnel_parent;
  Scaled scaled[2];  // per TCP endpoint object (ep[0], ep[1])
  // The first ICMP error that quoted a packet of the originator (a refused UDP or IP-protocol
  // probe): rare enough to live here rather than in every connection.
  bool has_icmp_error = false;
  uint8_t icmp_error_type = 0, icmp_error_code = 0;
};

// Flags of a connection.
enum ConnFlag : uint8_t {
  kInUse = 1 << 0,
  kBeganWithSynAck = 1 << 1,
  kTimersCancelled = 1 << 2,  // analyzer timers (attempt, expire) no longer act
  kActiveOrig = 1 << 3,       // UDP and ICMP: a valid packet came from this side
  kActiveResp = 1 << 4,
  kOneWay = 1 << 5,  // ICMP message nothing answers: the table key keeps its direction
};

enum class TimeoutKind : uint8_t { tcp, udp, icmp, other };

constexpr uint8_t kHistInline = 12;
constexpr uint8_t kHistInCold = 0xff;  // hist_len: the history lives in the cold record

// A connection's per-packet state: four cache lines, 64-byte aligned, so a TCP packet touches
// exactly four (line 0: the key and what every packet updates; line 1: counters; lines 2-3:
// the endpoints). What only creation, timers and the record need is in ConnMeta.
struct alignas(64) Conn {
  // line 0
  Address orig_h, resp_h;
  uint16_t orig_p, resp_p;
  uint8_t proto;
  uint8_t flags;
  uint8_t packets_seen;  // saturating; only the first two matter
  uint8_t orig_ep;       // TCP: ep[orig_ep] is the originator's side
  uint32_t hist_seen;    // history letters seen, one bit per letter and direction
  TimeoutKind timeout_kind;
  uint8_t hist_len;  // kHistInCold when the history moved to the cold record
  // TCP: the OR of the flags the originator [0] and the responder [1] sent. Scans without a
  // SYN (NULL, FIN, XMAS, Maimon) differ only here; it fills padding of the line every packet
  // touches anyway.
  uint8_t tcp_flags_or[2];
  double last;
  uint64_t uid_number;  // the uid is made from it when needed
  // line 1
  uint64_t pkts[2], ip_bytes[2];
  uint64_t last_ref;  // Provenance::ref of the last packet
  uint64_t missed_bytes;
  uint32_t cold;  // 1 + index of the cold record; 0 = none
  char hist[kHistInline];
  // lines 2-3
  union {
    Endpoint ep[2];    // TCP
    uint64_t size[2];  // UDP and ICMP payload bytes
  };

  bool has(ConnFlag f) const { return flags & f; }
  void set(ConnFlag f) { flags |= f; }
  void clear(ConnFlag f) { flags &= uint8_t(~f); }
  Endpoint& tcp_orig() { return ep[orig_ep]; }
  Endpoint& tcp_resp() { return ep[orig_ep ^ 1]; }
  const Endpoint& tcp_orig() const { return ep[orig_ep]; }
  const Endpoint& tcp_resp() const { return ep[orig_ep ^ 1]; }
  int index_of(const Endpoint& e) const { return &e == &ep[0] ? 0 : 1; }
};
static_assert(sizeof(Endpoint) == 64);
static_assert(sizeof(Conn) == 256);

struct ConnMeta {
  double start;
  uint64_t first_ref;
  uint32_t first_input, last_input;  // last_input: see Impl::uniform_input
  uint32_t timers;                   // the connection's pending timers (TimerQueue list head)
};

class ConnSlots {
 public:
  Conn& operator[](uint32_t i) { return chunks_[i >> kShift][i & kMask]; }
  const Conn& operator[](uint32_t i) const { return chunks_[i >> kShift][i & kMask]; }
  ConnMeta& meta(uint32_t i) { return metas_[i >> kShift][i & kMask]; }
  const ConnMeta& meta(uint32_t i) const { return metas_[i >> kShift][i & kMask]; }
  uint32_t size() const { return size_; }
  uint32_t grow() {  // a new slot at the end, zeroed
    if (size_ >= Timer::kSlotMask) throw std::length_error("too many live connections");
    if ((size_ & kMask) == 0) {
      chunks_.emplace_back(new Conn[kChunk]());
      metas_.emplace_back(new ConnMeta[kChunk]());
    }
    return size_++;
  }

 private:
  static constexpr uint32_t kShift = 12, kChunk = 1u << kShift, kMask = kChunk - 1;
  std::vector<std::unique_ptr<Conn[]>> chunks_;
  std::vector<std::unique_ptr<ConnMeta[]>> metas_;
  uint32_t size_ = 0;
};

bool is_handshake(TcpState s) {
  return s == TcpState::inactive || s == TcpState::syn_sent || s == TcpState::syn_ack_sent;
}

ConnState tcp_conn_state(const Conn& c, std::string_view h) {
  ConnState out;
  const Endpoint &o = c.tcp_orig(), &r = c.tcp_resp();
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

constexpr size_t kUidLength = 19;

// Digit i of z in base 62, (z / 62^i) % 62: the nine divisions by constants are independent
// multiplications, where dividing by 62 nine times in a row would wait for each result.
template <size_t I>
constexpr uint64_t kPow62 = 62 * kPow62<I - 1>;
template <>
constexpr uint64_t kPow62<0> = 1;

template <size_t... I>
void base62_digits(char* out, uint64_t z, std::index_sequence<I...>) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  ((out[I] = kDigits[(z / kPow62<I>) % 62]), ...);
}

// The uid of the n-th connection: splitmix64 of the counter, so unique, deterministic, and
// looking like Zeek's base62 uids. Connections keep only the counter.
void write_uid(char* out, uint64_t seed, uint64_t n) {
  out[0] = 'C';
  for (int round = 0; round < 2; ++round) {
    uint64_t z = seed + (n * 2 + uint64_t(round) + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    base62_digits(out + 1 + round * 9, z, std::make_index_sequence<9>{});
  }
}

std::string make_uid(uint64_t seed, uint64_t n) {
  std::string uid(kUidLength, 'C');
  write_uid(uid.data(), seed, n);
  return uid;
}

// A connection key in canonical form: the two endpoints ordered, except for one-way ICMP
// messages, which keep their direction.
struct Canon {
  const Address *a, *b;
  uint16_t pa, pb;
  Canon(const Address& src, uint16_t sp, const Address& dst, uint16_t dp, bool one_way) {
    if (one_way || std::tie(src, sp) < std::tie(dst, dp)) {
      a = &src, b = &dst, pa = sp, pb = dp;
    } else {
      a = &dst, b = &src, pa = dp, pb = sp;
    }
  }
  bool operator==(const Canon& o) const {
    return pa == o.pa && pb == o.pb && *a == *o.a && *b == *o.b;
  }
};

}  // namespace

struct ConnTracker::Impl {
  TrackerOptions opt;
  EventSink& sink;
  TrackerStats& stats;
  ConnTable table;
  ConnSlots slots;
  std::vector<uint32_t> free_slots;
  TimerQueue timers;       // a connection's timers are cancelled when it ends
  std::deque<Cold> colds;  // a deque: references stay valid while it grows
  std::vector<uint32_t> free_colds;
  uint64_t uid_counter = 0;
  std::string empty_uid;
  static constexpr uint64_t kNoUid = UINT64_MAX;
  uint64_t last_number = kNoUid;     // uid number of the last packet's connection
  std::string uid_out;               // the uid last_uid() returns
  uint64_t uid_out_number = kNoUid;  // the connection uid_out belongs to
  // While every packet comes from the same input (always, in the CLI), connections record it
  // only at creation; the first packet from another input makes every packet record it.
  bool uniform_input = true;
  bool seen_input = false;
  uint32_t input0 = 0;

  Impl(TrackerOptions o, EventSink& s, TrackerStats& st) : opt(std::move(o)), sink(s), stats(st) {}

  bool likely_server_port(uint16_t port, uint8_t ip_proto) const {
    return opt.likely_server_ports.contains(port, ip_proto);
  }

  void schedule(uint32_t slot, double at, TimerKind kind) {
    timers.add(at, slot | (uint32_t(kind) << 29), slots.meta(slot).timers);
  }

  double timeout(const Conn& c) const {
    switch (c.timeout_kind) {
      case TimeoutKind::tcp:
        return opt.tcp_inactivity_timeout;
      case TimeoutKind::udp:
        return opt.udp_inactivity_timeout;
      case TimeoutKind::icmp:
        return opt.icmp_inactivity_timeout;
      case TimeoutKind::other:
        break;
    }
    return opt.other_inactivity_timeout;
  }

  Cold& cold(Conn& c) {
    if (c.cold == 0) {
      if (free_colds.empty()) {
        colds.emplace_back();
        c.cold = uint32_t(colds.size());
      } else {
        c.cold = free_colds.back() + 1;
        free_colds.pop_back();
      }
    }
    return colds[c.cold - 1];
  }
  const Cold* cold_if(const Conn& c) const { return c.cold ? &colds[c.cold - 1] : nullptr; }

  std::string_view history(const Conn& c) const {
    if (c.hist_len == kHistInCold) return colds[c.cold - 1].history;
    return std::string_view(c.hist, c.hist_len);
  }
  // The history as a string in the cold record, for the rare edits that need one.
  std::string& history_string(Conn& c) {
    if (c.hist_len != kHistInCold) {
      Cold& k = cold(c);
      k.history.assign(c.hist, c.hist_len);
      c.hist_len = kHistInCold;
      return k.history;
    }
    return colds[c.cold - 1].history;
  }
  void set_history(Conn& c, std::string_view h) {
    if (c.hist_len != kHistInCold && h.size() <= kHistInline) {
      std::memcpy(c.hist, h.data(), h.size());
      c.hist_len = uint8_t(h.size());
    } else {
      history_string(c) = h;
    }
  }
  void push_history(Conn& c, char ch) {
    if (c.hist_len < kHistInline) {
      c.hist[c.hist_len++] = ch;
    } else {
      history_string(c).push_back(ch);
    }
  }
  // Zeek's CheckHistory: the first time a letter is seen for a direction it is recorded;
  // returns whether it had been seen before.
  bool check_history(Conn& c, uint32_t bit, char code, bool is_orig) {
    uint32_t mask = is_orig ? bit : bit << 16;
    if (c.hist_seen & mask) return true;
    c.hist_seen |= mask;
    add_history(c, code, is_orig);
    return false;
  }
  void add_history(Conn& c, char code, bool is_orig) {
    push_history(c, is_orig ? code : char(code - 'A' + 'a'));
  }
  // Zeek's ScaledHistoryEntry: the letter again at 1, 10, 100 ... occurrences.
  void scaled_history(Conn& c, char code, bool is_orig, uint32_t& count, uint32_t& threshold) {
    if (++count == threshold) {
      add_history(c, code, is_orig);
      if (threshold <= UINT32_MAX / 10) threshold *= 10;
    }
  }
  Scaled& scaled(Conn& c, const Endpoint& e) { return cold(c).scaled[c.index_of(e)]; }

  void flip(Conn& c) {
    std::swap(c.orig_h, c.resp_h);
    std::swap(c.orig_p, c.resp_p);
    std::swap(c.pkts[0], c.pkts[1]);
    std::swap(c.ip_bytes[0], c.ip_bytes[1]);
    std::swap(c.tcp_flags_or[0], c.tcp_flags_or[1]);
    if (c.proto != kProtoTcp) std::swap(c.size[0], c.size[1]);  // TCP: the endpoints share it
    const uint8_t active = c.flags & (kActiveOrig | kActiveResp);
    c.flags = uint8_t((c.flags & ~(kActiveOrig | kActiveResp)) |
                      ((active & kActiveOrig) ? kActiveResp : 0) |
                      ((active & kActiveResp) ? kActiveOrig : 0));
    c.orig_ep ^= 1;  // endpoint objects stay put: code holding references keeps its meaning
    push_history(c, '^');
  }

  uint64_t conn_hash(const Conn& c) const {
    return tuple_hash(c.orig_h, c.orig_p, c.resp_h, c.resp_p, c.proto);
  }

  // The next firing of a periodic check. Nothing changes a connection between packets, so
  // after a jump in capture time the checks in between would all decide alike: skip to the
  // last one due, instead of looping through every period (a capture whose clock jumps by
  // years would otherwise take forever). Always later than `at`: beyond 2^53 / period seconds
  // a double cannot add the period (a fuzzed pcapng with a coarse time unit got there), and a
  // timer that does not move fires forever.
  double next_period(double at, double period) const {
    const double k = std::floor((now_ - at) / period);
    const double next = k >= 1 ? at + k * period : at + period;
    return next > at ? next : std::nextafter(at, std::numeric_limits<double>::infinity());
  }

  void advance(double now) {
    while (!timers.empty() && timers.next_at() <= now) {
      const uint32_t slot = timers.peek_payload() & Timer::kSlotMask;
      const TimerQueue::Due d = timers.pop(slots.meta(slot).timers);
      fire(Timer{d.at, d.payload}, slots[slot]);
    }
  }

  void fire(const Timer& t, Conn& c) {
    switch (t.kind()) {
      case TimerKind::inactivity:
        if (c.last + timeout(c) <= t.at) {
          remove(t.slot());
        } else {
          schedule(t.slot(), c.last + timeout(c), TimerKind::inactivity);
        }
        break;
      case TimerKind::attempt:
        if (c.has(kTimersCancelled)) break;
        if ((c.tcp_orig().state == TcpState::syn_sent ||
             c.tcp_orig().state == TcpState::syn_ack_sent) &&
            c.tcp_resp().state == TcpState::inactive) {
          remove(t.slot());
        }
        break;
      case TimerKind::expire: {
        if (c.has(kTimersCancelled)) break;
        const Endpoint &o = c.tcp_orig(), &r = c.tcp_resp();
        if (c.last + kTcpConnectionLinger < t.at) {
          if ((o.did_close || r.did_close) &&
              ((o.did_close && r.did_close) || o.state == TcpState::reset ||
               r.state == TcpState::reset || o.state == TcpState::inactive ||
               r.state == TcpState::inactive)) {
            remove(t.slot());
            break;
          }
          if (r.state == TcpState::inactive && o.state == TcpState::inactive) {
            remove(t.slot());
            break;
          }
        }
        schedule(t.slot(), next_period(t.at, kTcpSessionTimer), TimerKind::expire);
        break;
      }
      case TimerKind::dns_expire:
        // Zeek's DNS analyzer ends a UDP conversation after dns_session_timeout (10 s) without
        // traffic, checked every 10 s (with a second of slack), so one client port carries many
        // short DNS "connections".
        if (t.at - c.last >= kDnsSessionTimeout - 1.0) {
          remove(t.slot());
        } else {
          schedule(t.slot(), next_period(t.at, kDnsSessionTimeout), TimerKind::dns_expire);
        }
        break;
      case TimerKind::remove:
        remove(t.slot());
        break;
    }
  }

  uint32_t create(const DecodedPacket& p, uint64_t hash, bool one_way, uint16_t sp, uint16_t dp,
                  double ts, Provenance prov, const std::string& tunnel_parent) {
    uint32_t slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = slots.grow();
    }
    Conn& c = slots[slot];
    ConnMeta& m = slots.meta(slot);
    c = Conn{};
    m.timers = TimerQueue::kNone;
    c.flags = kInUse | (one_way ? kOneWay : 0);
    c.orig_h = p.src;
    c.resp_h = p.dst;
    c.orig_p = sp;
    c.resp_p = dp;
    c.proto = p.ip_proto;
    m.start = c.last = ts;
    m.first_input = m.last_input = prov.input;
    m.first_ref = c.last_ref = prov.ref;
    c.uid_number = uid_counter++;
    if (!tunnel_parent.empty()) cold(c).tunnel_parent = tunnel_parent;
    switch (p.ip_proto) {
      case kProtoTcp:
        c.timeout_kind = TimeoutKind::udp;  // until established
        c.ep[0].coverage.reset();
        c.ep[1].coverage.reset();
        c.ep[0].gap_thresh = c.ep[1].gap_thresh = 1;
        break;
      case kProtoUdp:
        c.timeout_kind = TimeoutKind::udp;
        break;
      case kProtoIcmp:
      case kProtoIcmp6:
        c.timeout_kind = TimeoutKind::icmp;
        break;
      default:
        c.timeout_kind = TimeoutKind::other;
        break;
    }
    table.insert(hash, slot);
    schedule(slot, ts + timeout(c), TimerKind::inactivity);
    if (p.ip_proto == kProtoTcp) schedule(slot, ts + kTcpSynTimeout, TimerKind::expire);

    // Who is the originator when the first packet does not make it obvious.
    bool flip = false;
    if (p.ip_proto == kProtoTcp) {
      const uint8_t f = p.tcp_flags;
      const bool syn = f & tcp_flag::kSyn, ack = f & tcp_flag::kAck;
      // Zeek's TCPAnalyzer::WantConnection: a connection that does not begin with a plain SYN
      // is partial, and its roles are guessed from the ports. From a likely server port to
      // another port it flips, SYN-ACK or not. Between two likely server ports only a packet
      // other than a SYN-ACK flips ("to avoid confusing stealth scans"), and only when it comes
      // from the lower port.
      if (!syn || ack) {
        if (likely_server_port(sp, kProtoTcp)) {
          flip = !likely_server_port(dp, kProtoTcp) || (!syn && sp < dp);
        }
        // A SYN-ACK left unflipped: the packet that follows decides (see feed()).
        if (syn && !flip) c.set(kBeganWithSynAck);
      }
    } else if (p.ip_proto == kProtoUdp) {
      // Zeek does not flip towards a broadcast or multicast responder: nothing answers from it.
      flip = likely_server_port(sp, kProtoUdp) && !likely_server_port(dp, kProtoUdp) &&
             !is_broadcast_or_multicast(p.dst);
      if (is_dns_port(sp) || is_dns_port(dp)) {
        schedule(slot, ts + kDnsSessionTimeout, TimerKind::dns_expire);
      }
    }
    if (flip) this->flip(c);
    ++stats.live;
    stats.peak_live = std::max(stats.peak_live, stats.live);
    return slot;
  }

  void remove(uint32_t slot) {
    Conn& c = slots[slot];
    emit(slot);
    table.erase(conn_hash(c), slot);
    c.clear(kInUse);
    timers.cancel_all(slots.meta(slot).timers);
    if (c.cold) {
      colds[c.cold - 1] = Cold{};  // gives the strings' memory back
      free_colds.push_back(c.cold - 1);
      c.cold = 0;
    }
    free_slots.push_back(slot);
    --stats.live;
  }

  void emit(uint32_t slot) {
    const Conn& c = slots[slot];
    const ConnMeta& m = slots.meta(slot);
    Connection r;
    r.ts = m.start;
    r.uid = make_uid(opt.uid_seed, c.uid_number);
    r.orig_h = c.orig_h;
    r.resp_h = c.resp_h;
    r.orig_p = c.orig_p;
    r.resp_p = c.resp_p;
    r.ip_proto = c.proto;
    r.duration = c.last - m.start;
    // conn.log fills duration and sizes only for connections that lasted (Zeek's set_conn).
    r.has_duration = r.duration > 0;
    r.has_bytes = r.has_duration;
    r.has_counts = true;
    if (c.proto == kProtoTcp) {
      r.orig_bytes = c.tcp_orig().size(c.tcp_resp());
      r.resp_bytes = c.tcp_resp().size(c.tcp_orig());
      r.state = tcp_conn_state(c, history(c));
      r.has_tcp_flags = true;
      r.orig_tcp_flags = c.tcp_flags_or[0];
      r.resp_tcp_flags = c.tcp_flags_or[1];
    } else if (c.proto == kProtoUdp) {
      r.orig_bytes = c.size[0];
      r.resp_bytes = c.size[1];
      const bool resp_active = c.has(kActiveResp);
      if (c.has(kActiveOrig)) {
        r.state = resp_active ? ConnState::SF : ConnState::S0;
      } else {
        r.state = resp_active ? ConnState::SHR : ConnState::OTH;
      }
    } else {
      r.orig_bytes = c.size[0];
      r.resp_bytes = c.size[1];
      r.state = ConnState::OTH;
    }
    const Cold* k = cold_if(c);
    r.missed_bytes = c.missed_bytes;
    r.history = history(c);
    r.orig_pkts = c.pkts[0];
    r.orig_ip_bytes = c.ip_bytes[0];
    r.resp_pkts = c.pkts[1];
    r.resp_ip_bytes = c.ip_bytes[1];
    if (k) {
      if (!k->tunnel_parent.empty()) r.tunnel_parents.push_back(k->tunnel_parent);
      r.has_icmp_error = k->has_icmp_error;
      r.icmp_error_type = k->icmp_error_type;
      r.icmp_error_code = k->icmp_error_code;
    }
    r.first = Provenance{m.first_input, m.first_ref};
    r.last = Provenance{m.last_input, c.last_ref};
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
    const Endpoint* conn_orig = &c.tcp_orig();
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

  void tcp_set_state(Conn& c, Endpoint& e, Endpoint& peer, TcpState s) {
    if (s == e.state) return;
    // Leaving the handshake switches the connection to the TCP inactivity timeout.
    if (!is_handshake(s) && is_handshake(e.state) && is_handshake(peer.state)) {
      c.timeout_kind = TimeoutKind::tcp;
    }
    e.set_state(s);
  }

  void tcp_closed(uint32_t slot, Conn& c, Endpoint& e, Endpoint& peer) {
    if (e.did_close) return;
    e.did_close = true;
    bool complete =
        e.state == TcpState::reset || peer.did_close || peer.state == TcpState::inactive;
    if (complete) {
      c.set(kTimersCancelled);
      // Cancelled analyzer timers would pop without effect, and timers due after the removal
      // would be cancelled by it: the connection waits for its removal with one timer (or two,
      // when its inactivity timeout is shorter than the close delay).
      const double remove_at = c.last + kTcpCloseDelay;
      timers.cancel_if(slots.meta(slot).timers, [remove_at](uint32_t payload, double at) {
        const TimerKind k = Timer{0, payload}.kind();
        return k == TimerKind::attempt || k == TimerKind::expire || at > remove_at;
      });
      schedule(slot, remove_at, TimerKind::remove);
    } else if (e.prev_state != TcpState::inactive) {
      schedule(slot, c.last + kTcpSessionTimer, TimerKind::expire);
    }
  }

  static uint64_t relative_seq(const Endpoint& e, uint32_t cur, uint32_t last, uint32_t wraps,
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
    Endpoint& e = is_orig ? c.tcp_orig() : c.tcp_resp();
    Endpoint& peer = is_orig ? c.tcp_resp() : c.tcp_orig();
    if (p.checksum_bad) {
      Scaled& k = scaled(c, e);
      scaled_history(c, 'C', is_orig, k.checksum_errors, k.checksum_thresh);
      return;
    }
    const uint8_t f = p.tcp_flags;
    c.tcp_flags_or[is_orig ? 0 : 1] |= f;
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
        check_history(c, kHistFinRst, 'I', is_orig);
      } else {
        check_history(c, kHistMulti, 'Q', is_orig);
      }
    } else if (bits == 1) {
      if (syn) {
        char code = ack ? 'H' : 'S';
        if (check_history(c, kHistSyn, code, is_orig) && uint32_t(rel_seq) != e.hist_last_syn) {
          add_history(c, code, is_orig);
        }
        e.hist_last_syn = uint32_t(rel_seq);
      }
      if (fin) {
        if (check_history(c, kHistFin, 'F', is_orig) && rel_seq + len != e.hist_last_fin) {
          add_history(c, 'F', is_orig);
        }
        e.hist_last_fin = rel_seq + uint64_t(len);
      }
      if (rst) {
        if (check_history(c, kHistRst, 'R', is_orig) && uint32_t(rel_seq) != e.hist_last_rst) {
          add_history(c, 'R', is_orig);
        }
        e.hist_last_rst = uint32_t(rel_seq);
      }
    } else if (len) {
      check_history(c, kHistData, 'D', is_orig);
    } else if (ack) {
      check_history(c, kHistAck, 'A', is_orig);
    }

    // update_window: only the zero-window history letter matters for conn.log.
    if (p.window == 0 && !rst && peer.state != TcpState::closed && e.state != TcpState::reset) {
      Scaled& k = scaled(c, e);
      scaled_history(c, 'W', is_orig, k.zero_windows, k.zero_window_thresh);
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
      Scaled& k = scaled(c, e);
      scaled_history(c, 'T', is_orig, k.retransmits, k.retransmit_thresh);
    }

    bool do_close = false;
    update_state_machine(c, e, peer, is_orig, p, base_seq, len, delta_last, do_close);

    if (ack) ack_received(c, peer, e, rel_ack);

    // Data reaches the reassembler only when the whole payload was captured.
    uint64_t rel_data_seq = syn ? rel_seq + 1 : rel_seq;
    if (len > 0 && !rst && !seq_underflow && p.payload_caplen >= p.payload_len) {
      e.coverage.data(rel_data_seq, uint64_t(len));
    }

    if (do_close) tcp_closed(slot, c, e, peer);
  }

  // An ack from the peer of `e` that goes beyond the data we saw reveals content gaps, which
  // Zeek reports (missed_bytes, history G once per hole, scaled) while both sides are
  // established; the data seen above a hole is not among them.
  void ack_received(Conn& c, Endpoint& e, const Endpoint& peer, uint64_t rel_ack) {
    if (rel_ack <= e.coverage.horizon()) return;
    uint64_t target = rel_ack;
    if (e.fin_count > 0) {
      uint64_t fin_end = e.hist_last_fin;  // relative seq of the FIN octet
      if (target > fin_end) target = fin_end;
    }
    const bool report = e.state == TcpState::established && peer.state == TcpState::established;
    const bool is_orig = &e == &c.tcp_orig();
    e.coverage.ack(target, [&](uint64_t missing) {
      if (!report || missing == 0) return;
      c.missed_bytes += missing;
      scaled_history(c, 'G', is_orig, e.gaps, e.gap_thresh);
    });
  }

  void update_state_machine(Conn& c, Endpoint& e, Endpoint& peer, bool is_orig,
                            const DecodedPacket& p, uint32_t base_seq, int len, int32_t delta_last,
                            bool& do_close) {
    const uint8_t f = p.tcp_flags;
    const bool syn = f & tcp_flag::kSyn, fin = f & tcp_flag::kFin, rst = f & tcp_flag::kRst,
               ack = f & tcp_flag::kAck;
    auto set = [&](Endpoint& x, TcpState s) { tcp_set_state(c, x, &x == &e ? peer : e, s); };
    switch (e.state) {
      case TcpState::inactive: {
        if (syn) {
          if (is_orig) {
            set(e, ack ? TcpState::syn_ack_sent : TcpState::syn_sent);
            schedule(cur_slot_, now_ + kTcpAttemptDelay, TimerKind::attempt);
          } else {
            if (!ack && peer.state == TcpState::syn_ack_sent && base_seq == e.start()) {
              // A SYN/SYN-ACK reversal (the SYN-ACK was captured first): flip and establish.
              flip(c);
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

  double now_ = 0;         // time of the packet being processed
  uint32_t cur_slot_ = 0;  // slot of the connection it goes to

  void process_udp(Conn& c, bool is_orig, const DecodedPacket& p) {
    if (p.checksum_bad) {
      check_history(c, kHistCorrupt, 'C', is_orig);
      return;
    }
    check_history(c, kHistData, 'D', is_orig);
    int d = is_orig ? 0 : 1;
    c.size[d] += p.payload_len;
    c.set(is_orig ? kActiveOrig : kActiveResp);
    count(c, is_orig, p);
  }

  void process_icmp(Conn& c, bool is_orig, const DecodedPacket& p) {
    if (p.checksum_bad) {
      check_history(c, kHistCorrupt, 'C', is_orig);
      return;
    }
    int d = is_orig ? 0 : 1;
    c.size[d] += p.payload_len;
    c.set(is_orig ? kActiveOrig : kActiveResp);
    count(c, is_orig, p);
  }

  // An ICMP error quotes the IP header and first transport bytes of the packet it answers. The
  // ICMP message stays its own connection (as in Zeek); the connection of the quoted packet
  // learns that its originator was refused, which is how UDP and IP-protocol scans are
  // answered. Only errors run this, not the packets of ordinary traffic.
  void link_icmp_error(const DecodedPacket& p) {
    const bool v6 = p.ip_proto == kProtoIcmp6;
    // IPv4 destination unreachable; IPv6 destination unreachable and "unrecognised next
    // header" (IPv6's protocol unreachable).
    if (v6 ? !(p.icmp_type == 1 || (p.icmp_type == 4 && p.icmp_code == 1)) : p.icmp_type != 3) {
      return;
    }
    const uint8_t* q = p.payload;
    const uint32_t n = q ? p.payload_caplen : 0;  // packets made in tests may carry no bytes
    Address src, dst;
    uint8_t proto;
    uint32_t hl;
    if (!v6) {
      if (n < 20 || (q[0] >> 4) != 4) return;
      hl = uint32_t(q[0] & 0x0f) * 4;
      if (hl < 20) return;
      proto = q[9];
      src = Address::v4_bytes(q + 12);
      dst = Address::v4_bytes(q + 16);
    } else {
      if (n < 40 || (q[0] >> 4) != 6) return;
      hl = 40;  // extension headers are not followed: probes rarely carry them
      proto = q[6];
      src = Address::v6_bytes(q + 8);
      dst = Address::v6_bytes(q + 24);
    }
    uint16_t sp = 0, dp = 0;
    if (proto == kProtoTcp || proto == kProtoUdp) {
      if (n < hl + 4) return;
      sp = uint16_t(q[hl] << 8 | q[hl + 1]);
      dp = uint16_t(q[hl + 2] << 8 | q[hl + 3]);
    } else if (proto == kProtoIcmp || proto == kProtoIcmp6) {
      return;  // errors about ICMP messages: the icmp sweep detector reads those itself
    }
    const uint32_t slot = table.find(tuple_hash(src, sp, dst, dp, proto), [&](uint32_t s) {
      const Conn& x = slots[s];
      return x.proto == proto && x.orig_h == src && x.orig_p == sp && x.resp_h == dst &&
             x.resp_p == dp;  // only errors about the originator's packets
    });
    if (slot == ConnTable::kNone) return;
    Conn& c = slots[slot];
    Cold& k = cold(c);
    if (k.has_icmp_error) return;
    k.has_icmp_error = true;
    k.icmp_error_type = p.icmp_type;
    k.icmp_error_code = p.icmp_code;
  }

  void feed(const DecodedPacket& p, double ts, Provenance prov, const std::string& tunnel_parent) {
    last_number = kNoUid;
    if (!p.transport_ok) return;
    ++stats.packets;
    now_ = ts;
    if (!seen_input) {
      seen_input = true;
      input0 = prov.input;
    } else if (prov.input != input0) {
      uniform_input = false;
    }
    advance(ts);

    uint16_t sp = p.src_port, dp = p.dst_port;
    bool one_way = false;
    if (p.ip_proto == kProtoIcmp || p.ip_proto == kProtoIcmp6) icmp_ports(p, sp, dp, one_way);
    const bool has_ports = p.ip_proto == kProtoTcp || p.ip_proto == kProtoUdp ||
                           p.ip_proto == kProtoIcmp || p.ip_proto == kProtoIcmp6;
    if (!has_ports) sp = dp = 0;
    const uint64_t hash = tuple_hash(p.src, sp, p.dst, dp, p.ip_proto);
    const uint8_t proto = p.ip_proto;
    uint32_t slot = table.find(hash, [&](uint32_t s) {
      const Conn& x = slots[s];
      if (x.proto != proto) return false;
      if (!one_way && !x.has(kOneWay)) {  // the common case: compare as an unordered pair
        return (x.orig_p == sp && x.resp_p == dp && x.orig_h == p.src && x.resp_h == p.dst) ||
               (x.orig_p == dp && x.resp_p == sp && x.orig_h == p.dst && x.resp_h == p.src);
      }
      return Canon(x.orig_h, x.orig_p, x.resp_h, x.resp_p, x.has(kOneWay)) ==
             Canon(p.src, sp, p.dst, dp, one_way);
    });
    if (slot != ConnTable::kNone && proto == kProtoTcp && is_reuse(slots[slot], p)) {
      remove(slot);
      slot = ConnTable::kNone;
    }
    if (slot == ConnTable::kNone) slot = create(p, hash, one_way, sp, dp, ts, prov, tunnel_parent);
    cur_slot_ = slot;
    Conn& c = slots[slot];
    if (!uniform_input) slots.meta(slot).last_input = prov.input;
    c.last_ref = prov.ref;
    bool is_orig = (p.src == c.orig_h && sp == c.orig_p);
    if (p.src == p.dst && sp == dp) is_orig = true;

    if (c.packets_seen < 255) ++c.packets_seen;
    switch (p.ip_proto) {
      case kProtoTcp: {
        // Zeek flips a connection that began with a SYN-ACK once an ack or data segment
        // follows: stealth scans never produce those. The first packet after the SYN-ACK(s)
        // decides; one that fails its checksum settles it as "no flip".
        const uint8_t f = p.tcp_flags;
        if (c.has(kBeganWithSynAck) && c.packets_seen > 1 && !(f & tcp_flag::kSyn)) {
          c.clear(kBeganWithSynAck);
          if (!p.checksum_bad && (f & tcp_flag::kAck) && !(f & (tcp_flag::kFin | tcp_flag::kRst))) {
            // Zeek rewrites the history too: the SYN-ACK becomes the responder's "^h".
            flip(c);
            std::string h(history(c));
            h.pop_back();
            for (char& ch : h) ch = char(std::isupper(ch) ? std::tolower(ch) : std::toupper(ch));
            h.insert(h.begin(), '^');
            set_history(c, h);
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
        if (one_way && !p.checksum_bad) link_icmp_error(p);
        break;
      default:
        c.last = ts;
        count(c, is_orig, p);
        break;
    }
    last_number = c.uid_number;
  }

  const std::string& last_uid() {
    if (last_number == kNoUid) return empty_uid;
    if (last_number != uid_out_number) {
      uid_out_number = last_number;
      uid_out.resize(kUidLength);
      write_uid(uid_out.data(), opt.uid_seed, last_number);
    }
    return uid_out;
  }

  void flush() {
    // Zeek ends the remaining connections at the end of the input; emit them in start order so
    // the output is stable.
    std::vector<uint32_t> open;
    for (uint32_t i = 0; i < slots.size(); ++i) {
      if (slots[i].has(kInUse)) open.push_back(i);
    }
    std::sort(open.begin(), open.end(),
              [&](uint32_t a, uint32_t b) { return slots.meta(a).start < slots.meta(b).start; });
    for (uint32_t s : open) remove(s);
    timers.clear();
    last_number = kNoUid;
  }
};

ConnTracker::ConnTracker(TrackerOptions options, EventSink& sink)
    : impl_(std::make_unique<Impl>(std::move(options), sink, stats_)) {}
ConnTracker::~ConnTracker() = default;

const std::string& ConnTracker::packet(const DecodedPacket& p, double ts, Provenance prov,
                                       const std::string& tunnel_parent) {
  impl_->feed(p, ts, prov, tunnel_parent);
  return impl_->last_uid();
}

void ConnTracker::feed(const DecodedPacket& p, double ts, Provenance prov,
                       const std::string& tunnel_parent) {
  impl_->feed(p, ts, prov, tunnel_parent);
}

const std::string& ConnTracker::last_uid() {
  return impl_->last_uid();
}

ConnTracker::Hint ConnTracker::prefetch_index(const FlowKey& key) const {
  const uint64_t hash = tuple_hash(key.src, key.src_port, key.dst, key.dst_port, key.proto);
  impl_->table.prefetch(hash);
  return Hint{hash, true};
}

void ConnTracker::prefetch_conn(const Hint& hint) const {
  if (!hint.valid) return;
  const uint32_t slot = impl_->table.likely(hint.hash);
  if (slot == ConnTable::kNone) return;
  const char* c = reinterpret_cast<const char*>(&impl_->slots[slot]);
  for (size_t line = 0; line < sizeof(Conn); line += 64) __builtin_prefetch(c + line, 1);
}

void ConnTracker::flush() {
  impl_->flush();
}

}  // namespace callhome
