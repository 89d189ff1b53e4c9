// A packet as stored in a capture file, before any decoding.
#pragma once

#include <cstdint>

namespace callhome {

// Link-layer types (the pcap LINKTYPE_ values) the decoder understands.
enum LinkType : uint32_t {
  kLinkNull = 0,  // BSD loopback: 4-byte host-order address family
  kLinkEthernet = 1,
  kLinkRaw = 101,   // raw IPv4/IPv6 (LINKTYPE_RAW)
  kLinkLoop = 108,  // OpenBSD loopback: 4-byte network-order family
  kLinkIeee80211 = 105,
  kLinkLinuxSll = 113,
  kLinkIeee80211Radiotap = 127,
  kLinkIpv4 = 228,
  kLinkIpv6 = 229,
  kLinkLinuxSll2 = 276,
  kLinkPppoe = 51,     // unusual as a link type; PPPoE normally rides on Ethernet
  kLinkDltRaw12 = 12,  // DLT_RAW on some BSDs (OpenBSD: 14)
  kLinkDltRaw14 = 14,
};

struct RawPacket {
  double ts = 0;         // UNIX seconds
  uint32_t caplen = 0;   // bytes present at data
  uint32_t wirelen = 0;  // bytes on the wire
  uint32_t linktype = kLinkEthernet;
  uint32_t interface = 0;         // pcapng interface index (0 for pcap)
  uint64_t number = 0;            // 1-based position in the file, as Wireshark numbers frames
  uint64_t offset = 0;            // stream offset of the record header
  const uint8_t* data = nullptr;  // valid until the next call to CaptureReader::next
};

}  // namespace callhome
