#include "cli/suggest.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

TEST(Suggest, EditDistanceCountsASwapAsOneEdit) {
  EXPECT_EQ(edit_distance("analyze", "analyze"), 0u);
  EXPECT_EQ(edit_distance("analyse", "analyze"), 1u);
  EXPECT_EQ(edit_distance("anaylze", "analyze"), 1u);
  EXPECT_EQ(edit_distance("", "conn"), 4u);
}

TEST(Suggest, ClosestIsNearOrAnUnambiguousBeginning) {
  const std::vector<std::string> options = {"--json", "--site", "--fail-on", "--format", "-o"};
  EXPECT_EQ(closest("--jsn", options), "--json");
  EXPECT_EQ(closest("--stie", options), "--site");
  EXPECT_EQ(closest("--fail", options), "--fail-on");
  EXPECT_EQ(closest("--f", options), "") << "the beginning of two";
  EXPECT_EQ(closest("-x", options), "") << "a letter off a one-letter option is no slip";
  EXPECT_EQ(closest("--frobnicate", options), "");
}

}  // namespace
}  // namespace callhome
