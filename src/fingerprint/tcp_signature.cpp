#include "fingerprint/tcp_signature.h"

#include <fmt/format.h>

namespace callhome {
namespace {

inline uint16_t be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPush = 0x08, kTcpAck = 0x10,
                  kTcpUrg = 0x20, kTcpEce = 0x40, kTcpCwr = 0x80;
constexpr int kMaxDistance = 35;   // p0f's MAX_DIST: beyond it a TTL match is only fuzzy
constexpr int kMinTcp4 = 20 + 20;  // IPv4 + TCP headers without options
constexpr int kMinTcp6 = 40 + 20;

// Reads the IP fields; false for something p0f would not fingerprint.
bool read_ip(std::span<const uint8_t> ip, TcpSignature& s) {
  if (ip.size() < 20) return false;
  const uint8_t* h = ip.data();
  if ((h[0] >> 4) == 4) {
    const uint32_t hl = uint32_t(h[0] & 15) * 4;
    if (hl < 20 || hl > ip.size()) return false;
    const uint16_t flags = be16(h + 6);
    if (flags & ~0xc000) return false;  // a fragment (MF or an offset): p0f lets it pass
    s.ip_version = 4;
    s.ip_opt_len = uint8_t(hl - 20);
    s.tos = h[1] >> 2;
    s.ttl = h[8];
    if (h[1] & 0x03) s.quirks |= tcp_quirk::kEcn;
    if (flags & 0x8000) s.quirks |= tcp_quirk::kNzMbz;
    const bool zero_id = be16(h + 4) == 0;
    if (flags & 0x4000) {
      s.quirks |= tcp_quirk::kDf;
      if (!zero_id) s.quirks |= tcp_quirk::kNzId;
    } else if (zero_id) {
      s.quirks |= tcp_quirk::kZeroId;
    }
    s.header_bytes = uint16_t(hl);
    return true;
  }
  if ((h[0] >> 4) == 6 && ip.size() >= 40) {
    const uint32_t ver_tc_flow = be32(h);
    s.ip_version = 6;
    s.ip_opt_len = 0;
    s.tos = uint8_t((ver_tc_flow >> 22) & 0x3f);
    s.ttl = h[7];
    if (ver_tc_flow & 0xfffff) s.quirks |= tcp_quirk::kFlow;
    if ((ver_tc_flow >> 20) & 0x03) s.quirks |= tcp_quirk::kEcn;
    s.header_bytes = 40;  // p0f does not follow extension headers
    return true;
  }
  return false;
}

// The options between `p` and `end`, as p0f lays them out; damage sets the "bad" quirk and
// stops, as in p0f.
void read_options(const uint8_t* p, const uint8_t* end, bool pure_syn, TcpSignature& s) {
  while (p < end && s.option_count < TcpSignature::kMaxOptions) {
    const uint8_t kind = *p++;
    s.options[s.option_count++] = kind;
    switch (kind) {
      case tcp_opt::kEol: {
        s.eol_pad = uint8_t(std::min<ptrdiff_t>(end - p, 255));
        while (p < end && *p == 0) ++p;
        if (p != end) s.quirks |= tcp_quirk::kOptEolNz;
        p = end;
        break;
      }
      case tcp_opt::kNop:
        break;
      case tcp_opt::kMss:
        if (end - p < 3) return void(s.quirks |= tcp_quirk::kOptBad);
        if (*p != 4) s.quirks |= tcp_quirk::kOptBad;
        s.mss = be16(p + 1);
        p += 3;
        break;
      case tcp_opt::kWs:
        if (end - p < 2) return void(s.quirks |= tcp_quirk::kOptBad);
        if (*p != 3) s.quirks |= tcp_quirk::kOptBad;
        s.wscale = p[1];
        if (s.wscale > 14) s.quirks |= tcp_quirk::kOptExws;
        p += 2;
        break;
      case tcp_opt::kSok:
        if (end - p < 1) return void(s.quirks |= tcp_quirk::kOptBad);
        if (*p != 2) s.quirks |= tcp_quirk::kOptBad;
        p += 1;
        break;
      case tcp_opt::kSack:
        if (p == end || *p < 10 || *p > 34 || p - 1 + *p > end) {
          return void(s.quirks |= tcp_quirk::kOptBad);
        }
        p += *p - 1;
        break;
      case tcp_opt::kTs:
        if (end - p < 9) return void(s.quirks |= tcp_quirk::kOptBad);
        if (*p != 10) s.quirks |= tcp_quirk::kOptBad;
        s.ts1 = be32(p + 1);
        if (s.ts1 == 0) s.quirks |= tcp_quirk::kOptZeroTs1;
        if (pure_syn && be32(p + 5) != 0) s.quirks |= tcp_quirk::kOptNzTs2;
        p += 9;
        break;
      default:  // unknown, with a length byte
        if (p == end || *p < 2 || *p > 40 || p - 1 + *p > end) {
          return void(s.quirks |= tcp_quirk::kOptBad);
        }
        p += *p - 1;
        break;
    }
  }
  if (p != end) s.quirks |= tcp_quirk::kOptBad;  // more than 24 options, as in p0f
}

}  // namespace

int guess_ttl_distance(uint8_t ttl) {
  if (ttl <= 32) return 32 - ttl;
  if (ttl <= 64) return 64 - ttl;
  if (ttl <= 128) return 128 - ttl;
  return 255 - ttl;
}

bool read_tcp_signature(std::span<const uint8_t> ip, std::span<const uint8_t> tcp,
                        uint32_t payload_len, TcpSignature& s) {
  s = TcpSignature{};
  if (!read_ip(ip, s)) return false;
  if (tcp.size() < 20) return false;
  const uint8_t* t = tcp.data();
  const uint32_t doff = uint32_t(t[12] >> 4) * 4;
  if (doff < 20 || doff > tcp.size()) return false;
  if (s.header_bytes + doff < uint32_t(s.ip_version == 4 ? kMinTcp4 : kMinTcp6)) return false;
  s.header_bytes = uint16_t(s.header_bytes + doff);
  const uint8_t flags = t[13];
  s.win = be16(t + 14);
  if ((flags & (kTcpEce | kTcpCwr)) || (t[12] & 0x01)) s.quirks |= tcp_quirk::kEcn;
  if (be32(t + 4) == 0) s.quirks |= tcp_quirk::kZeroSeq;
  if (flags & kTcpAck) {
    if (be32(t + 8) == 0) s.quirks |= tcp_quirk::kZeroAck;
  } else if ((t[8] & 1) && !(flags & kTcpRst)) {
    // p0f 3.09b tests `ack & !rst` on the ACK field as stored in memory, so on the machines it
    // ran on it sees only the lowest bit of the field's first byte. The "ack+" signatures in
    // p0f.fp were written by that code, so this reads the bit the same way to match them.
    s.quirks |= tcp_quirk::kNzAck;
  }
  if (flags & kTcpUrg) {
    s.quirks |= tcp_quirk::kUrg;
  } else if (be16(t + 18) != 0) {
    s.quirks |= tcp_quirk::kNzUrg;
  }
  if (flags & kTcpPush) s.quirks |= tcp_quirk::kPush;
  s.pay_class = payload_len > 0 ? 1 : 0;
  const bool pure_syn = (flags & (kTcpSyn | kTcpAck | kTcpFin | kTcpRst)) == kTcpSyn;
  read_options(t + 20, t + doff, pure_syn, s);
  return true;
}

int window_multiplier(const TcpSignature& s, bool* use_mtu, uint16_t syn_mss) {
  const int win = s.win, mss = s.mss;
  *use_mtu = false;
  if (win == 0 || mss < 100 || s.win_type != WindowType::normal) return -1;
  const auto divides = [&](int div, bool mtu) {
    if (div <= 0 || win % div != 0) return false;
    *use_mtu = mtu;
    return true;
  };
  // In p0f's order: the MSS, the MSS less a timestamp option, the MSS of a 1500-byte MTU (some
  // stacks use the wrong interface's), then the MTU itself, then the peer's MSS (SYN+ACKs).
  const int hdr4 = kMinTcp4, hdr6 = kMinTcp6;
  const int tries[][2] = {{mss, 0},
                          {s.ts1 ? mss - 12 : 0, 0},
                          {1500 - hdr4, 0},
                          {1500 - hdr4 - 12, 0},
                          {s.ip_version == 6 ? 1500 - hdr6 : 0, 0},
                          {s.ip_version == 6 ? 1500 - hdr6 - 12 : 0, 0},
                          {mss + hdr4, 1},
                          {mss + s.header_bytes, 1},
                          {s.ip_version == 6 ? mss + hdr6 : 0, 1},
                          {1500, 1},
                          {syn_mss, 0},
                          {syn_mss ? syn_mss - 12 : 0, 0}};
  for (const auto& t : tries) {
    if (divides(t[0], t[1] != 0)) return win / t[0];
  }
  return -1;
}

std::string format_observed(const TcpSignature& s, bool syn_ack, uint16_t syn_mss) {
  std::string out;
  const int dist = guess_ttl_distance(s.ttl);
  if (dist > kMaxDistance) {
    out = fmt::format("{}:{}+?:{}:", s.ip_version, s.ttl, s.ip_opt_len);
  } else {
    out = fmt::format("{}:{}+{}:{}:", s.ip_version, s.ttl, dist, s.ip_opt_len);
  }
  // p0f-sendsyn's probe MSS echoed back: p0f suggests a wildcard there.
  out += (s.mss == 1331 && syn_ack) ? std::string("*:") : fmt::format("{}:", s.mss);
  bool mtu = false;
  const int multi = window_multiplier(s, &mtu, syn_mss);
  out += multi > 0 ? fmt::format("{}*{}", mtu ? "mtu" : "mss", multi) : std::to_string(s.win);
  out += fmt::format(",{}:", s.wscale);
  for (int i = 0; i < s.option_count; ++i) {
    if (i) out += ',';
    switch (s.options[i]) {
      case tcp_opt::kEol:
        out += fmt::format("eol+{}", s.eol_pad);
        break;
      case tcp_opt::kNop:
        out += "nop";
        break;
      case tcp_opt::kMss:
        out += "mss";
        break;
      case tcp_opt::kWs:
        out += "ws";
        break;
      case tcp_opt::kSok:
        out += "sok";
        break;
      case tcp_opt::kSack:
        out += "sack";
        break;
      case tcp_opt::kTs:
        out += "ts";
        break;
      default:
        out += fmt::format("?{}", s.options[i]);
    }
  }
  out += ':';
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {tcp_quirk::kDf, "df"},           {tcp_quirk::kNzId, "id+"},
      {tcp_quirk::kZeroId, "id-"},      {tcp_quirk::kEcn, "ecn"},
      {tcp_quirk::kNzMbz, "0+"},        {tcp_quirk::kFlow, "flow"},
      {tcp_quirk::kZeroSeq, "seq-"},    {tcp_quirk::kNzAck, "ack+"},
      {tcp_quirk::kZeroAck, "ack-"},    {tcp_quirk::kNzUrg, "uptr+"},
      {tcp_quirk::kUrg, "urgf+"},       {tcp_quirk::kPush, "pushf+"},
      {tcp_quirk::kOptZeroTs1, "ts1-"}, {tcp_quirk::kOptNzTs2, "ts2+"},
      {tcp_quirk::kOptEolNz, "opt+"},   {tcp_quirk::kOptExws, "exws"},
      {tcp_quirk::kOptBad, "bad"}};
  bool first = true;
  for (const auto& [bit, name] : kNames) {
    if (!(s.quirks & bit)) continue;
    if (!first) out += ',';
    out += name;
    first = false;
  }
  out += s.pay_class > 0 ? ":+" : ":0";
  return out;
}

}  // namespace callhome
