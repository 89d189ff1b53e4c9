// How many distinct items a stream held, in bounded memory: a k-minimum-values sketch. It keeps
// the k smallest 64-bit hashes seen; up to k distinct items the count is exact, beyond it the
// k-th smallest hash says how densely the hash space was filled (Bar-Yossef et al. 2002,
// estimate (k-1)/h_k, relative error about 1/sqrt(k)). Memory: at most k hashes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace callhome {

template <size_t K>
class DistinctSketch {
 public:
  // `hash` must be well mixed and the same in every run (core/stable_hash.h).
  void add(uint64_t hash) {
    if (mins_.size() == K && hash >= mins_.back()) return;
    auto it = std::lower_bound(mins_.begin(), mins_.end(), hash);
    if (it != mins_.end() && *it == hash) return;
    mins_.insert(it, hash);
    if (mins_.size() > K) mins_.pop_back();
  }
  // Exact below K; an estimate above.
  uint64_t estimate() const {
    if (mins_.size() < K) return mins_.size();
    const double kth = double(mins_.back()) / double(std::numeric_limits<uint64_t>::max());
    return kth > 0 ? uint64_t(double(K - 1) / kth) : mins_.size();
  }
  bool exact() const { return mins_.size() < K; }

 private:
  std::vector<uint64_t> mins_;  // ascending
};

}  // namespace callhome
