// IPv4 and IPv6 header parsing: addresses, lengths, the IPv6 extension header chain and
// fragment fields, with Zeek's validity checks. Stateless; reassembly is ip_reassembly's job.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/address.h"

namespace callhome {

namespace ip_proto {
inline constexpr uint8_t kHopByHop = 0, kIcmp = 1, kIgmp = 2, kIpip = 4, kTcp = 6, kUdp = 17,
                         kIpv6 = 41, kRouting = 43, kFragment = 44, kGre = 47, kEsp = 50, kAh = 51,
                         kIcmp6 = 58, kNone = 59, kDestOpts = 60, kMobility = 135;
}

struct IpHeader {
  Address src, dst;  // IPv6: the home address option and a routing header's final
                     // destination take the place of the fixed header's, as in Zeek
  uint8_t version = 0;
  uint8_t proto = 0;  // IPv4 protocol; IPv6: the header after the extension chain (after the
                      // fragment header, for fragments)
  uint8_t ttl = 0;
  bool fragment = false;  // part of a fragmented datagram (IPv6: has a fragment header)
  bool more_fragments = false;
  uint32_t frag_offset = 0;  // in bytes
  uint32_t frag_id = 0;
  uint32_t total_len = 0;      // the header's length: IPv4 total length, IPv6 40 + payload length
  uint32_t length = 0;         // what the datagram spans: total_len, or the captured bytes when an
                               // offloading NIC left a zero IPv4 length (and checksums are off)
  uint32_t header_len = 0;     // IPv4 header with options; IPv6 fixed + extension headers
                               // (through the fragment header, for fragments)
  uint32_t unfrag_len = 0;     // bytes that head every fragment (IPv6: those before the fragment
                               // header); what a reassembled datagram starts with
  uint32_t frag_next_pos = 0;  // IPv6: where the next-header byte naming the fragment header is
};

// Parses the IP header at `d`: `cap` bytes captured, `wire` on the wire (>= cap). `reassembled`
// marks a datagram rebuilt from fragments, whose fragment fields and header checksum are no
// longer judged. Returns nullptr when the packet is usable, else why it is not.
const char* parse_ip(const uint8_t* d, size_t cap, size_t wire, bool verify_checksum,
                     bool reassembled, IpHeader& h);

}  // namespace callhome
