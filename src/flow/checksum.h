// The Internet checksum (RFC 1071), as IPv4, TCP, UDP and ICMP use it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace callhome {

// Adds `len` bytes to a running 32-bit one's-complement sum.
inline uint32_t checksum_add(const uint8_t* p, size_t len, uint32_t sum = 0) {
  size_t i = 0;
  for (; i + 1 < len; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
  if (i < len) sum += uint32_t(p[i]) << 8;
  return sum;
}

// True when a sum over data that includes its checksum field folds to all ones.
inline bool checksum_ok(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

}  // namespace callhome
