// IPv4 and IPv6 fragment reassembly. A datagram is held until all its fragments arrived, then
// handed back whole, as Zeek does, so the connection sees one packet of the full IP length.
// Memory is bounded: the oldest incomplete datagrams are dropped first.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <deque>
#include <vector>

#include "core/address.h"

namespace callhome {

class IpReassembler {
 public:
  struct Limits {
    size_t max_pending = 8192;  // datagrams waiting for fragments
    double timeout = 30;        // seconds of capture time before an incomplete one is dropped
  };
  IpReassembler() = default;
  explicit IpReassembler(Limits limits) : limits_(limits) {}

  // Adds one fragment. `header` is the fragment's IP header as it should head the reassembled
  // datagram (for IPv6: the fixed header only); `offset` the fragment offset in bytes; `more`
  // the MF flag. Returns the complete datagram (header + payload, lengths fixed up, for IPv6
  // with `next_header` in place of the fragment header) when this fragment completed it, or
  // nullptr. The returned bytes stay valid until the next call.
  const std::vector<uint8_t>* add(int version, const Address& src, const Address& dst, uint32_t id,
                                  uint8_t proto, const uint8_t* header, size_t header_len,
                                  uint32_t offset, bool more, const uint8_t* payload,
                                  size_t payload_len, uint8_t next_header, double ts);

  uint64_t dropped() const { return dropped_; }  // incomplete datagrams given up on
  size_t pending() const { return pending_.size(); }

 private:
  struct Key {
    Address src, dst;
    uint32_t id;
    uint8_t proto;
    uint8_t version;
    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.src, k.dst, k.id, k.proto, k.version);
    }
  };
  struct Pending {
    double first_ts = 0;
    std::vector<uint8_t> header;
    std::vector<uint8_t> payload;
    std::vector<std::pair<uint32_t, uint32_t>> have;  // sorted, merged byte ranges
    int64_t total = -1;                               // known once the last fragment came
    uint8_t next_header = 0;
  };
  void expire(double now);

  Limits limits_;
  absl::flat_hash_map<Key, Pending> pending_;
  std::deque<std::pair<double, Key>> order_;  // arrival order, for expiry and eviction
  std::vector<uint8_t> out_;
  uint64_t dropped_ = 0;
};

}  // namespace callhome
