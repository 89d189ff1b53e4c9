// Big-endian (network order) loads from unaligned packet bytes.
#pragma once

#include <cstdint>

namespace callhome {

inline uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t rd32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

}  // namespace callhome
