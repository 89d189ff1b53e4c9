// A 64-bit hash that is the same in every run. absl::Hash is salted per process, so a sketch fed
// with it estimates differently on each run of the same evidence; reports must not change when
// nothing in the evidence did.
#pragma once

#include <cstdint>
#include <string_view>

namespace callhome {

// FNV-1a over the bytes, then the splitmix64 finaliser: FNV alone leaves the high bits poorly
// mixed for short strings, and the distinct-count sketches read the hash as a uniform number.
inline uint64_t stable_hash(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

}  // namespace callhome
