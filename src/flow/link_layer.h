// The link layers below IP: finds where the IP packet starts in a frame, through Ethernet,
// 802.1Q/802.1ad tags, MPLS labels, PPPoE, Linux cooked captures, BSD loopback, raw IP and
// 802.11 data frames (with radiotap).
#pragma once

#include <cstddef>
#include <cstdint>

namespace callhome {

enum class LinkResult : uint8_t {
  ip,           // *offset points at an IPv4 or IPv6 header
  not_ip,       // a valid frame that carries something else (ARP, 802.11 management ...)
  truncated,    // the frame ends inside a link header
  unsupported,  // a link type we do not decode
};

// Strips link headers from `data` (caplen bytes) of the given pcap link type. On `ip`,
// `*offset` is where the IP header begins.
LinkResult strip_link(uint32_t linktype, const uint8_t* data, size_t caplen, size_t* offset);

// Strips an Ethernet frame (used inside tunnels too: VXLAN, GRE transparent bridging).
LinkResult strip_ethernet(const uint8_t* data, size_t caplen, size_t* offset);

}  // namespace callhome
