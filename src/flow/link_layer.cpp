#include "flow/link_layer.h"

#include "flow/byte_order.h"
#include "flow/raw_packet.h"

namespace callhome {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100,
                   kEtherQinQ = 0x88a8, kEtherQinQOld = 0x9100, kEtherMpls = 0x8847,
                   kEtherMplsMulticast = 0x8848, kEtherPppoeSession = 0x8864,
                   kEtherFabricPath = 0x8903;

// Tags and labels stacked deeper than this are not traffic but an attack on the decoder.
constexpr int kMaxLinkNesting = 32;

LinkView ip_at(size_t pos) {
  return {LinkResult::ip, uint32_t(pos), nullptr};
}
LinkView truncated(const char* why) {
  return {LinkResult::truncated, 0, why};
}
constexpr LinkView kNotIp{LinkResult::not_ip, 0, nullptr};
// Counted as damage rather than ignored: such a frame is not traffic, and a reader must see it.
constexpr LinkView kTooDeep{LinkResult::too_deep, 0, "more than 32 VLAN tags or MPLS labels"};

// An 802.2 LLC header that announces SNAP (AA AA), then the SNAP header. Only the zero OUI
// means an EtherType follows (Zeek forwards on OUI and type together). Returns true with
// *type and *next set when it does; otherwise *stop says how the frame ends.
bool llc_snap(const uint8_t* d, size_t n, size_t pos, uint16_t* type, size_t* next,
              LinkView* stop) {
  *stop = kNotIp;
  if (pos + 3 > n) {
    *stop = truncated("LLC header truncated");
    return false;
  }
  if (d[pos] != 0xaa || d[pos + 1] != 0xaa) return false;  // plain LLC, Novell raw: no IP
  // A control field that is not an unnumbered PDU makes the LLC header one byte longer.
  const size_t llc = (d[pos + 2] & 3) == 3 ? 3 : 4;
  if (pos + llc + 5 > n) {
    *stop = truncated("SNAP header truncated");
    return false;
  }
  const uint8_t* oui = d + pos + llc;
  if (oui[0] != 0 || oui[1] != 0 || oui[2] != 0) return false;
  *type = rd16(oui + 3);
  *next = pos + llc + 5;
  return true;
}

// Follows an EtherType at `pos` through tags, labels and PPPoE to IP.
LinkView from_ethertype(uint16_t type, const uint8_t* d, size_t n, size_t pos) {
  for (int nesting = 0; nesting < kMaxLinkNesting; ++nesting) {
    switch (type) {
      case kEtherIpv4:
      case kEtherIpv6:
        return ip_at(pos);
      case kEtherVlan:
      case kEtherQinQ:
      case kEtherQinQOld: {
        if (pos + 4 > n) return truncated("VLAN header truncated");
        const uint16_t inner = rd16(d + pos + 2);
        pos += 4;
        if (inner >= 1536) {
          type = inner;
        } else if (inner <= 1500) {  // a length: LLC/SNAP follows the tag
          size_t next = 0;
          LinkView stop;
          if (!llc_snap(d, n, pos, &type, &next, &stop)) return stop;
          pos = next;
        } else {
          return kNotIp;
        }
        break;
      }
      case kEtherMpls:
      case kEtherMplsMulticast: {
        // Labels until bottom of stack; MPLS does not say what it carries, so the payload is
        // taken for IP by its version nibble, as Zeek's default does.
        for (int labels = 0;; ++labels) {
          if (pos + 4 > n) return truncated("MPLS label stack truncated");
          if (labels >= kMaxLinkNesting) return kTooDeep;
          const bool bottom = d[pos + 2] & 1;
          pos += 4;
          if (bottom) break;
        }
        if (pos >= n) return truncated("MPLS payload missing");
        const int version = d[pos] >> 4;
        return version == 4 || version == 6 ? ip_at(pos) : kNotIp;
      }
      case kEtherPppoeSession: {
        // 6-byte PPPoE session header, then the PPP protocol: 2 bytes, or 1 when protocol
        // field compression was negotiated (an odd first byte, RFC 1661 6.5).
        if (pos + 7 > n) return truncated("PPPoE header truncated");
        if (d[pos + 6] & 1) {
          if (d[pos + 6] != 0x21 && d[pos + 6] != 0x57) return kNotIp;
          return ip_at(pos + 7);
        }
        if (pos + 8 > n) return truncated("PPPoE header truncated");
        const uint16_t ppp = rd16(d + pos + 6);
        if (ppp != 0x0021 && ppp != 0x0057) return kNotIp;  // LCP, IPCP, CHAP ...
        return ip_at(pos + 8);
      }
      default:
        return kNotIp;  // ARP, LLDP, EAPOL ...
    }
  }
  return kTooDeep;
}

LinkView ieee80211(const uint8_t* d, size_t n, size_t pos) {
  if (pos + 24 > n) return truncated("802.11 header truncated");
  const uint8_t fc0 = d[pos], fc1 = d[pos + 1];
  if (((fc0 >> 2) & 3) != 2) return kNotIp;  // management and control frames
  const uint8_t subtype = fc0 >> 4;
  if (subtype & 0x4) return kNotIp;  // null-function frames carry no payload
  if (fc1 & 0x40) return kNotIp;     // protected: the payload is encrypted
  size_t header = 24;
  if ((fc1 & 3) == 3) header += 6;  // to-DS and from-DS: a fourth address (WDS)
  if (subtype & 0x8) {
    header += 2;  // QoS control
    if (pos + header > n) return truncated("802.11 QoS header truncated");
    // A-MSDU frames pack several packets into one frame; they are not taken apart here.
    if (d[pos + header - 2] & 0x80) return kNotIp;
    if (fc1 & 0x80) header += 4;  // +HTC: HT control field on ordered QoS frames
  }
  pos += header;
  if (pos + 8 > n) return truncated("802.11 LLC header truncated");
  // LLC/SNAP with the zero OUI (RFC 1042 encapsulation), then the EtherType.
  const uint8_t* l = d + pos;
  if (l[0] != 0xaa || l[1] != 0xaa || l[2] != 0x03 || l[3] != 0 || l[4] != 0 || l[5] != 0) {
    return kNotIp;
  }
  return from_ethertype(rd16(l + 6), d, n, pos + 8);
}

// BSD loopback address families: AF_INET is 2 everywhere, AF_INET6 is 24 (NetBSD, OpenBSD),
// 28 (FreeBSD) or 30 (Darwin); captures move between systems, so all are accepted.
bool is_inet_family(uint32_t af) {
  return af == 2 || af == 24 || af == 28 || af == 30;
}

}  // namespace

LinkView strip_ethernet(const uint8_t* d, size_t n) {
  if (n < 14) return truncated("Ethernet header truncated");
  size_t base = 0;
  if (rd16(d + 12) == kEtherFabricPath) {  // Cisco FabricPath: an Ethernet frame follows
    base = 16;
    if (n < base + 14) return truncated("FabricPath header truncated");
  }
  const uint16_t type = rd16(d + base + 12);
  if (type >= 1536) return from_ethertype(type, d, n, base + 14);
  if (type > 1500) return kNotIp;  // neither a length nor an EtherType
  uint16_t inner = 0;
  size_t next = 0;
  LinkView stop;
  if (!llc_snap(d, n, base + 14, &inner, &next, &stop)) return stop;
  return from_ethertype(inner, d, n, next);
}

LinkView strip_link(uint32_t linktype, const uint8_t* d, size_t n) {
  switch (linktype) {
    case kLinkEthernet:
      return strip_ethernet(d, n);
    case kLinkLinuxSll:  // 16-byte cooked header, protocol at 14
      if (n < 16) return truncated("Linux cooked header truncated");
      return from_ethertype(rd16(d + 14), d, n, 16);
    case kLinkLinuxSll2:  // 20-byte cooked header, protocol first
      if (n < 20) return truncated("Linux cooked v2 header truncated");
      return from_ethertype(rd16(d), d, n, 20);
    case kLinkNull: {  // 4-byte address family in the capturing host's byte order
      if (n < 4) return truncated("loopback header truncated");
      const uint32_t le =
          uint32_t(d[0]) | uint32_t(d[1]) << 8 | uint32_t(d[2]) << 16 | uint32_t(d[3]) << 24;
      if (is_inet_family(le) || is_inet_family(rd32(d))) return ip_at(4);
      return kNotIp;
    }
    case kLinkLoop:  // the same in network byte order
      if (n < 4) return truncated("loopback header truncated");
      return is_inet_family(rd32(d)) ? ip_at(4) : kNotIp;
    case kLinkRaw:
    case kLinkDltRaw12:
    case kLinkDltRaw14:
    case kLinkIpv4:
    case kLinkIpv6:
      return ip_at(0);
    case kLinkPppoe:
      return from_ethertype(kEtherPppoeSession, d, n, 0);
    case kLinkIeee80211:
      return ieee80211(d, n, 0);
    case kLinkIeee80211Radiotap: {
      if (n < 4) return truncated("radiotap header truncated");
      const size_t len = size_t(d[2]) | size_t(d[3]) << 8;  // little-endian, header included
      if (len < 8 || len >= n) return truncated("radiotap header truncated");
      return ieee80211(d, n, len);
    }
    default:
      return {LinkResult::unsupported, 0, nullptr};
  }
}

}  // namespace callhome
