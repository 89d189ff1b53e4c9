// The Internet checksum: the word-at-a-time implementation agrees with the definition.
#include "flow/checksum.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace callhome {
namespace {

uint32_t reference(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i < n; ++i) s += (i % 2 == 0) ? uint32_t(p[i]) << 8 : p[i];
  return s;
}

TEST(DecoderChecksumTest, Rfc1071Example) {
  // RFC 1071 section 3: these bytes sum to ddf2 (folded).
  const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_fold(checksum_add(b, sizeof b)), 0xddf2);
}

TEST(DecoderChecksumTest, AgreesWithTheDefinitionAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(300);
  for (auto& x : buf) x = uint8_t(rng());
  for (size_t start = 0; start < 8; ++start) {
    for (size_t len = 0; len + start <= buf.size(); ++len) {
      const uint32_t seed = uint32_t(rng() & 0xffff);
      EXPECT_EQ(checksum_fold(checksum_add(buf.data() + start, len, seed)),
                checksum_fold(reference(buf.data() + start, len) + seed))
          << start << " " << len;
    }
  }
}

TEST(DecoderChecksumTest, DataWithItsChecksumVerifies) {
  std::vector<uint8_t> b = {0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
                            0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02};
  const uint16_t c = uint16_t(~checksum_fold(checksum_add(b.data(), b.size())));
  b[10] = uint8_t(c >> 8);
  b[11] = uint8_t(c);
  EXPECT_TRUE(checksum_ok(checksum_add(b.data(), b.size())));
  b[15] ^= 1;
  EXPECT_FALSE(checksum_ok(checksum_add(b.data(), b.size())));
}

}  // namespace
}  // namespace callhome
