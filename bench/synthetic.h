// What the benchmark generators share: a deterministic random source and public-looking
// addresses, so that generated traffic looks like a site talking to the internet.
#pragma once

#include <cstdint>

namespace callhome::bench {

struct Rng {  // xorshift64*: deterministic, no libc rand()
  uint64_t s;
  explicit Rng(uint64_t seed = 0) : s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
  uint32_t below(uint32_t n) { return uint32_t((next() >> 32) % n); }
  double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

// An IPv4 address (host order) outside 0/8, 10/8, 127/8, 172.16/12, 192.168/16 and multicast.
inline uint32_t public_v4(Rng& r) {
  uint32_t a;
  do {
    a = uint32_t(r.next() >> 32);
  } while ((a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) >= 224 ||
           (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8);
  return a;
}

}  // namespace callhome::bench
