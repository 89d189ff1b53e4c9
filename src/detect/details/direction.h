// Which way the traffic behind a finding went, relative to the internal host it is about; the
// findings document writes it as "direction".
#pragma once

#include <cstdint>

namespace callhome {

enum class Direction : uint8_t {
  outbound,  // from the internal host to an outside one
  inbound,   // from outside to the internal host: an attack on it, not its own traffic
  internal,  // between two internal hosts
};

inline const char* to_string(Direction d) {
  switch (d) {
    case Direction::outbound:
      return "outbound";
    case Direction::inbound:
      return "inbound";
    case Direction::internal:
      return "internal";
  }
  return "outbound";
}

}  // namespace callhome
