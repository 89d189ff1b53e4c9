// Transport headers (TCP, UDP, ICMP, ICMPv6; anything else is taken as it is) and their
// checksums, with Zeek's minimum-length checks.
#pragma once

#include <cstdint>

#include "flow/decoded_packet.h"

namespace callhome {

struct TransportBytes {
  const uint8_t* data = nullptr;  // the transport header
  uint32_t len = 0;               // transport bytes according to the IP header
  uint32_t cap = 0;               // of those, captured (<= len)
};

// Fills the transport fields of `p`, whose IP fields (addresses, version, ip_proto) are set.
// The checksum is judged only when `verify` and the whole transport was captured. Returns
// nullptr when the header is usable (transport_ok is then set), else why it is not.
const char* decode_transport(DecodedPacket& p, const TransportBytes& t, bool verify);

}  // namespace callhome
