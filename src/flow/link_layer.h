// The link layers below IP: finds where the IP packet starts in a frame, through Ethernet
// (II and 802.3 with LLC/SNAP), 802.1Q/802.1ad tags, MPLS labels, PPPoE, Linux cooked captures,
// BSD loopback, raw IP and 802.11 data frames (with radiotap), as Zeek's packet analysis does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace callhome {

enum class LinkResult : uint8_t {
  ip,           // `offset` is where an IP header begins
  not_ip,       // a valid frame that carries something else (ARP, 802.11 management ...)
  truncated,    // the frame ends inside a link header; `why` says which
  too_deep,     // more tags or labels than any network stacks (an attack on decoders); `why`
  unsupported,  // a link type we do not decode
};

struct LinkView {
  LinkResult result = LinkResult::not_ip;
  uint32_t offset = 0;
  const char* why = nullptr;  // for `truncated` and `too_deep`
};

// Strips link headers from `data` (`caplen` bytes) of the given pcap link type.
LinkView strip_link(uint32_t linktype, const uint8_t* data, size_t caplen);

// Strips an Ethernet frame (also what VXLAN, Geneve and GRE transparent bridging carry).
LinkView strip_ethernet(const uint8_t* data, size_t caplen);

}  // namespace callhome
