#include "flow/link_layer.h"

#include "flow/raw_packet.h"

namespace callhome {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100,
                   kEtherQinQ = 0x88a8, kEtherQinQOld = 0x9100, kEtherMpls = 0x8847,
                   kEtherMplsMulticast = 0x8848, kEtherPppoeSession = 0x8864;

uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}

// Where the payload of an EtherType starts, following tags and labels to IP.
LinkResult from_ethertype(uint16_t type, const uint8_t* d, size_t n, size_t pos, size_t* offset) {
  for (int depth = 0; depth < 16; ++depth) {
    switch (type) {
      case kEtherIpv4:
      case kEtherIpv6:
        if (pos >= n) return LinkResult::truncated;
        *offset = pos;
        return LinkResult::ip;
      case kEtherVlan:
      case kEtherQinQ:
      case kEtherQinQOld:
        if (pos + 4 > n) return LinkResult::truncated;
        type = rd16(d + pos + 2);
        pos += 4;
        break;
      case kEtherMpls:
      case kEtherMplsMulticast: {
        // Labels until bottom of stack; then guess the payload from its version nibble, as
        // Zeek does (MPLS does not say what it carries).
        for (;;) {
          if (pos + 4 > n) return LinkResult::truncated;
          const bool bottom = d[pos + 2] & 1;
          pos += 4;
          if (bottom) break;
        }
        if (pos >= n) return LinkResult::truncated;
        const int version = d[pos] >> 4;
        if (version != 4 && version != 6) return LinkResult::not_ip;
        *offset = pos;
        return LinkResult::ip;
      }
      case kEtherPppoeSession: {
        if (pos + 8 > n) return LinkResult::truncated;
        const uint16_t ppp = rd16(d + pos + 6);
        pos += 8;
        if (ppp == 0x0021) {
          type = kEtherIpv4;
        } else if (ppp == 0x0057) {
          type = kEtherIpv6;
        } else {
          return LinkResult::not_ip;
        }
        break;
      }
      default:
        return LinkResult::not_ip;
    }
  }
  return LinkResult::not_ip;
}

LinkResult by_version(const uint8_t* d, size_t n, size_t pos, size_t* offset) {
  if (pos >= n) return LinkResult::truncated;
  const int version = d[pos] >> 4;
  if (version != 4 && version != 6) return LinkResult::not_ip;
  *offset = pos;
  return LinkResult::ip;
}

LinkResult ieee80211(const uint8_t* d, size_t n, size_t pos, size_t* offset) {
  if (pos + 24 > n) return LinkResult::truncated;
  const uint8_t fc0 = d[pos], fc1 = d[pos + 1];
  if (((fc0 >> 2) & 3) != 2) return LinkResult::not_ip;  // not a data frame
  if (fc1 & 0x40) return LinkResult::not_ip;             // protected: contents unreadable
  const uint8_t subtype = fc0 >> 4;
  if (subtype & 0x4) return LinkResult::not_ip;  // null-function frames carry no payload
  size_t header = 24;
  if ((fc1 & 3) == 3) header += 6;                   // four addresses (WDS)
  if (subtype & 0x8) header += 2;                    // QoS control
  if ((subtype & 0x8) && (fc1 & 0x80)) header += 4;  // HT control on ordered QoS frames
  pos += header;
  // LLC/SNAP header: AA AA 03, OUI, EtherType.
  if (pos + 8 > n) return LinkResult::truncated;
  if (d[pos] != 0xaa || d[pos + 1] != 0xaa || d[pos + 2] != 0x03) return LinkResult::not_ip;
  return from_ethertype(rd16(d + pos + 6), d, n, pos + 8, offset);
}

}  // namespace

LinkResult strip_ethernet(const uint8_t* d, size_t n, size_t* offset) {
  if (n < 14) return LinkResult::truncated;
  const uint16_t type = rd16(d + 12);
  if (type <= 1500) {  // IEEE 802.3 length field: LLC/SNAP follows
    if (n < 22) return LinkResult::truncated;
    if (d[14] != 0xaa || d[15] != 0xaa || d[16] != 0x03) return LinkResult::not_ip;
    return from_ethertype(rd16(d + 20), d, n, 22, offset);
  }
  return from_ethertype(type, d, n, 14, offset);
}

LinkResult strip_link(uint32_t linktype, const uint8_t* d, size_t n, size_t* offset) {
  switch (linktype) {
    case kLinkEthernet:
      return strip_ethernet(d, n, offset);
    case kLinkLinuxSll:  // 16-byte cooked header, protocol at 14
      if (n < 16) return LinkResult::truncated;
      return from_ethertype(rd16(d + 14), d, n, 16, offset);
    case kLinkLinuxSll2:  // 20-byte cooked header, protocol first
      if (n < 20) return LinkResult::truncated;
      return from_ethertype(rd16(d), d, n, 20, offset);
    case kLinkNull:  // 4-byte address family in the capturing host's byte order
    case kLinkLoop:  // the same in network byte order
      if (n < 4) return LinkResult::truncated;
      return by_version(d, n, 4, offset);
    case kLinkRaw:
    case kLinkDltRaw12:
    case kLinkDltRaw14:
    case kLinkIpv4:
    case kLinkIpv6:
      return by_version(d, n, 0, offset);
    case kLinkPppoe:
      return from_ethertype(kEtherPppoeSession, d, n, 0, offset);
    case kLinkIeee80211:
      return ieee80211(d, n, 0, offset);
    case kLinkIeee80211Radiotap: {
      if (n < 4) return LinkResult::truncated;
      const size_t len = size_t(d[2]) | size_t(d[3]) << 8;
      if (len < 4 || len > n) return LinkResult::truncated;
      return ieee80211(d, n, len, offset);
    }
    default:
      return LinkResult::unsupported;
  }
}

}  // namespace callhome
