// The connection tracker's index: an open-addressing hash table (linear probing, backward-shift
// deletion, no tombstones) of 8-byte entries, each a 32-bit hash tag and a 32-bit slot number.
// Keys are not stored: the caller compares the candidate slot's connection with what it looks
// for, so the table costs 8 bytes per entry and at most two entries per live connection.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

namespace callhome {

class ConnTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  ConnTable() { resize(1024); }

  // The slot whose connection `match(slot)` accepts, among those stored under `hash`; kNone if
  // there is none.
  template <typename Match>
  uint32_t find(uint64_t hash, Match&& match) const {
    const uint32_t tag = tag_of(hash);
    for (size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const uint64_t e = entries_[i];
      if (e == 0) return kNone;
      if (uint32_t(e >> 32) == tag && match(uint32_t(e) - 1)) return uint32_t(e) - 1;
    }
  }

  // Hints for a lookup to come: the cache line where it starts, and the slot of the first
  // entry with its tag (kNone when there is none close by), which is most likely the match.
  void prefetch(uint64_t hash) const { __builtin_prefetch(&entries_[tag_of(hash) & mask_]); }
  uint32_t likely(uint64_t hash) const {
    const uint32_t tag = tag_of(hash);
    for (size_t i = tag & mask_, n = 0; n < 4; i = (i + 1) & mask_, ++n) {
      const uint64_t e = entries_[i];
      if (e == 0) break;
      if (uint32_t(e >> 32) == tag) return uint32_t(e) - 1;
    }
    return kNone;
  }

  void insert(uint64_t hash, uint32_t slot) {
    if ((size_ + 1) * 2 > capacity()) resize(capacity() * 2);
    place(entry(tag_of(hash), slot));
    ++size_;
  }

  // Removes the entry of `slot`, stored under `hash`.
  void erase(uint64_t hash, uint32_t slot) {
    const uint64_t want = entry(tag_of(hash), slot);
    size_t i = tag_of(hash) & mask_;
    while (entries_[i] != want) {
      if (entries_[i] == 0) return;  // not there
      i = (i + 1) & mask_;
    }
    // Backward shift: move later entries of the cluster into the hole when that brings them no
    // further from their home position.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const uint64_t e = entries_[j];
      if (e == 0) break;
      const size_t home = uint32_t(e >> 32) & mask_;
      const bool stays = (j > i) ? (home > i && home <= j) : (home > i || home <= j);
      if (stays) continue;
      entries_[i] = e;
      i = j;
    }
    entries_[i] = 0;
    --size_;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return mask_ + 1; }

 private:
  static uint32_t tag_of(uint64_t hash) { return uint32_t(hash >> 32); }
  static uint64_t entry(uint32_t tag, uint32_t slot) {
    return (uint64_t(tag) << 32) | (uint64_t(slot) + 1);
  }
  void place(uint64_t e) {
    size_t i = uint32_t(e >> 32) & mask_;
    while (entries_[i] != 0) i = (i + 1) & mask_;
    entries_[i] = e;
  }
  void resize(size_t cap) {
    std::unique_ptr<uint64_t[]> old = std::move(entries_);
    const size_t old_cap = old ? mask_ + 1 : 0;
    entries_.reset(new uint64_t[cap]());
    mask_ = cap - 1;
    for (size_t i = 0; i < old_cap; ++i) {
      if (old[i] != 0) place(old[i]);
    }
  }

  std::unique_ptr<uint64_t[]> entries_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace callhome
