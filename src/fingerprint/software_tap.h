// Picks out of a capture's decoded packets the few that tell which software sent them, and hands
// their bytes on as PacketSampleEvents: TCP SYNs and SYN+ACKs (for p0f), TLS ClientHellos (for
// JA3/JA4; one that spans TCP segments is joined first) and ICMP echo requests (for the ping
// program). Everything else costs a few comparisons and nothing is allocated for it: the capture
// reader calls this for every packet.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <vector>

#include "core/events.h"
#include "flow/decoded_packet.h"

namespace callhome {

class SoftwareTap {
 public:
  // ClientHellos waiting for their next segment at once, at most (oldest given up first), and
  // how long one may wait (capture seconds).
  static constexpr size_t kMaxPending = 64;
  static constexpr double kPendingTimeout = 30;
  static constexpr size_t kMaxHeld = 128 * 1024;  // per waiting hello (a hello is at most 64 KiB)

  void packet(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink);

  // ClientHellos given up on: a gap or a cut-short capture in their segments, or left waiting.
  uint64_t incomplete_hellos() const { return incomplete_; }

 private:
  struct Key {
    Address src, dst;
    uint16_t src_port = 0, dst_port = 0;
    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.src, k.dst, k.src_port, k.dst_port);
    }
  };
  struct Pending {
    std::vector<uint8_t> bytes;
    size_t needed = 0;
    uint32_t next_seq = 0;
    double started = 0;
  };

  void tcp(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink);
  void client_hello(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink);
  bool continue_hello(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink);
  static PacketSampleEvent sample(const DecodedPacket& p, PacketSampleEvent::Kind kind, double ts,
                                  Provenance prov);

  absl::flat_hash_map<Key, Pending> pending_;
  uint64_t incomplete_ = 0;
};

}  // namespace callhome
