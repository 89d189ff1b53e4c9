// Decodes a raw packet from its link layer down to the transport header, through VLAN/MPLS/
// PPPoE encapsulation, IP fragments (reassembled) and tunnels (decapsulated), the way Zeek's
// packet analysis does.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "core/input_report.h"
#include "flow/decoded_packet.h"
#include "flow/raw_packet.h"

namespace callhome {

// The IP packets one captured frame carries, outermost first. A plain frame yields one layer;
// a Teredo frame yields the outer IPv4/UDP packet and then the inner IPv6 packet, each of
// which the connection tracker logs (the inner one with the outer as its tunnel parent).
struct DecodedLayers {
  static constexpr int kMaxLayers = 4;
  std::array<DecodedPacket, kMaxLayers> layer;
  int count = 0;
};

// The 5-tuple of an Ethernet (at most one VLAN tag) or raw IPv4 frame carrying unfragmented TCP
// or UDP, read without decoding or checking anything else; false for anything else. Only good
// for hints (ConnTracker::prefetch_index): decode() alone says what a frame is.
bool peek_flow_key(const uint8_t* frame, uint32_t caplen, uint32_t linktype, FlowKey& key);

class PacketDecoder {
 public:
  struct Options {
    bool verify_checksums = false;  // decide DecodedPacket::checksum_bad (Zeek's default)
  };
  enum class Result : uint8_t {
    ok,             // `layers` holds at least one IP packet
    not_ip,         // a frame that carries no IP (ARP, STP, LLDP, 802.11 management): ignored
    fragment_held,  // an IP fragment kept until its datagram is complete
    malformed,      // damaged or truncated: *why says what (e.g. "IPv4 header truncated")
  };

  explicit PacketDecoder(Options options);
  ~PacketDecoder();
  PacketDecoder(const PacketDecoder&) = delete;
  PacketDecoder& operator=(const PacketDecoder&) = delete;

  // `layers` and what its payload pointers point at stay valid until the next call.
  Result decode(const RawPacket& packet, DecodedLayers& layers, std::string* why);

  // IP datagrams whose fragments never all came (given up on after the timeout or to bound
  // memory, or still waiting at the end of the capture), and the fragment packets they took
  // with them: packets that were read but could not be used.
  struct Incomplete {
    uint64_t datagrams = 0;
    uint64_t fragments = 0;
  };
  Incomplete incomplete() const;
  // Counts those fragments as rejected in `report`, with a note, when there are any.
  void report_incomplete(InputReport& report) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callhome
