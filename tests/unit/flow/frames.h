// Builders for raw frames in decoder and reader tests: every byte written by hand, checksums
// computed, so each test states exactly what is on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow/checksum.h"

namespace callhome::frames {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
inline uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}

inline Bytes tcp(uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags,
                 const std::string& payload = "") {
  Bytes b;
  put16(b, sp);
  put16(b, dp);
  put32(b, seq);
  put32(b, ack);
  b.push_back(0x50);
  b.push_back(flags);
  put16(b, 8192);
  put16(b, 0);  // checksum, filled by ipv4()/ipv6()
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
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

inline Bytes icmp(uint8_t type, uint8_t code, const std::string& payload = "abcd") {
  Bytes b = {type, code, 0, 0, 0, 1, 0, 1};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Transport checksum offsets by protocol (TCP 16, UDP 6, ICMP 2).
inline size_t checksum_offset(uint8_t proto) {
  return proto == 6 ? 16 : proto == 17 ? 6 : 2;
}

inline Bytes ipv4(const char* src, const char* dst, uint8_t proto, Bytes l4, uint16_t id = 1,
                  uint16_t frag = 0, bool fix_transport_checksum = true) {
  uint8_t s[4], d[4];
  std::sscanf(src, "%hhu.%hhu.%hhu.%hhu", &s[0], &s[1], &s[2], &s[3]);
  std::sscanf(dst, "%hhu.%hhu.%hhu.%hhu", &d[0], &d[1], &d[2], &d[3]);
  if (fix_transport_checksum && (proto == 6 || proto == 17 || proto == 1)) {
    uint32_t sum =
        proto == 1 ? 0 : checksum_add(s, 4) + checksum_add(d, 4) + proto + uint32_t(l4.size());
    sum = checksum_add(l4.data(), l4.size(), sum);
    uint16_t c = fold(sum);
    l4[checksum_offset(proto)] = uint8_t(c >> 8);
    l4[checksum_offset(proto) + 1] = uint8_t(c);
  }
  Bytes b = {0x45, 0};
  put16(b, uint16_t(20 + l4.size()));
  put16(b, id);
  put16(b, frag);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  b.insert(b.end(), s, s + 4);
  b.insert(b.end(), d, d + 4);
  uint16_t c = fold(checksum_add(b.data(), 20));
  b[10] = uint8_t(c >> 8);
  b[11] = uint8_t(c);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

inline Bytes ipv6(const uint8_t src[16], const uint8_t dst[16], uint8_t next, Bytes l4) {
  if (next == 6 || next == 17 || next == 58) {
    uint32_t sum = checksum_add(src, 16) + checksum_add(dst, 16) + next + uint32_t(l4.size());
    sum = checksum_add(l4.data(), l4.size(), sum);
    uint16_t c = fold(sum);
    size_t off = next == 58 ? 2 : checksum_offset(next);
    l4[off] = uint8_t(c >> 8);
    l4[off + 1] = uint8_t(c);
  }
  Bytes b = {0x60, 0, 0, 0};
  put16(b, uint16_t(l4.size()));
  b.push_back(next);
  b.push_back(64);
  b.insert(b.end(), src, src + 16);
  b.insert(b.end(), dst, dst + 16);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

inline Bytes ethernet(const Bytes& ip, uint16_t type = 0x0800) {
  Bytes b = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  put16(b, type);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

}  // namespace callhome::frames
