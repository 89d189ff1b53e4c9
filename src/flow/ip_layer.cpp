#include "flow/ip_layer.h"

#include "flow/byte_order.h"
#include "flow/checksum.h"

namespace callhome {
namespace {

// A type 0 or type 2 routing header that still has segments to visit names the packet's final
// destination in its last 16 bytes (RFC 2460, RFC 6275); Zeek keys connections on that.
bool routing_final_destination(const uint8_t* r, size_t len, Address* dst) {
  const uint8_t hdr_len = r[1], type = r[2], segments_left = r[3];
  if (segments_left == 0 || len < 24) return false;
  const bool usable =
      (type == 0 && hdr_len >= 2 && hdr_len % 2 == 0) || (type == 2 && hdr_len == 2);
  if (!usable) return false;
  *dst = Address::v6_bytes(r + len - 16);
  return true;
}

// The Mobile IPv6 home address option (type 201) in a destination options header replaces the
// source address (RFC 6275, 6.3).
bool home_address(const uint8_t* o, size_t len, Address* src) {
  size_t i = 2;
  while (i < len) {
    if (o[i] == 0) {  // Pad1
      ++i;
      continue;
    }
    if (i + 2 > len || i + 2 + o[i + 1] > len) return false;
    if (o[i] == 201 && o[i + 1] == 16) {
      *src = Address::v6_bytes(o + i + 2);
      return true;
    }
    i += 2 + size_t(o[i + 1]);
  }
  return false;
}

const char* parse_ipv4(const uint8_t* d, size_t cap, size_t wire, bool verify_checksum,
                       bool reassembled, IpHeader& h) {
  h.version = 4;
  h.total_len = rd16(d + 2);
  h.length = h.total_len;
  if (h.total_len == 0) {
    // TCP segmentation offload leaves the length zero in captures of outgoing traffic; the
    // checksums are then wrong too, so Zeek drops it when verifying and uses the captured
    // length otherwise.
    if (verify_checksum) return "IPv4 total length is zero";
    h.length = uint32_t(cap);
  }
  if (wire < h.length) return "IPv4 total length exceeds the frame";
  h.header_len = uint32_t(d[0] & 15) * 4;
  if (h.header_len > h.length) return "IPv4 header length exceeds the total length";
  if (h.header_len > cap) return "IPv4 options truncated";
  if (h.header_len < 20) return "IPv4 header length below 20 bytes";
  if (verify_checksum && !reassembled && !checksum_ok(checksum_add(d, h.header_len))) {
    return "bad IPv4 header checksum";
  }
  h.ttl = d[8];
  h.proto = d[9];
  h.src = Address::v4_bytes(d + 12);
  h.dst = Address::v4_bytes(d + 16);
  h.unfrag_len = h.header_len;
  const uint16_t frag = rd16(d + 6);
  if (!reassembled && (frag & 0x3fff) != 0) {
    h.fragment = true;
    h.more_fragments = frag & 0x2000;
    h.frag_offset = uint32_t(frag & 0x1fff) * 8;
    h.frag_id = rd16(d + 4);
  }
  return nullptr;
}

const char* parse_ipv6(const uint8_t* d, size_t cap, size_t wire, IpHeader& h) {
  if (cap < 40) return "IPv6 header truncated";
  h.version = 6;
  h.total_len = 40 + uint32_t(rd16(d + 4));
  h.length = h.total_len;
  if (wire < h.length) return "IPv6 payload length exceeds the frame";
  h.ttl = d[7];
  h.src = Address::v6_bytes(d + 8);
  h.dst = Address::v6_bytes(d + 24);
  bool routed = false, homed = false;
  uint8_t next = d[6];
  size_t pos = 40, next_pos = 6;
  // Every extension header is at least 8 bytes long, so the walk ends within `cap`.
  for (bool walking = true; walking;) {
    switch (next) {
      case ip_proto::kHopByHop:
      case ip_proto::kRouting:
      case ip_proto::kDestOpts:
      case ip_proto::kAh: {
        if (pos + 2 > cap) return "IPv6 extension header truncated";
        const size_t len =
            next == ip_proto::kAh ? 8 + 4 * size_t(d[pos + 1]) : 8 + 8 * size_t(d[pos + 1]);
        if (pos + len > cap) return "IPv6 extension header truncated";
        if (next == ip_proto::kRouting && !routed) {
          routed = routing_final_destination(d + pos, len, &h.dst);
        } else if (next == ip_proto::kDestOpts && !homed) {
          homed = home_address(d + pos, len, &h.src);
        }
        next_pos = pos;
        next = d[pos];
        pos += len;
        break;
      }
      case ip_proto::kFragment: {
        if (pos + 8 > cap) return "IPv6 fragment header truncated";
        const uint16_t off = rd16(d + pos + 2);
        h.fragment = true;
        h.more_fragments = off & 1;
        h.frag_offset = off & 0xfff8;
        h.frag_id = rd32(d + pos + 4);
        h.unfrag_len = uint32_t(pos);
        h.frag_next_pos = uint32_t(next_pos);
        h.proto = d[pos];
        pos += 8;
        walking = false;
        break;
      }
      default:  // a transport, ESP or Mobility (the decoder stops at both), or no next header
        h.proto = next;
        walking = false;
        break;
    }
  }
  h.header_len = uint32_t(pos);
  if (!h.fragment) h.unfrag_len = h.header_len;
  if (h.header_len > h.length) return "IPv6 extension headers exceed the payload length";
  return nullptr;
}

}  // namespace

const char* parse_ip(const uint8_t* d, size_t cap, size_t wire, bool verify_checksum,
                     bool reassembled, IpHeader& h) {
  // Zeek wants 20 bytes before it even looks at the version.
  if (cap < 20) {
    if (cap == 0) return "IP header missing";
    const int version = d[0] >> 4;
    return version == 4   ? "IPv4 header truncated"
           : version == 6 ? "IPv6 header truncated"
                          : "IP header truncated";
  }
  switch (d[0] >> 4) {
    case 4:
      return parse_ipv4(d, cap, wire, verify_checksum, reassembled, h);
    case 6:
      return parse_ipv6(d, cap, wire, h);
    default:
      return "IP version is neither 4 nor 6";
  }
}

}  // namespace callhome
