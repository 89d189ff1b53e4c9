// IP and transport decoding with Zeek's handling of fragments (reassembled first), checksums
// (only judged when the whole packet was captured) and tunnels (IP-in-IP and GRE decapsulated;
// Teredo, AYIYA and VXLAN keep their outer UDP packet as a connection of its own).
#include "flow/packet_decoder.h"

#include <array>

#include "flow/checksum.h"
#include "flow/ip_reassembly.h"
#include "flow/link_layer.h"

namespace callhome {
namespace {

uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
uint32_t rd32(const uint8_t* p) {
  return uint32_t(rd16(p)) << 16 | rd16(p + 2);
}

constexpr uint8_t kProtoIpip = 4, kProtoTcp = 6, kProtoUdp = 17, kProtoIpv6 = 41, kProtoGre = 47,
                  kProtoIcmp = 1, kProtoIcmp6 = 58, kProtoNone = 59;

// Where a decoding attempt stands: what went wrong, if anything.
enum class Step { ok, held, bad };

}  // namespace

struct PacketDecoder::Impl {
  Options opt;
  IpReassembler reassembler;
  double ts = 0;
  std::string* why = nullptr;

  Step fail(const char* reason) {
    if (why) *why = reason;
    return Step::bad;
  }

  // Decodes the IP packet at d[0..n) (n = captured bytes) into the next layer slot.
  Step ip(const uint8_t* d, size_t n, DecodedLayers& out, uint8_t depth) {
    if (out.count >= DecodedLayers::kMaxLayers) return Step::ok;  // nesting limit: stop here
    if (n < 1) return fail("IP header truncated");
    const int version = d[0] >> 4;
    if (version == 4) return ipv4(d, n, out, depth);
    if (version == 6) return ipv6(d, n, out, depth);
    return fail("not an IPv4 or IPv6 header");
  }

  Step ipv4(const uint8_t* d, size_t n, DecodedLayers& out, uint8_t depth) {
    if (n < 20) return fail("IPv4 header truncated");
    const size_t hl = size_t(d[0] & 15) * 4;
    const uint16_t total = rd16(d + 2);
    if (hl < 20 || hl > n) return fail("IPv4 header length invalid");
    if (total < hl) return fail("IPv4 total length shorter than its header");
    if (opt.verify_checksums && !checksum_ok(checksum_add(d, hl))) {
      return fail("bad IPv4 header checksum");
    }
    const uint16_t frag = rd16(d + 6);
    const uint32_t frag_offset = uint32_t(frag & 0x1fff) * 8;
    const bool more = frag & 0x2000;
    const size_t captured = std::min<size_t>(n, total);
    if (frag_offset != 0 || more) {
      if (captured < total) return fail("IPv4 fragment truncated by the snap length");
      const auto* whole =
          reassembler.add(4, Address::v4_bytes(d + 12), Address::v4_bytes(d + 16), rd16(d + 4),
                          d[9], d, hl, frag_offset, more, d + hl, total - hl, d[9], ts);
      if (!whole) return Step::held;
      // Decoded from our own copy (the reassembler reuses its buffer), one per nesting depth
      // so a tunnelled fragment cannot overwrite the datagram that carries it.
      auto& copy = reassembled_[depth % reassembled_.size()];
      copy = *whole;
      return ipv4(copy.data(), copy.size(), out, depth);
    }
    DecodedPacket& p = out.layer[out.count];
    p = DecodedPacket{};
    p.ip_version = 4;
    p.src = Address::v4_bytes(d + 12);
    p.dst = Address::v4_bytes(d + 16);
    p.ttl = d[8];
    p.ip_proto = d[9];
    p.ip_len = total;
    p.tunnel_depth = depth;
    uint32_t pseudo = checksum_add(d + 12, 8) + p.ip_proto + (total - uint32_t(hl));
    return transport(p, d + hl, captured - hl, total - hl, pseudo, out, depth);
  }

  Step ipv6(const uint8_t* d, size_t n, DecodedLayers& out, uint8_t depth) {
    if (n < 40) return fail("IPv6 header truncated");
    const uint32_t plen = rd16(d + 4);
    const size_t end = 40 + plen;
    const size_t captured = std::min(n, end);
    uint8_t next = d[6];
    size_t pos = 40;
    // Walk the extension headers to the transport (or to a fragment header).
    for (int guard = 0; guard < 16; ++guard) {
      if (next == 0 || next == 43 || next == 60 || next == 51) {  // hop, routing, dest, AH
        if (pos + 2 > captured) return fail("IPv6 extension header truncated");
        const size_t len = next == 51 ? (size_t(d[pos + 1]) + 2) * 4 : (size_t(d[pos + 1]) + 1) * 8;
        next = d[pos];
        pos += len;
        if (pos > end) return fail("IPv6 extension header beyond the payload");
        continue;
      }
      if (next == 44) {  // fragment
        if (pos + 8 > captured) return fail("IPv6 fragment header truncated");
        const uint16_t fo = rd16(d + pos + 2);
        const uint32_t offset = fo & 0xfff8;
        const bool more = fo & 1;
        const uint8_t inner = d[pos];
        if (offset == 0 && !more) {  // an atomic fragment: the whole datagram
          next = inner;
          pos += 8;
          continue;
        }
        if (captured < end) return fail("IPv6 fragment truncated by the snap length");
        const auto* whole = reassembler.add(6, Address::v6_bytes(d + 8), Address::v6_bytes(d + 24),
                                            rd32(d + pos + 4), 0, d, 40, offset, more, d + pos + 8,
                                            end - pos - 8, inner, ts);
        if (!whole) return Step::held;
        auto& copy = reassembled_[depth % reassembled_.size()];
        copy = *whole;
        return ipv6(copy.data(), copy.size(), out, depth);
      }
      break;
    }
    if (pos > captured && pos <= end) return fail("IPv6 headers truncated");
    DecodedPacket& p = out.layer[out.count];
    p = DecodedPacket{};
    p.ip_version = 6;
    p.src = Address::v6_bytes(d + 8);
    p.dst = Address::v6_bytes(d + 24);
    p.ttl = d[7];
    p.ip_proto = next;
    p.ip_len = uint32_t(end);
    p.tunnel_depth = depth;
    const uint32_t l4_len = uint32_t(end - pos);
    uint32_t pseudo = checksum_add(d + 8, 32) + next + l4_len;
    return transport(p, d + pos, captured - std::min(pos, captured), l4_len, pseudo, out, depth);
  }

  // `cap` bytes of the transport are present, `len` according to the IP header.
  Step transport(DecodedPacket& p, const uint8_t* t, size_t cap, uint32_t len, uint32_t pseudo,
                 DecodedLayers& out, uint8_t depth) {
    const bool whole = cap >= len;
    switch (p.ip_proto) {
      case kProtoIpip:
      case kProtoIpv6:  // IP in IP: only the inner packet makes a connection
        return ip(t, std::min<size_t>(cap, len), out, uint8_t(depth + 1));
      case kProtoGre:
        return gre(p, t, std::min<size_t>(cap, len), out, depth);
      case kProtoTcp: {
        if (cap < 20) return fail("TCP header truncated");
        const size_t hl = size_t(t[12] >> 4) * 4;
        if (hl < 20 || hl > len) return fail("TCP header length invalid");
        if (hl > cap) return fail("TCP options truncated");
        p.src_port = rd16(t);
        p.dst_port = rd16(t + 2);
        p.seq = rd32(t + 4);
        p.ack = rd32(t + 8);
        p.tcp_flags = t[13];
        p.window = rd16(t + 14);
        p.payload = t + hl;
        p.payload_len = uint32_t(len - hl);
        p.payload_caplen = uint32_t(std::min<size_t>(cap, len) - hl);
        if (opt.verify_checksums && whole)
          p.checksum_bad = !checksum_ok(checksum_add(t, len, pseudo));
        break;
      }
      case kProtoUdp: {
        if (cap < 8) return fail("UDP header truncated");
        const uint16_t ulen = rd16(t + 4);
        p.src_port = rd16(t);
        p.dst_port = rd16(t + 2);
        p.payload = t + 8;
        // The UDP length field says what the datagram carries (Zeek counts that); fall back to
        // the IP length when the field is nonsense.
        p.payload_len = ulen >= 8 && ulen <= len ? ulen - 8u : len >= 8 ? len - 8 : 0;
        p.payload_caplen =
            uint32_t(std::min<size_t>(std::min<size_t>(cap, len) - 8, p.payload_len));
        const bool no_checksum = p.ip_version == 4 && rd16(t + 6) == 0;
        if (opt.verify_checksums && whole && !no_checksum) {
          p.checksum_bad = !checksum_ok(checksum_add(t, len, pseudo));
        }
        break;
      }
      case kProtoIcmp:
      case kProtoIcmp6: {
        if (cap < 8) return fail("ICMP header truncated");
        p.icmp_type = t[0];
        p.icmp_code = t[1];
        p.payload = t + 8;
        p.payload_len = len - 8;
        p.payload_caplen = uint32_t(std::min<size_t>(cap, len) - 8);
        if (opt.verify_checksums && whole) {
          // ICMPv6 covers the IPv6 pseudo-header; ICMP for IPv4 does not.
          uint32_t sum = p.ip_proto == kProtoIcmp6 ? pseudo : 0;
          p.checksum_bad = !checksum_ok(checksum_add(t, len, sum));
        }
        break;
      }
      case kProtoNone:
      default:
        p.payload = t;
        p.payload_len = len;
        p.payload_caplen = uint32_t(std::min<size_t>(cap, len));
        break;
    }
    p.transport_ok = true;
    ++out.count;
    if (p.ip_proto == kProtoUdp && !p.checksum_bad) udp_tunnel(p, out, depth);
    return Step::ok;
  }

  Step gre(const DecodedPacket& outer, const uint8_t* g, size_t n, DecodedLayers& out,
           uint8_t depth) {
    if (n < 4) return fail("GRE header truncated");
    const uint16_t flags = rd16(g), proto = rd16(g + 2);
    const int version = flags & 7;
    size_t h = 4;
    if (flags & 0x8000) h += 4;                    // checksum + reserved
    if (flags & 0x2000) h += 4;                    // key (PPTP: payload length + call id)
    if (flags & 0x1000) h += 4;                    // sequence number
    if (version == 1 && (flags & 0x0080)) h += 4;  // PPTP acknowledgment
    if (h > n) return fail("GRE header truncated");
    const uint8_t* inner = g + h;
    size_t m = n - h;
    if (version == 1) {  // PPTP: PPP inside, possibly with address/control bytes
      if (m >= 2 && inner[0] == 0xff && inner[1] == 0x03) inner += 2, m -= 2;
      if (m < 2) return Step::ok;
      const uint16_t ppp = inner[0] & 1 ? inner[0] : rd16(inner);
      const size_t skip = inner[0] & 1 ? 1 : 2;
      if (ppp != 0x21 && ppp != 0x57) return Step::ok;
      return ip(inner + skip, m - skip, out, uint8_t(depth + 1));
    }
    if (proto == 0x0800 || proto == 0x86dd) return ip(inner, m, out, uint8_t(depth + 1));
    if (proto == 0x6558) {  // transparent Ethernet bridging
      size_t off = 0;
      if (strip_ethernet(inner, m, &off) != LinkResult::ip) return Step::ok;
      return ip(inner + off, m - off, out, uint8_t(depth + 1));
    }
    (void)outer;
    return Step::ok;  // other GRE payloads carry no IP we follow
  }

  // Teredo (any port, recognised by content as Zeek does), AYIYA (5072) and VXLAN (4789) keep
  // the outer UDP packet as a layer and add what they carry.
  void udp_tunnel(const DecodedPacket& p, DecodedLayers& out, uint8_t depth) {
    if (p.payload_caplen != p.payload_len || out.count >= DecodedLayers::kMaxLayers) return;
    const uint8_t* in = p.payload;
    size_t m = p.payload_caplen;
    std::string ignored;
    std::string* saved = why;
    why = &ignored;  // a tunnel that does not parse leaves the outer packet as it is
    if (p.src_port == 4789 || p.dst_port == 4789) {
      if (m >= 8 && (in[0] & 0x08)) {
        size_t off = 0;
        if (strip_ethernet(in + 8, m - 8, &off) == LinkResult::ip) {
          ip(in + 8 + off, m - 8 - off, out, uint8_t(depth + 1));
        }
      }
    } else if (p.src_port == 5072 || p.dst_port == 5072) {
      // AYIYA: 8 fixed bytes, an identity of 2^n bytes, a signature of 4*m bytes, then the
      // packet; op code 1 (forward) carries data, next header says IPv4 or IPv6.
      if (m >= 8 && (in[2] & 0x0f) == 1) {
        const size_t h = 8 + (size_t(1) << (in[0] >> 4)) + size_t(in[1] >> 4) * 4;
        if (h < m && (in[3] == kProtoIpip || in[3] == kProtoIpv6)) {
          ip(in + h, m - h, out, uint8_t(depth + 1));
        }
      }
    } else {
      if (m >= 4 && in[0] == 0 && in[1] == 1) {  // authentication header
        const size_t a = 4 + size_t(in[2]) + in[3] + 9;
        if (a > m) {
          why = saved;
          return;
        }
        in += a;
        m -= a;
      }
      if (m >= 8 && in[0] == 0 && in[1] == 0) {  // origin indication
        in += 8;
        m -= 8;
      }
      // An IPv6 packet that fills the datagram exactly; bubbles (no next header, no payload)
      // only keep NAT mappings open and make no connection.
      const bool ipv6 = m >= 40 && (in[0] >> 4) == 6 && 40u + rd16(in + 4) == m;
      if (ipv6 && !(in[6] == kProtoNone && rd16(in + 4) == 0)) ip(in, m, out, uint8_t(depth + 1));
    }
    why = saved;
  }

  std::array<std::vector<uint8_t>, DecodedLayers::kMaxLayers> reassembled_;
};

PacketDecoder::PacketDecoder(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = options;
}
PacketDecoder::~PacketDecoder() = default;

PacketDecoder::Result PacketDecoder::decode(const RawPacket& raw, DecodedLayers& layers,
                                            std::string* why) {
  layers.count = 0;
  size_t offset = 0;
  switch (strip_link(raw.linktype, raw.data, raw.caplen, &offset)) {
    case LinkResult::ip:
      break;
    case LinkResult::not_ip:
      return Result::not_ip;
    case LinkResult::truncated:
      if (why) *why = "link-layer header truncated";
      return Result::malformed;
    case LinkResult::unsupported:
      if (why) *why = "unsupported link type " + std::to_string(raw.linktype);
      return Result::malformed;
  }
  impl_->ts = raw.ts;
  impl_->why = why;
  const Step step = impl_->ip(raw.data + offset, raw.caplen - offset, layers, 0);
  if (layers.count > 0) return Result::ok;  // an inner failure leaves the outer packet usable
  if (step == Step::held) return Result::fragment_held;
  if (step == Step::ok) return Result::not_ip;  // e.g. GRE carrying something else
  return Result::malformed;
}

}  // namespace callhome
