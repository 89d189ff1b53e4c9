// Link, IP and transport decoding (interim implementation: the full decoder replaces it).
#include <cstring>

#include "flow/packet_decoder.h"

namespace callhome {
namespace {
uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
uint32_t rd32(const uint8_t* p) {
  return uint32_t(rd16(p)) << 16 | rd16(p + 2);
}

uint32_t sum16(const uint8_t* p, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) s += rd16(p + i);
  if (n & 1) s += uint32_t(p[n - 1]) << 8;
  return s;
}
uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(s);
}
}  // namespace

struct PacketDecoder::Impl {
  Options opt;
  bool ip(const uint8_t* d, size_t n, DecodedLayers& L, uint8_t depth, std::string* why) {
    if (L.count >= DecodedLayers::kMaxLayers || n < 1) return false;
    int ver = d[0] >> 4;
    DecodedPacket p;
    p.tunnel_depth = depth;
    const uint8_t* l4;
    size_t l4cap, l4len;
    uint8_t proto;
    uint32_t pseudo = 0;
    if (ver == 4) {
      if (n < 20) {
        *why = "IPv4 header truncated";
        return false;
      }
      size_t hl = (d[0] & 15) * 4u;
      uint16_t tot = rd16(d + 2);
      if (hl < 20 || n < hl || tot < hl) {
        *why = "bad IPv4 header";
        return false;
      }
      if (opt.verify_checksums && fold(sum16(d, hl)) != 0xffff) {
        *why = "bad IPv4 header checksum";
        return false;
      }
      uint16_t frag = rd16(d + 6);
      if ((frag & 0x1fff) != 0) return false;  // non-first fragment: scratch ignores
      p.ip_version = 4;
      p.src = Address::v4_bytes(d + 12);
      p.dst = Address::v4_bytes(d + 16);
      proto = d[9];
      p.ip_len = tot;
      l4 = d + hl;
      l4cap = std::min<size_t>(n, tot) - hl;
      l4len = tot - hl;
      pseudo = sum16(d + 12, 8) + proto;
    } else if (ver == 6) {
      if (n < 40) {
        *why = "IPv6 header truncated";
        return false;
      }
      p.ip_version = 6;
      p.src = Address::v6_bytes(d + 8);
      p.dst = Address::v6_bytes(d + 24);
      uint16_t plen = rd16(d + 4);
      p.ip_len = 40 + plen;
      proto = d[6];
      size_t off = 40;
      while (proto == 0 || proto == 43 || proto == 60 || proto == 44 || proto == 51) {
        if (off + 8 > n) {
          *why = "IPv6 extension truncated";
          return false;
        }
        uint8_t nx = d[off];
        size_t len = proto == 44 ? 8 : proto == 51 ? (d[off + 1] + 2u) * 4 : (d[off + 1] + 1u) * 8;
        if (proto == 44 && (rd16(d + off + 2) & 0xfff8) != 0) return false;
        proto = nx;
        off += len;
      }
      if (off > n || off > 40u + plen) {
        *why = "IPv6 truncated";
        return false;
      }
      l4 = d + off;
      l4cap = std::min<size_t>(n, 40u + plen) - off;
      l4len = 40u + plen - off;
      pseudo = sum16(d + 8, 32) + proto + uint32_t(l4len);
    } else {
      *why = "not IPv4 or IPv6";
      return false;
    }
    p.ip_proto = proto;
    if (proto == 4 || proto == 41) return ip(l4, l4cap, L, uint8_t(depth + 1), why);
    if (proto == 47 && l4cap >= 4) {
      uint16_t fl = rd16(l4), pt = rd16(l4 + 2);
      size_t h = 4 + ((fl & 0x8000) ? 4 : 0) + ((fl & 0x2000) ? 4 : 0) + ((fl & 0x1000) ? 4 : 0);
      if ((pt == 0x0800 || pt == 0x86dd) && h < l4cap)
        return ip(l4 + h, l4cap - h, L, uint8_t(depth + 1), why);
    }
    bool whole = l4cap >= l4len;
    if (proto == 6) {
      if (l4cap < 20 || (l4[12] >> 4) * 4u < 20 || (l4[12] >> 4) * 4u > l4cap) {
        *why = "TCP header truncated";
        return false;
      }
      size_t hl = (l4[12] >> 4) * 4u;
      p.src_port = rd16(l4);
      p.dst_port = rd16(l4 + 2);
      p.seq = rd32(l4 + 4);
      p.ack = rd32(l4 + 8);
      p.tcp_flags = l4[13];
      p.window = rd16(l4 + 14);
      p.payload = l4 + hl;
      p.payload_len = uint32_t(l4len - hl);
      p.payload_caplen = uint32_t(l4cap - hl);
      p.transport_ok = true;
      if (opt.verify_checksums && whole) {
        uint32_t s = sum16(l4, l4len, ver == 4 ? pseudo + uint32_t(l4len) : pseudo);
        p.checksum_bad = fold(s) != 0xffff;
      }
    } else if (proto == 17) {
      if (l4cap < 8) {
        *why = "UDP header truncated";
        return false;
      }
      p.src_port = rd16(l4);
      p.dst_port = rd16(l4 + 2);
      size_t ulen = rd16(l4 + 4);
      p.payload = l4 + 8;
      p.payload_len = uint32_t(ulen >= 8 ? ulen - 8 : 0);
      p.payload_caplen = uint32_t(std::min(l4cap, l4len) - 8);
      p.transport_ok = true;
      if (opt.verify_checksums && whole && !(ver == 4 && rd16(l4 + 6) == 0)) {
        uint32_t s = sum16(l4, l4len, ver == 4 ? pseudo + uint32_t(l4len) : pseudo);
        p.checksum_bad = fold(s) != 0xffff;
      }
    } else if (proto == 1 || proto == 58) {
      if (l4cap < 8) {
        *why = "ICMP header truncated";
        return false;
      }
      p.icmp_type = l4[0];
      p.icmp_code = l4[1];
      p.payload = l4 + 8;
      p.payload_len = uint32_t(l4len - 8);
      p.payload_caplen = uint32_t(l4cap - 8);
      p.transport_ok = true;
      if (opt.verify_checksums && whole) {
        uint32_t s = sum16(l4, l4len, proto == 58 ? pseudo : 0);
        p.checksum_bad = fold(s) != 0xffff;
      }
    } else {
      p.transport_ok = true;
    }
    L.layer[L.count++] = p;
    // Teredo on any UDP port, as Zeek detects it: optional authentication and origin
    // indication headers, then an IPv6 packet whose length fills the datagram exactly. Bubbles
    // (no next header, no payload) only keep NAT mappings alive and carry no connection.
    if (proto == 17 && p.payload_caplen >= 40 && p.payload_caplen == p.payload_len) {
      const uint8_t* in = p.payload;
      size_t m = p.payload_caplen;
      if (m >= 4 && in[0] == 0 && in[1] == 1) {
        size_t a = 4 + size_t(in[2]) + in[3] + 9;
        m = a <= m ? m - a : 0;
        in += a <= p.payload_caplen ? a : 0;
      }
      if (m >= 8 && in[0] == 0 && in[1] == 0) {
        in += 8;
        m -= 8;
      }
      const bool ipv6 = m >= 40 && (in[0] >> 4) == 6 && 40u + rd16(in + 4) == m;
      const bool bubble = ipv6 && in[6] == 59 && rd16(in + 4) == 0;
      if (ipv6 && !bubble) {
        std::string w;
        ip(in, m, L, uint8_t(depth + 1), &w);
      }
    }
    return true;
  }

  PacketDecoder::Result decode(const RawPacket& r, DecodedLayers& L, std::string* why) {
    L.count = 0;
    const uint8_t* d = r.data;
    size_t n = r.caplen;
    uint16_t et = 0;
    switch (r.linktype) {
      case kLinkEthernet:
        if (n < 14) {
          *why = "Ethernet header truncated";
          return Result::malformed;
        }
        et = rd16(d + 12);
        d += 14;
        n -= 14;
        break;
      case kLinkLinuxSll:
        if (n < 16) {
          *why = "SLL truncated";
          return Result::malformed;
        }
        et = rd16(d + 14);
        d += 16;
        n -= 16;
        break;
      case kLinkLinuxSll2:
        if (n < 20) {
          *why = "SLL2 truncated";
          return Result::malformed;
        }
        et = rd16(d);
        d += 20;
        n -= 20;
        break;
      case kLinkNull:
      case kLinkLoop: {
        if (n < 4) return Result::malformed;
        d += 4;
        n -= 4;
        et = n && (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
        break;
      }
      case kLinkRaw:
      case kLinkDltRaw12:
      case kLinkDltRaw14:
      case kLinkIpv4:
      case kLinkIpv6:
        et = n && (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
        break;
      case kLinkIeee80211Radiotap:
      case kLinkIeee80211: {
        if (r.linktype == kLinkIeee80211Radiotap) {
          if (n < 4) return Result::malformed;
          size_t rl = d[2] | d[3] << 8;
          if (rl > n) return Result::malformed;
          d += rl;
          n -= rl;
        }
        if (n < 24) return Result::not_ip;
        uint8_t fc0 = d[0], fc1 = d[1];
        if (((fc0 >> 2) & 3) != 2 || (fc1 & 0x40)) return Result::not_ip;
        size_t h = 24 + (((fc1 & 3) == 3) ? 6 : 0) + ((fc0 & 0x80) ? 2 : 0);
        if (n < h + 8 || d[h] != 0xaa || d[h + 1] != 0xaa) return Result::not_ip;
        et = rd16(d + h + 6);
        d += h + 8;
        n -= h + 8;
        break;
      }
      default:
        *why = "unsupported link type";
        return Result::malformed;
    }
    for (int guard = 0; guard < 8; ++guard) {
      if (et == 0x8100 || et == 0x88a8 || et == 0x9100) {
        if (n < 4) return Result::malformed;
        et = rd16(d + 2);
        d += 4;
        n -= 4;
      } else if (et == 0x8847) {
        while (n >= 4) {
          bool bos = d[2] & 1;
          d += 4;
          n -= 4;
          if (bos) break;
        }
        et = n && (d[0] >> 4) == 6 ? 0x86dd : 0x0800;
      } else if (et == 0x8864) {
        if (n < 8) return Result::malformed;
        uint16_t pp = rd16(d + 6);
        d += 8;
        n -= 8;
        et = pp == 0x21 ? 0x0800 : pp == 0x57 ? 0x86dd : 0;
      } else
        break;
    }
    if (et != 0x0800 && et != 0x86dd) return Result::not_ip;
    std::string w;
    if (!ip(d, n, L, 0, &w)) {
      if (L.count) return Result::ok;
      if (w.empty()) return Result::fragment_held;
      *why = w;
      return Result::malformed;
    }
    return Result::ok;
  }
};

PacketDecoder::PacketDecoder(Options o) : impl_(std::make_unique<Impl>()) {
  impl_->opt = o;
}
PacketDecoder::~PacketDecoder() = default;
PacketDecoder::Result PacketDecoder::decode(const RawPacket& r, DecodedLayers& l,
                                            std::string* why) {
  return impl_->decode(r, l, why);
}
}  // namespace callhome
