// Builders for the frames the decoder tests feed it: every header written byte by byte,
// checksums computed independently of the decoder (a plain 16-bit loop), so a test states
// exactly what is on the wire.
#pragma once

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

// Tests build headers with designated initializers naming only the fields they care about;
// the rest have defaults, which GCC 12's -Wmissing-field-initializers still reports.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace callhome::test_frames {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

inline std::array<uint8_t, 4> v4(const char* s) {
  std::array<uint8_t, 4> a{};
  inet_pton(AF_INET, s, a.data());
  return a;
}
inline std::array<uint8_t, 16> v6(const char* s) {
  std::array<uint8_t, 16> a{};
  inet_pton(AF_INET6, s, a.data());
  return a;
}

// The RFC 1071 sum, written the slow obvious way on purpose.
inline uint32_t sum16(const uint8_t* p, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i < n; ++i) s += (i % 2 == 0) ? uint32_t(p[i]) << 8 : p[i];
  return s;
}
inline uint16_t finish(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}

// --- transports (checksum left zero; the IP builders fill it) -------------------------------

struct Tcp {
  uint16_t sp = 1024, dp = 80;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0x02;
  uint16_t window = 8192;
  Bytes options;  // a multiple of 4 bytes
  Bytes payload;
};
inline Bytes tcp(const Tcp& t) {
  Bytes b;
  put16(b, t.sp);
  put16(b, t.dp);
  put32(b, t.seq);
  put32(b, t.ack);
  b.push_back(uint8_t((20 + t.options.size()) / 4 << 4));
  b.push_back(t.flags);
  put16(b, t.window);
  put16(b, 0);  // checksum
  put16(b, 0);  // urgent pointer
  b.insert(b.end(), t.options.begin(), t.options.end());
  b.insert(b.end(), t.payload.begin(), t.payload.end());
  return b;
}
inline Bytes udp(uint16_t sp, uint16_t dp, const Bytes& payload) {
  Bytes b;
  put16(b, sp);
  put16(b, dp);
  put16(b, uint16_t(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes icmp(uint8_t type, uint8_t code, const Bytes& payload = text("ping")) {
  Bytes b = {type, code, 0, 0, 0x12, 0x34, 0, 1};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

inline size_t checksum_at(uint8_t proto) {
  return proto == 6 ? 16 : proto == 17 ? 6 : 2;  // TCP, UDP, ICMP and ICMPv6
}
inline bool has_checksum(uint8_t proto) {
  return proto == 6 || proto == 17 || proto == 1 || proto == 58;
}
// Fills the transport checksum: over the pseudo-header for all but ICMP (for IPv4).
inline void fill_checksum(Bytes& l4, uint8_t proto, const uint8_t* src, const uint8_t* dst,
                          size_t addr_len) {
  if (!has_checksum(proto) || l4.size() < checksum_at(proto) + 2) return;
  l4[checksum_at(proto)] = l4[checksum_at(proto) + 1] = 0;
  uint32_t s = 0;
  if (proto != 1) {
    s = sum16(src, addr_len, s);
    s = sum16(dst, addr_len, s);
    s += proto + uint32_t(l4.size());
  }
  const uint16_t c = finish(sum16(l4.data(), l4.size(), s));
  l4[checksum_at(proto)] = uint8_t(c >> 8);
  l4[checksum_at(proto) + 1] = uint8_t(c);
}

// --- IP ----------------------------------------------------------------------------------

struct Ip4 {
  const char* src = "10.0.0.1";
  const char* dst = "10.0.0.2";
  uint8_t proto = 6;
  uint16_t id = 1;
  uint16_t frag = 0;  // flags and offset field as sent (0x2000 = MF, offset in 8-byte units)
  uint8_t ttl = 64;
  Bytes options;  // a multiple of 4 bytes
  bool fill_transport_checksum = true;
};
inline Bytes ipv4(const Ip4& h, Bytes l4) {
  const auto s = v4(h.src), d = v4(h.dst);
  if (h.fill_transport_checksum) fill_checksum(l4, h.proto, s.data(), d.data(), 4);
  Bytes b = {uint8_t(0x40 | (20 + h.options.size()) / 4), 0};
  put16(b, uint16_t(20 + h.options.size() + l4.size()));
  put16(b, h.id);
  put16(b, h.frag);
  b.push_back(h.ttl);
  b.push_back(h.proto);
  put16(b, 0);
  b.insert(b.end(), s.begin(), s.end());
  b.insert(b.end(), d.begin(), d.end());
  b.insert(b.end(), h.options.begin(), h.options.end());
  const uint16_t c = finish(sum16(b.data(), b.size()));
  b[10] = uint8_t(c >> 8);
  b[11] = uint8_t(c);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}
inline Bytes ipv4(const char* src, const char* dst, uint8_t proto, Bytes l4) {
  Ip4 h;
  h.src = src;
  h.dst = dst;
  h.proto = proto;
  return ipv4(h, std::move(l4));
}

// One IPv6 extension header: its type and body after the next-header and length bytes (the
// builder pads hop-by-hop, routing and destination options to 8-byte multiples with PadN).
struct Ext {
  uint8_t type;
  Bytes body;
};
inline Bytes ext_header(uint8_t type, uint8_t next, Bytes body) {
  Bytes b = {next, 0};
  if (type == 44) {  // fragment: fixed 8 bytes, length field reserved
    b.insert(b.end(), body.begin(), body.end());
    return b;
  }
  if (type == 51) {  // AH: length in 4-byte units minus 2
    b.insert(b.end(), body.begin(), body.end());
    b[1] = uint8_t(b.size() / 4 - 2);
    return b;
  }
  b.insert(b.end(), body.begin(), body.end());
  const size_t pad = (8 - b.size() % 8) % 8;
  if (pad == 1) {
    b.push_back(0);  // Pad1
  } else if (pad > 1) {
    b.push_back(1);  // PadN
    b.push_back(uint8_t(pad - 2));
    b.insert(b.end(), pad - 2, 0);
  }
  b[1] = uint8_t(b.size() / 8 - 1);
  return b;
}
// The body of an IPv6 fragment header (after next header and the reserved byte).
inline Bytes fragment_body(uint16_t offset_bytes, bool more, uint32_t id) {
  Bytes b = {uint8_t(offset_bytes >> 8), uint8_t((offset_bytes & 0xf8) | (more ? 1 : 0))};
  put32(b, id);
  return b;
}

struct Ip6 {
  const char* src = "2001:db8::1";
  const char* dst = "2001:db8::2";
  uint8_t proto = 6;  // after the extension headers
  std::vector<Ext> ext;
  uint8_t hop_limit = 64;
  const char* checksum_dst = nullptr;  // the final destination, when a routing header names one
  bool fill_transport_checksum = true;
};
inline Bytes ipv6(const Ip6& h, Bytes l4) {
  const auto s = v6(h.src), d = v6(h.dst);
  const auto cd = h.checksum_dst ? v6(h.checksum_dst) : d;
  if (h.fill_transport_checksum) fill_checksum(l4, h.proto, s.data(), cd.data(), 16);
  Bytes chain;
  for (size_t i = 0; i < h.ext.size(); ++i) {
    const uint8_t next = i + 1 < h.ext.size() ? h.ext[i + 1].type : h.proto;
    const Bytes e = ext_header(h.ext[i].type, next, h.ext[i].body);
    chain.insert(chain.end(), e.begin(), e.end());
  }
  Bytes b = {0x60, 0, 0, 0};
  put16(b, uint16_t(chain.size() + l4.size()));
  b.push_back(h.ext.empty() ? h.proto : h.ext[0].type);
  b.push_back(h.hop_limit);
  b.insert(b.end(), s.begin(), s.end());
  b.insert(b.end(), d.begin(), d.end());
  b.insert(b.end(), chain.begin(), chain.end());
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}
inline Bytes ipv6(const char* src, const char* dst, uint8_t proto, Bytes l4) {
  Ip6 h;
  h.src = src;
  h.dst = dst;
  h.proto = proto;
  return ipv6(h, std::move(l4));
}

// --- link layers ---------------------------------------------------------------------------

inline Bytes macs() {
  return {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
}
inline uint16_t ethertype_of(const Bytes& ip) {
  return !ip.empty() && (ip[0] >> 4) == 6 ? 0x86dd : 0x0800;
}
inline Bytes ethernet(const Bytes& payload, uint16_t type) {
  Bytes b = macs();
  put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes ethernet(const Bytes& ip) {
  return ethernet(ip, ethertype_of(ip));
}
// A tag (TPID, TCI) to put between the MAC addresses and what follows.
inline Bytes tag(uint16_t tpid, uint16_t vid) {
  Bytes b;
  put16(b, tpid);
  put16(b, vid);
  return b;
}
// Ethernet with tags: the last tag is followed by `type`.
inline Bytes tagged(const std::vector<Bytes>& tags, uint16_t type, const Bytes& payload) {
  Bytes b = macs();
  for (const Bytes& t : tags) b.insert(b.end(), t.begin(), t.end());
  put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
// RFC 1042 LLC/SNAP header for an EtherType.
inline Bytes snap(uint16_t type) {
  Bytes b = {0xaa, 0xaa, 0x03, 0, 0, 0};
  put16(b, type);
  return b;
}
// IEEE 802.3: a length instead of a type, then LLC/SNAP.
inline Bytes ieee8023(const Bytes& ip) {
  Bytes llc = cat({snap(ethertype_of(ip)), ip});
  Bytes b = macs();
  put16(b, uint16_t(llc.size()));
  b.insert(b.end(), llc.begin(), llc.end());
  return b;
}
inline Bytes mpls(const std::vector<uint32_t>& labels, const Bytes& payload) {
  Bytes b = macs();
  put16(b, 0x8847);
  for (size_t i = 0; i < labels.size(); ++i) {
    const bool bottom = i + 1 == labels.size();
    put32(b, labels[i] << 12 | (bottom ? 0x100 : 0) | 64);
  }
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes pppoe_session(uint16_t ppp_proto, const Bytes& payload) {
  Bytes b = {0x11, 0x00, 0x12, 0x34};  // version/type, code 0, session id
  put16(b, uint16_t(payload.size() + 2));
  put16(b, ppp_proto);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes sll(uint16_t proto, const Bytes& payload) {
  Bytes b = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};  // outgoing, ARPHRD_ETHER, 6-byte addr
  put16(b, proto);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes sll2(uint16_t proto, const Bytes& payload) {
  Bytes b;
  put16(b, proto);
  put16(b, 0);                                              // reserved
  put32(b, 2);                                              // interface index
  b.insert(b.end(), {0, 1, 4, 6, 1, 2, 3, 4, 5, 6, 0, 0});  // ARPHRD, type, addr len, addr
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes null_le(uint32_t af, const Bytes& payload) {
  Bytes b = {uint8_t(af), uint8_t(af >> 8), uint8_t(af >> 16), uint8_t(af >> 24)};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes null_be(uint32_t af, const Bytes& payload) {
  Bytes b;
  put32(b, af);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// An 802.11 data frame. `subtype` 0 = data, 8 = QoS data, 4 = null function; `ds` the to/from
// DS bits (3 = four addresses); `flags` other frame-control bits (0x40 protected, 0x80 order).
inline Bytes wifi(uint8_t type, uint8_t subtype, uint8_t ds, uint8_t flags, const Bytes& body,
                  uint16_t qos = 0) {
  Bytes b = {uint8_t(subtype << 4 | type << 2), uint8_t(ds | flags), 0x2c, 0x00};
  for (int i = 0; i < 18; ++i) b.push_back(uint8_t(0x10 + i));  // three addresses
  b.push_back(0x30);                                            // sequence control
  b.push_back(0x01);
  if (ds == 3) {
    for (int i = 0; i < 6; ++i) b.push_back(uint8_t(0x40 + i));
  }
  if (subtype & 0x8) {
    b.push_back(uint8_t(qos));
    b.push_back(uint8_t(qos >> 8));
    if (flags & 0x80) b.insert(b.end(), {0, 0, 0, 0});  // HT control
  }
  b.insert(b.end(), body.begin(), body.end());
  return b;
}
// A radiotap header with flags and a rate field (length 10, little-endian).
inline Bytes radiotap(const Bytes& frame) {
  Bytes b = {0, 0, 10, 0, 0x06, 0, 0, 0, 0x10, 0x02};
  b.insert(b.end(), frame.begin(), frame.end());
  return b;
}

// --- tunnels ------------------------------------------------------------------------------

// GRE with optional checksum, key and sequence number (RFC 2784/2890).
inline Bytes gre(uint16_t proto, const Bytes& payload, bool checksum = false, bool key = false,
                 bool seq = false) {
  uint16_t flags = 0;
  if (checksum) flags |= 0x8000;
  if (key) flags |= 0x2000;
  if (seq) flags |= 0x1000;
  Bytes b;
  put16(b, flags);
  put16(b, proto);
  if (checksum) put32(b, 0);
  if (key) put32(b, 0xfeedbeef);
  if (seq) put32(b, 7);
  b.insert(b.end(), payload.begin(), payload.end());
  if (checksum) {
    const uint16_t c = finish(sum16(b.data(), b.size()));
    b[4] = uint8_t(c >> 8);
    b[5] = uint8_t(c);
  }
  return b;
}
// PPTP's enhanced GRE (version 1): key (payload length, call id), sequence and ack, then PPP.
inline Bytes pptp_gre(uint16_t ppp_proto, const Bytes& payload) {
  Bytes b;
  put16(b, 0x3081);  // key, sequence, ack present; version 1
  put16(b, 0x880b);
  put16(b, uint16_t(payload.size() + 4));
  put16(b, 0x4000);  // call id
  put32(b, 5);       // sequence
  put32(b, 4);       // acknowledgment
  b.insert(b.end(), {0xff, 0x03});
  put16(b, ppp_proto);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes vxlan(const Bytes& frame, uint32_t vni = 42) {
  Bytes b = {0x08, 0, 0, 0};
  put32(b, vni << 8);
  b.insert(b.end(), frame.begin(), frame.end());
  return b;
}
inline Bytes geneve(uint16_t proto, const Bytes& payload, uint8_t option_words = 0) {
  Bytes b = {option_words, 0};
  put16(b, proto);
  put32(b, 42 << 8);
  for (int i = 0; i < option_words * 4; ++i) b.push_back(0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}
inline Bytes teredo_auth(uint8_t id_len, uint8_t auth_len) {
  Bytes b = {0, 1, id_len, auth_len};
  for (int i = 0; i < id_len + auth_len; ++i) b.push_back(uint8_t('i' + i % 3));
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(i));  // nonce
  b.push_back(0);                                       // confirmation
  return b;
}
inline Bytes teredo_origin(uint16_t port, const char* addr) {
  Bytes b = {0, 0};
  put16(b, uint16_t(~port));
  const auto a = v4(addr);
  for (uint8_t x : a) b.push_back(uint8_t(~x));
  return b;
}
inline Bytes ayiya(uint8_t next_header, const Bytes& packet, uint8_t op = 1) {
  // Identity of 2^4 = 16 bytes, signature of 5 * 4 = 20 bytes (SHA-1), as sixxs clients send.
  Bytes b = {0x41, 0x52, uint8_t(0x10 | op), next_header};
  put32(b, 0x5f000000);  // epoch time
  for (int i = 0; i < 16 + 20; ++i) b.push_back(uint8_t(i));
  b.insert(b.end(), packet.begin(), packet.end());
  return b;
}

}  // namespace callhome::test_frames
