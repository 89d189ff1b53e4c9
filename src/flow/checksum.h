// The Internet checksum (RFC 1071), as IPv4, TCP, UDP and ICMP use it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace callhome {

// Adds `len` bytes, read as big-endian 16-bit words (an odd last byte is the high half of a
// word), to a running one's-complement sum. The result is the sum folded to 16 bits, so sums
// of several pieces can be added with `+` and folded again.
//
// The one's-complement sum does not depend on byte order (RFC 1071, 2.B), so the bytes are
// added as native 32-bit words into a 64-bit accumulator and swapped once at the end: this is
// the checksum of every packet when verification is on.
inline uint32_t checksum_add(const uint8_t* p, size_t len, uint32_t sum = 0) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint32_t a, b;
    std::memcpy(&a, p + i, 4);
    std::memcpy(&b, p + i + 4, 4);
    acc += a;
    acc += b;
  }
  for (; i + 2 <= len; i += 2) {
    uint16_t w;
    std::memcpy(&w, p + i, 2);
    acc += w;
  }
  if (i < len) {  // the odd byte is the first (high) byte of a big-endian word
    const uint16_t b = p[i];
    acc += std::endian::native == std::endian::little ? b : uint16_t(b << 8);
  }
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  uint32_t folded = uint32_t(acc);
  if constexpr (std::endian::native == std::endian::little) {
    folded = uint32_t(uint16_t(folded << 8 | folded >> 8));
  }
  return sum + folded;
}

// Folds a running sum to 16 bits.
inline uint16_t checksum_fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(sum);
}

// True when a sum over data that includes its checksum field folds to all ones.
inline bool checksum_ok(uint32_t sum) {
  return checksum_fold(sum) == 0xffff;
}

}  // namespace callhome
