#include "logs/fw_text.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace callhome::fw {
namespace {

TEST(FwText, ParseUintTakesEveryValueOfItsTypeAndNothingBeyond) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_uint("18446744073709551615", v));  // UINT64_MAX, twenty digits
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_TRUE(parse_uint("00000000000000000042", v));  // twenty digits, leading zeros
  EXPECT_EQ(v, 42u);
  EXPECT_TRUE(parse_uint("9999999999999999999", v));  // nineteen nines fit
  EXPECT_EQ(v, 9999999999999999999u);
  for (const char* bad : {"18446744073709551616", "99999999999999999999", "184467440737095516150",
                          "", "1x", "-1", "+1", " 1", "1844674407370955161x"}) {
    EXPECT_FALSE(parse_uint(bad, v)) << bad;
  }
  uint16_t port = 0;
  EXPECT_TRUE(parse_uint("65535", port));
  EXPECT_EQ(port, 65535);
  EXPECT_FALSE(parse_uint("65536", port));
  EXPECT_FALSE(parse_uint("00000000000000065536", port));
}

}  // namespace
}  // namespace callhome::fw
