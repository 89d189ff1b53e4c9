// The connection tracker's timers: a 4-ary min-heap of deadlines that can cancel any timer,
// and every timer of one owner at once. Cancelling matters because a connection ends long before
// most of its timers are due (a closed TCP connection still holds its inactivity timer for a
// minute or more): leaving them in the queue until they pop made the queue several times larger
// than the set of live connections, and popping them cost as much again.
//
// Timers due at the same instant pop in the order they were set (FIFO), whatever the heap's
// shape, so the order of the records they end is the same on every platform and library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace callhome {

class TimerQueue {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct Due {
    double at;
    uint32_t payload;
  };

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  double next_at() const { return heap_.front().at; }

  // Sets a timer carrying `payload`, linked into the list whose head is `owner` (kNone when
  // empty), which the caller keeps.
  void add(double at, uint32_t payload, uint32_t& owner) {
    uint32_t n;
    if (free_ != kNone) {
      n = free_;
      free_ = nodes_[n].next;
    } else {
      n = uint32_t(nodes_.size());
      nodes_.emplace_back();
    }
    nodes_[n] = Node{payload, uint32_t(heap_.size()), owner};
    owner = n;
    heap_.push_back(Entry{at, seq_++, n});
    sift_up(heap_.size() - 1);
  }

  // Removes the earliest timer; `owner` must be the head of its owner's list, found from the
  // payload with peek_payload().
  uint32_t peek_payload() const { return nodes_[heap_.front().node].payload; }
  Due pop(uint32_t& owner) {
    const Entry top = heap_.front();
    const Due d{top.at, nodes_[top.node].payload};
    unlink(top.node, owner);
    erase_at(0);
    release(top.node);
    return d;
  }

  // Cancels the timers of one owner for which `drop(payload, at)` holds.
  template <typename Drop>
  void cancel_if(uint32_t& owner, Drop&& drop) {
    for (uint32_t* link = &owner; *link != kNone;) {
      const uint32_t n = *link;
      if (drop(nodes_[n].payload, heap_[nodes_[n].pos].at)) {
        *link = nodes_[n].next;
        erase_at(nodes_[n].pos);
        release(n);
      } else {
        link = &nodes_[n].next;
      }
    }
  }
  void cancel_all(uint32_t& owner) {
    cancel_if(owner, [](uint32_t, double) { return true; });
  }

  void clear() {
    heap_ = {};
    nodes_ = {};
    free_ = kNone;
  }

 private:
  // 16 bytes: the heap moves these; the node keeps what only cancellation needs.
  struct Entry {
    double at;
    uint32_t seq;  // FIFO among equal deadlines; compared modulo 2^32
    uint32_t node;
  };
  struct Node {
    uint32_t payload;
    uint32_t pos;   // index of the node's entry in heap_
    uint32_t next;  // the owner's next timer, or the next free node
  };

  static bool before(const Entry& a, const Entry& b) {
    if (a.at != b.at) return a.at < b.at;
    return int32_t(a.seq - b.seq) < 0;
  }
  void put(size_t i, const Entry& e) {
    heap_[i] = e;
    nodes_[e.node].pos = uint32_t(i);
  }
  void sift_up(size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (!before(e, heap_[parent])) break;
      put(i, heap_[parent]);
      i = parent;
    }
    put(i, e);
  }
  void sift_down(size_t i) {
    const Entry e = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t last = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < last; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      put(i, heap_[best]);
      i = best;
    }
    put(i, e);
  }
  void erase_at(size_t i) {
    const Entry moved = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    heap_[i] = moved;
    nodes_[moved.node].pos = uint32_t(i);
    if (i > 0 && before(moved, heap_[(i - 1) / 4])) {
      sift_up(i);
    } else {
      sift_down(i);
    }
  }
  void unlink(uint32_t n, uint32_t& owner) {
    uint32_t* link = &owner;
    while (*link != n) link = &nodes_[*link].next;
    *link = nodes_[n].next;
  }
  void release(uint32_t n) {
    nodes_[n].next = free_;
    free_ = n;
  }

  std::vector<Entry> heap_;
  std::vector<Node> nodes_;
  uint32_t free_ = kNone;
  uint32_t seq_ = 0;
};

}  // namespace callhome
