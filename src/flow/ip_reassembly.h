// IPv4 and IPv6 fragment reassembly, as Zeek does it: a datagram is held until its fragments
// cover it from the start to the end the last fragment names, then handed back whole, so the
// connection sees one packet of the full IP length. Where fragments overlap, the data that
// came first wins. The datagram is headed by the header of the fragment that came first.
//
// Memory is bounded: datagrams wait at most `timeout` seconds of capture time, at most
// `max_pending` of them and `max_bytes` in all; the oldest are dropped first.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <deque>
#include <vector>

#include "core/address.h"

namespace callhome {

struct Fragment {
  int version = 4;
  Address src, dst;
  uint32_t id = 0;
  uint8_t proto = 0;  // IPv4: part of the key (RFC 791); IPv6: 0
  // The header every fragment starts with (IPv6: the fixed header and the extension headers
  // before the fragment header). `next_pos` is, for IPv6, where in it the next-header byte
  // naming the fragment header sits; `next_header` the fragment header's next header.
  const uint8_t* header = nullptr;
  uint32_t header_len = 0;
  uint32_t next_pos = 0;
  uint8_t next_header = 0;
  uint32_t offset = 0;  // of the payload in the datagram, in bytes
  bool more = false;
  const uint8_t* payload = nullptr;
  uint32_t payload_len = 0;
  double ts = 0;
};

class IpReassembler {
 public:
  struct Limits {
    size_t max_pending = 8192;      // datagrams waiting for fragments
    size_t max_bytes = 64u << 20;   // bytes they hold, all together
    double timeout = 30;            // seconds of capture time after the first fragment
    uint32_t max_datagram = 65535;  // header + payload; fragments beyond are refused
  };
  enum class Add : uint8_t {
    held,      // kept; the datagram is not complete yet
    complete,  // the datagram is in `out`: header and payload, lengths set
    refused,   // the fragment would make a datagram larger than max_datagram
  };

  IpReassembler() = default;
  explicit IpReassembler(Limits limits) : limits_(limits) {}

  // Adds one fragment; on `complete` writes the whole datagram to `out` (reusing its memory).
  // For IPv4 the total length is set; for IPv6 the payload length, and the fragment header is
  // gone with its next header put in its place.
  Add add(const Fragment& f, std::vector<uint8_t>& out);

  size_t pending() const { return pending_.size(); }
  size_t bytes_held() const { return bytes_; }
  uint64_t dropped() const { return dropped_; }  // incomplete datagrams given up on
  uint64_t dropped_fragments() const { return dropped_fragments_; }  // the fragments they had
  uint64_t pending_fragments() const;  // fragments of the datagrams still waiting

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
  struct Range {
    uint32_t begin, end;
  };
  struct Pending {
    uint64_t serial = 0;  // arrival order, to find it in order_
    double first_ts = 0;
    std::vector<uint8_t> header;
    uint32_t next_pos = 0;
    uint8_t next_header = 0;  // the offset-0 fragment's, as Zeek takes it
    std::vector<uint8_t> payload;
    std::vector<Range> have;  // sorted, disjoint, not touching
    uint32_t end = 0;         // where the datagram ends, once a last fragment came
    bool end_known = false;
    uint32_t fragments = 0;  // fragment packets taken in, lost with it if it never completes
  };

  bool live(const std::pair<uint64_t, Key>& entry) const;  // not left behind by a datagram gone
  void expire(double now);
  void drop_oldest();
  void erase(absl::flat_hash_map<Key, Pending>::iterator it);
  void give_up(absl::flat_hash_map<Key, Pending>::iterator it);  // erase, counted as dropped
  static void insert(Pending& p, uint32_t begin, uint32_t end, const uint8_t* data);
  void assemble(const Pending& p, int version, uint32_t size, std::vector<uint8_t>& out) const;

  Limits limits_;
  absl::flat_hash_map<Key, Pending> pending_;
  std::deque<std::pair<uint64_t, Key>> order_;  // (serial, key), oldest first; may hold stale
  uint64_t next_serial_ = 0;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;
  uint64_t dropped_fragments_ = 0;
};

}  // namespace callhome
