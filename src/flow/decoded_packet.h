// A packet decoded down to its transport header: what the connection tracker needs.
#pragma once

#include <cstdint>

#include "core/address.h"

namespace callhome {

namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                         kUrg = 0x20, kEce = 0x40, kCwr = 0x80;
}

// The 5-tuple under which the connection tracker files a TCP or UDP packet.
struct FlowKey {
  Address src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t proto = 0;
};

struct DecodedPacket {
  Address src, dst;
  uint8_t ip_version = 4;
  uint8_t ip_proto = 0;  // transport protocol after IPv6 extension headers
  uint32_t ip_len = 0;   // IP total length from the header (IPv6: 40 + payload length),
                         // after reassembly for fragmented datagrams; Zeek's ip_bytes
  uint8_t ttl = 0;

  // Transport header fields (TCP and UDP ports; ICMP type/code).
  uint16_t src_port = 0, dst_port = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint32_t seq = 0, ack = 0;  // TCP
  uint8_t tcp_flags = 0;      // TCP
  uint16_t window = 0;        // TCP, unscaled
  bool transport_ok = false;  // the transport header was fully present and well-formed

  // Transport payload: `payload_len` is what the IP length says (what Zeek counts as data);
  // `payload_caplen` of it is present in the capture at `payload`.
  const uint8_t* payload = nullptr;
  uint32_t payload_len = 0;
  uint32_t payload_caplen = 0;

  // Checksum of the transport layer: only decided when verification was asked for and the
  // whole packet was captured; otherwise it counts as good (as Zeek does).
  bool checksum_bad = false;

  // Tunnel nesting: 0 for the outermost IP layer; inner packets of a tunnel have depth >= 1.
  uint8_t tunnel_depth = 0;

  // The IP header (with options) and the transport header as captured, for fingerprinting the
  // sender (TTL, DF, IP ID, TCP options); valid as long as `payload`. The transport header runs
  // from `transport_header` to `payload`.
  uint16_t ip_header_len = 0;
  const uint8_t* ip_header = nullptr;
  const uint8_t* transport_header = nullptr;
};

}  // namespace callhome
