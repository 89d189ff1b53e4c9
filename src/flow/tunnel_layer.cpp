#include "flow/tunnel_layer.h"

#include <initializer_list>

#include "flow/byte_order.h"

namespace callhome {
namespace {

constexpr uint16_t kTeredoPort = 3544, kAyiyaPort = 5072, kVxlanPort = 4789, kGenevePort = 6081,
                   kGreUdpPort = 4754;
constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherBridging = 0x6558,
                   kEtherErspan12 = 0x88be, kEtherErspan3 = 0x22eb, kEtherPpp = 0x880b;

TunnelPayload at(TunnelInner kind, size_t offset) {
  return {kind, uint32_t(offset), nullptr};
}
TunnelPayload fail(const char* why) {
  return {TunnelInner::none, 0, why};
}
constexpr TunnelPayload kNothing{};

// An inner IP packet that must fill the rest exactly (Zeek's check for enhanced GRE).
bool exact_ip(const uint8_t* d, size_t n, int version) {
  if (version == 4) return n >= 20 && (d[0] >> 4) == 4 && rd16(d + 2) == n;
  return n >= 40 && (d[0] >> 4) == 6 && 40u + rd16(d + 4) == n;
}

TunnelPayload teredo(const uint8_t* d, size_t n) {
  // Optional authentication header, then an optional origin indication, then IPv6 (RFC 4380).
  bool auth = false, origin = false;
  size_t pos = 0;
  for (;;) {
    if (pos + 2 > n) return fail("Teredo header truncated");
    const uint16_t tag = rd16(d + pos);
    if (tag == 0) {
      if (origin) return fail("Teredo origin indication repeated");
      if (pos + 8 > n) return fail("Teredo origin indication truncated");
      origin = true;
      pos += 8;
    } else if (tag == 1) {
      if (origin || auth) return fail("Teredo authentication out of place");
      if (pos + 4 > n) return fail("Teredo authentication truncated");
      const size_t len = 4 + size_t(d[pos + 2]) + d[pos + 3] + 8 + 1;  // ids, nonce, confirm
      if (pos + len > n) return fail("Teredo authentication truncated");
      auth = true;
      pos += len;
    } else if ((tag >> 12) == 6) {
      break;
    } else {
      return fail("Teredo payload is not IPv6");
    }
  }
  const size_t m = n - pos;
  if (m < 40) return fail("IPv6 in Teredo truncated");
  const uint8_t* ip = d + pos;
  const size_t total = 40u + rd16(ip + 4);
  const bool bubble = ip[6] == 59 && rd16(ip + 4) == 0;
  // The inner packet must fill the datagram exactly; only a bubble may carry extra bytes.
  if (m < total || (m > total && !bubble)) return fail("Teredo payload length mismatch");
  return at(bubble ? TunnelInner::bubble : TunnelInner::ip, pos);
}

// Zeek's Teredo signature for datagrams on other ports: an IPv6 header with a Teredo
// (2001:0::/32) source or destination, or an origin indication (after an optional
// authentication header) followed by IPv6.
bool looks_like_teredo(const uint8_t* d, size_t n) {
  if (n < 40) return false;
  if ((d[0] >> 4) != 6 && (d[0] != 0 || (d[1] != 0 && d[1] != 1))) return false;
  static constexpr uint8_t kPrefix[4] = {0x20, 0x01, 0x00, 0x00};
  auto prefix_at = [&](size_t i) {
    return d[i] == kPrefix[0] && d[i + 1] == kPrefix[1] && d[i + 2] == kPrefix[2] &&
           d[i + 3] == kPrefix[3];
  };
  if ((d[0] >> 4) == 6 && (prefix_at(8) || prefix_at(24))) return true;
  uint16_t tag = d[1];
  if (tag == 1) {
    const size_t skip = 13 + size_t(d[2]) + d[3];
    if (n < skip + 40) return false;
    d += skip;
    n -= skip;
    tag = rd16(d);
  }
  if (tag != 0) return false;
  return n >= 48 && (d[8] >> 4) == 6;
}

TunnelPayload ayiya(const uint8_t* d, size_t n) {
  if (n < 8) return fail("AYIYA header truncated");
  // Identity of 2^n bytes and a signature of 4*m bytes follow the fixed 8 bytes.
  const size_t header = 8 + (size_t(1) << (d[0] >> 4)) + size_t(d[1] >> 4) * 4;
  if (header > n) return fail("AYIYA header truncated");
  if ((d[2] & 0x0f) != 1) return kNothing;  // not "forward": no packet inside
  if (header == n) return fail("AYIYA carries no packet");
  if (d[3] != 4 && d[3] != 41) return fail("AYIYA carries neither IPv4 nor IPv6");
  return at(TunnelInner::ip, header);
}

TunnelPayload vxlan(const uint8_t* d, size_t n) {
  if (n < 8) return fail("VXLAN header truncated");
  if (!(d[0] & 0x08)) return fail("VXLAN header without a network identifier");
  if (n == 8) return fail("VXLAN carries no frame");
  return at(TunnelInner::ethernet, 8);
}

TunnelPayload geneve(const uint8_t* d, size_t n) {
  if (n < 8) return fail("Geneve header truncated");
  if ((d[0] >> 6) != 0) return fail("Geneve version unknown");
  const size_t header = 8 + size_t(d[0] & 0x3f) * 4;  // options in 4-byte words
  if (header > n) return fail("Geneve options truncated");
  if (header == n) return fail("Geneve carries no packet");
  switch (rd16(d + 2)) {
    case kEtherBridging:
      return at(TunnelInner::ethernet, header);
    case kEtherIpv4:
    case kEtherIpv6:
      return at(TunnelInner::ip, header);
    default:
      return kNothing;
  }
}

}  // namespace

TunnelPayload parse_gre(const uint8_t* g, size_t n) {
  if (n < 4) return fail("GRE header truncated");
  const uint16_t flags = rd16(g), proto = rd16(g + 2);
  const int version = flags & 7;
  if (version > 1) return fail("GRE version unknown");
  if (flags & 0x4000) return fail("GRE routing present");  // deprecated by RFC 2784
  if (flags & 0x0078) return fail("GRE reserved flags set");
  size_t h = 4;
  if (flags & 0x8000) h += 4;  // checksum and reserved
  if (flags & 0x2000) h += 4;  // key (PPTP: payload length and call id)
  if (flags & 0x1000) h += 4;  // sequence number
  if (flags & 0x0080) h += 4;  // acknowledgment number (PPTP)
  if (version == 1) {
    // PPTP's enhanced GRE carries PPP: address and control bytes, then the protocol.
    if (proto != kEtherPpp) return fail("enhanced GRE without PPP");
    if (h + 4 > n) return fail("GRE header truncated");
    const uint16_t ppp = rd16(g + h + 2);
    if (ppp != 0x0021 && ppp != 0x0057) return kNothing;  // LCP, CCP ...: no IP
    if (!exact_ip(g + h + 4, n - h - 4, ppp == 0x0021 ? 4 : 6)) {
      return fail("IP in PPTP GRE does not fill the packet");
    }
    return at(TunnelInner::ip, h + 4);
  }
  switch (proto) {
    case kEtherIpv4:
    case kEtherIpv6:
      if (h > n) return fail("GRE header truncated");
      return at(TunnelInner::ip, h);
    case kEtherBridging:  // transparent Ethernet bridging
      if (n <= h + 14) return fail("GRE header truncated");
      return at(TunnelInner::ethernet, h);
    case kEtherErspan12: {
      // ERSPAN type I has no header of its own; type II (with a GRE sequence) 8 bytes.
      const size_t erspan = (flags & 0x1000) ? 8 : 0;
      if (n <= h + 14 || n < h + erspan + 14) return fail("ERSPAN header truncated");
      return at(TunnelInner::ethernet, h + erspan);
    }
    case kEtherErspan3: {
      // ERSPAN type III: 12 bytes, and 8 more when its last byte announces a subheader.
      if (n <= h + 12 + 14) return fail("ERSPAN header truncated");
      size_t erspan = 12;
      if (g[h + 11] & 1) {
        if (n <= h + 12 + 8 + 14) return fail("ERSPAN header truncated");
        erspan += 8;
      }
      return at(TunnelInner::ethernet, h + erspan);
    }
    default:
      return kNothing;  // MPLS, Aruba 802.11, keepalives ...: nothing we follow
  }
}

UdpTunnel udp_tunnel_kind(uint16_t src_port, uint16_t dst_port, const uint8_t* payload, size_t n) {
  // Zeek looks up the responder's port; either side stands in for it here, destination first.
  for (uint16_t port : {dst_port, src_port}) {
    switch (port) {
      case kTeredoPort:
        return UdpTunnel::teredo;
      case kAyiyaPort:
        return UdpTunnel::ayiya;
      case kVxlanPort:
        return UdpTunnel::vxlan;
      case kGenevePort:
        return UdpTunnel::geneve;
      case kGreUdpPort:
        return UdpTunnel::gre;
      default:
        break;
    }
  }
  if (looks_like_teredo(payload, n)) return UdpTunnel::teredo;
  if (n >= 3 && payload[1] == 0x52 && payload[2] == 0x11) return UdpTunnel::ayiya;
  return UdpTunnel::none;
}

TunnelPayload parse_udp_tunnel(UdpTunnel kind, const uint8_t* d, size_t n) {
  switch (kind) {
    case UdpTunnel::teredo:
      return teredo(d, n);
    case UdpTunnel::ayiya:
      return ayiya(d, n);
    case UdpTunnel::vxlan:
      return vxlan(d, n);
    case UdpTunnel::geneve:
      return geneve(d, n);
    case UdpTunnel::gre:
      return parse_gre(d, n);
    case UdpTunnel::none:
      break;
  }
  return kNothing;
}

}  // namespace callhome
