// Tunnel headers Zeek decapsulates: GRE (with PPTP's enhanced GRE and ERSPAN) over IP, and
// over UDP Teredo, AYIYA, VXLAN, Geneve and GRE. Each parser says where the carried packet
// starts and what it is; the decoder then decodes it as a packet of its own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace callhome {

enum class TunnelInner : uint8_t {
  none,      // carries nothing we follow (or is damaged: `why` says so)
  ip,        // an IPv4 or IPv6 packet at `offset`
  ethernet,  // an Ethernet frame at `offset`
  bubble,    // a Teredo bubble: an IPv6 header with no next header, no connection
};

struct TunnelPayload {
  TunnelInner kind = TunnelInner::none;
  uint32_t offset = 0;
  const char* why = nullptr;
};

// GRE at `g` (`n` bytes: the IP payload).
TunnelPayload parse_gre(const uint8_t* g, size_t n);

enum class UdpTunnel : uint8_t { none, teredo, ayiya, vxlan, geneve, gre };

// Which tunnel a UDP datagram carries: by its ports first (Zeek's registered tunnel ports), and
// for other ports by the content signatures Zeek uses to detect Teredo and AYIYA.
UdpTunnel udp_tunnel_kind(uint16_t src_port, uint16_t dst_port, const uint8_t* payload, size_t n);

// Parses the tunnel header at the start of a UDP payload (`n` bytes captured).
TunnelPayload parse_udp_tunnel(UdpTunnel kind, const uint8_t* payload, size_t n);

}  // namespace callhome
