// The states of one side of a TCP connection, as Zeek's TCP analyzer names them (the tracker
// keeps each side in its compact connection slot), and sequence-number arithmetic.
#pragma once

#include <cstdint>

namespace callhome {

enum class TcpState : uint8_t {
  inactive,      // nothing seen from this side yet
  syn_sent,      // SYN seen
  syn_ack_sent,  // SYN+ACK seen from the side that should have sent a plain SYN
  partial,       // traffic seen, but the handshake was missed
  established,
  closed,  // FIN seen
  reset,   // RST seen
};

inline int32_t seq_delta(uint32_t a, uint32_t b) {
  return int32_t(a - b);
}

}  // namespace callhome
