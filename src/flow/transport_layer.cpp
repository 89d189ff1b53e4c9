#include "flow/transport_layer.h"

#include <algorithm>

#include "flow/byte_order.h"
#include "flow/checksum.h"
#include "flow/ip_layer.h"

namespace callhome {
namespace {

constexpr uint16_t kVxlanPort = 4789;

// The pseudo-header sum of RFC 793/768 (IPv4) and RFC 8200 8.1 (IPv6) for `len` bytes.
uint32_t pseudo_header(const DecodedPacket& p, uint32_t len) {
  const uint8_t* s = p.src.bytes().data();
  const uint8_t* d = p.dst.bytes().data();
  const size_t skip = p.ip_version == 4 ? 12 : 0;  // IPv4 is stored v4-mapped
  return checksum_add(s + skip, 16 - skip) + checksum_add(d + skip, 16 - skip) + p.ip_proto +
         (len >> 16) + (len & 0xffff);
}

bool checksum_bad(const DecodedPacket& p, const TransportBytes& t, bool with_pseudo_header) {
  const uint32_t sum = with_pseudo_header ? pseudo_header(p, t.len) : 0;
  return !checksum_ok(checksum_add(t.data, t.len, sum));
}

const char* tcp(DecodedPacket& p, const TransportBytes& t, bool verify) {
  if (t.len < 20 || t.cap < 20) return "TCP header truncated";
  const uint8_t* h = t.data;
  const uint32_t hl = uint32_t(h[12] >> 4) * 4;
  if (hl < 20) return "TCP data offset below 20 bytes";
  if (hl > t.cap) return "TCP options truncated";
  p.src_port = rd16(h);
  p.dst_port = rd16(h + 2);
  p.seq = rd32(h + 4);
  p.ack = rd32(h + 8);
  p.tcp_flags = h[13];
  p.window = rd16(h + 14);
  p.payload = h + hl;
  p.payload_len = t.len - hl;
  p.payload_caplen = t.cap - hl;
  if (verify && t.cap >= t.len) p.checksum_bad = checksum_bad(p, t, true);
  return nullptr;
}

const char* udp(DecodedPacket& p, const TransportBytes& t, bool verify) {
  if (t.len < 8 || t.cap < 8) return "UDP header truncated";
  const uint8_t* h = t.data;
  p.src_port = rd16(h);
  p.dst_port = rd16(h + 2);
  p.payload = h + 8;
  // Zeek counts the UDP length field as the datagram's size, even where the IP length
  // disagrees; a field below the header size counts as nothing.
  const uint16_t ulen = rd16(h + 4);
  p.payload_len = ulen >= 8 ? ulen - 8u : 0;
  p.payload_caplen = std::min(t.cap - 8, p.payload_len);
  if (verify && t.cap >= t.len) {
    const uint16_t sum = rd16(h + 6);
    bool check = !(p.ip_version == 4 && sum == 0);  // zero over IPv4: no checksum sent
    // VXLAN senders may leave the checksum zero even over IPv6 (RFC 7348), as Zeek accepts.
    if (sum == 0 && p.dst_port == kVxlanPort && t.len > 8 + 8 + 14 && (h[8] & 0x08)) {
      check = false;
    }
    if (check) p.checksum_bad = checksum_bad(p, t, true);
  }
  return nullptr;
}

const char* icmp(DecodedPacket& p, const TransportBytes& t, bool verify) {
  if (t.len < 8 || t.cap < 8) return "ICMP header truncated";
  p.icmp_type = t.data[0];
  p.icmp_code = t.data[1];
  p.src_port = p.icmp_type;  // the tracker turns these into Zeek's ICMP conn_id
  p.dst_port = p.icmp_code;
  p.payload = t.data + 8;
  p.payload_len = t.len - 8;
  p.payload_caplen = t.cap - 8;
  // ICMPv6 covers the pseudo-header; ICMP for IPv4 does not.
  if (verify && t.cap >= t.len) {
    p.checksum_bad = checksum_bad(p, t, p.ip_proto == ip_proto::kIcmp6);
  }
  return nullptr;
}

}  // namespace

const char* decode_transport(DecodedPacket& p, const TransportBytes& t, bool verify) {
  const char* why = nullptr;
  p.transport_header = t.data;
  switch (p.ip_proto) {
    case ip_proto::kTcp:
      why = tcp(p, t, verify);
      break;
    case ip_proto::kUdp:
      why = udp(p, t, verify);
      break;
    case ip_proto::kIcmp:
    case ip_proto::kIcmp6:
      why = icmp(p, t, verify);
      break;
    default:  // SCTP, IGMP, OSPF ...: a connection without ports, as Zeek's unknown transport
      p.payload = t.data;
      p.payload_len = t.len;
      p.payload_caplen = t.cap;
      break;
  }
  p.transport_ok = why == nullptr;
  return why;
}

}  // namespace callhome
