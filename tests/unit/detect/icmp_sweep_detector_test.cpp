#include "detect/icmp_sweep_detector.h"

#include <gtest/gtest.h>

#include "detector_test_util.h"

namespace callhome {
namespace {
using testing::conn;

TEST(IcmpSweep, Case1CraftedEchoesAnsweredByTimeExceeded) {
  IcmpSweepDetector d;
  const char* targets[] = {"204.152.197.197", "130.244.215.233", "202.139.195.203",
                           "202.232.17.87"};
  double t = 100;
  for (const char* dst : targets) {
    d.on_connection(conn("192.168.1.3", 8, dst, 0, t, ConnState::OTH, Action::unknown, kProtoIcmp));
    d.on_connection(
        conn(dst, 11, "192.168.1.3", 0, t + 0.1, ConnState::OTH, Action::unknown, kProtoIcmp));
    t += 1;
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, FindingKind::icmp_sweep);
  EXPECT_EQ(out[0].attributes["targets"], 4);
  EXPECT_EQ(out[0].attributes["replies"]["11/0"], 4);
  EXPECT_EQ(out[0].severity, Severity::medium);
}

TEST(IcmpSweep, PingingOneOrTwoHostsIsNotASweep) {
  IcmpSweepDetector d;
  for (int i = 0; i < 10; ++i) {
    d.on_connection(
        conn("192.168.1.4", 8, "8.8.8.8", 0, i, ConnState::OTH, Action::unknown, kProtoIcmp));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace callhome
