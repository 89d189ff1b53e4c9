#include "flow/seq_coverage.h"

#include <gtest/gtest.h>

#include <vector>

namespace callhome {
namespace {

std::vector<uint64_t> ack(SeqCoverage& s, uint64_t to) {
  std::vector<uint64_t> gaps;
  s.ack(to, [&](uint64_t n) { gaps.push_back(n); });
  return gaps;
}

TEST(SeqCoverage, InOrderDataLeavesNoGap) {
  SeqCoverage s;
  s.reset();
  s.data(1, 100);
  s.data(101, 50);
  EXPECT_EQ(s.horizon(), 151u);
  EXPECT_TRUE(ack(s, 151).empty());
}

TEST(SeqCoverage, DataAboveAHoleIsAbsorbedWhenTheHoleFills) {
  SeqCoverage s;
  s.reset();
  s.data(201, 100);
  s.data(301, 100);  // grows the range above the hole
  EXPECT_TRUE(s.has_range());
  EXPECT_EQ(s.horizon(), 1u);
  s.data(1, 200);
  EXPECT_FALSE(s.has_range());
  EXPECT_EQ(s.horizon(), 401u);
}

TEST(SeqCoverage, AckReportsTheHoleBelowTheRangeAndTheOneAboveIt) {
  SeqCoverage s;
  s.reset();
  s.data(1, 100);
  s.data(201, 100);
  EXPECT_EQ(ack(s, 501), (std::vector<uint64_t>{100, 200}));
  EXPECT_EQ(s.horizon(), 501u);
}

TEST(SeqCoverage, AckBelowTheRangeKeepsIt) {
  SeqCoverage s;
  s.reset();
  s.data(301, 100);
  EXPECT_EQ(ack(s, 101), (std::vector<uint64_t>{100}));
  EXPECT_TRUE(s.has_range());
  EXPECT_EQ(ack(s, 401), (std::vector<uint64_t>{200}));
  EXPECT_FALSE(s.has_range());
}

// The range keeps only the low 32 bits of its bounds: it must still read right where the
// relative sequence numbers pass 2^32 (a transfer of more than 4 GiB).
TEST(SeqCoverage, RangeAcrossTheFourGigabyteMark) {
  SeqCoverage s;
  s.reset();
  const uint64_t base = (uint64_t(1) << 32) - 50;
  s.data(1, base - 1);
  ASSERT_EQ(s.horizon(), base);
  s.data(base + 100, 100);  // straddles nothing, lies past 2^32
  EXPECT_EQ(ack(s, base + 300), (std::vector<uint64_t>{100, 100}));
  s.data(base + 300, 10);
  EXPECT_EQ(s.horizon(), base + 310);
}

// Sequence numbers 2^31 or more above what was seen are junk, not data above a hole.
TEST(SeqCoverage, DataFarAboveTheHorizonIsNotKept) {
  SeqCoverage s;
  s.reset();
  s.data(uint64_t(1) << 31, 100);
  EXPECT_FALSE(s.has_range());
}

}  // namespace
}  // namespace callhome
