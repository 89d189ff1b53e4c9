// How much of one direction of a TCP connection the capture accounts for, from sequence numbers
// alone: Zeek's reassembler keeps the payload, we keep where it lies. An ack from the peer
// beyond what was seen reveals a content gap (conn.log's missed_bytes, history G).
#pragma once

#include <cstdint>

namespace callhome {

// Relative sequence numbers (0 = the initial sequence number). Data up to horizon() was seen
// or declared missing. Data seen above a hole is remembered as one range, so that an ack past
// it counts only the hole as missing, as Zeek does: a segment lost to the capture while later
// ones were captured is the common case. Sixteen bytes, so it fits the tracker's hot slot.
//
// A second hole opened before an ack closes the first is not tracked: the range grows over it,
// so its bytes count as seen (Zeek, which keeps every segment, counts them missing). This
// under-counts by the second hole rather than over-counting by everything above it.
class SeqCoverage {
 public:
  // Before any data: the SYN's octet is accounted for.
  void reset() {
    horizon_ = 1;
    lo_ = hi_ = 0;
  }
  uint64_t horizon() const { return horizon_; }
  bool has_range() const { return lo_ != hi_; }

  // A segment of `len` bytes at `seq` was captured whole.
  void data(uint64_t seq, uint64_t len) {
    const uint64_t end = seq + len;
    if (end <= horizon_) return;  // a retransmission of data accounted for
    if (seq <= horizon_) {
      horizon_ = end;
      absorb();
      return;
    }
    // Above a hole. The range is stored as the low 32 bits of its bounds, which lie less than
    // 2^31 above the horizon: data further away is junk, and an ack past it counts it missing.
    if (end - horizon_ >= kMaxAbove) return;
    if (!has_range()) {
      lo_ = uint32_t(seq);
      hi_ = uint32_t(end);
      return;
    }
    if (seq < lo()) lo_ = uint32_t(seq);
    if (end > hi()) hi_ = uint32_t(end);
  }

  // The peer acknowledged everything below `to`: each hole below it is reported to
  // `gap(bytes)`, in sequence order, and the horizon moves to `to` (or beyond, to the end of
  // the data seen above the hole).
  template <typename Gap>
  void ack(uint64_t to, Gap&& gap) {
    if (to <= horizon_) return;
    if (has_range() && lo() < to) {
      gap(lo() - horizon_);
      horizon_ = hi();
      lo_ = hi_ = 0;
      if (to <= horizon_) return;
    }
    gap(to - horizon_);
    horizon_ = to;
    absorb();
  }

 private:
  static constexpr uint64_t kMaxAbove = uint64_t(1) << 31;
  // The range's bounds as relative sequence numbers. They lie within 2^31 of the horizon: above
  // it, or below it for the moment between a segment moving the horizon and absorb().
  uint64_t at(uint32_t low_bits) const {
    return horizon_ + uint64_t(int64_t(int32_t(low_bits - uint32_t(horizon_))));
  }
  uint64_t lo() const { return at(lo_); }
  uint64_t hi() const { return at(hi_); }
  // The horizon reached the range: its data is accounted for.
  void absorb() {
    if (!has_range() || lo() > horizon_) return;
    if (hi() > horizon_) horizon_ = hi();
    lo_ = hi_ = 0;
  }

  uint64_t horizon_;
  uint32_t lo_, hi_;  // low 32 bits of the range above the hole; empty when equal
};
static_assert(sizeof(SeqCoverage) == 16);

}  // namespace callhome
