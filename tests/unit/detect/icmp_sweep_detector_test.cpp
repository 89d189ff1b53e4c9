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
  const auto& a = std::get<IcmpSweepDetails>(out[0].details);
  EXPECT_EQ(a.targets, 4u);
  EXPECT_EQ(a.replies.at("11/0"), 4u);
  EXPECT_EQ(out[0].severity, Severity::medium);
}

TEST(IcmpSweep, DetailsFitTheKindAndWriteTheSpecAttributes) {
  IcmpSweepDetector d;
  for (int i = 0; i < 5; ++i) {
    const std::string dst = "198.51.100." + std::to_string(i + 1);
    d.on_connection(
        conn("10.0.0.5", 8, dst.c_str(), 0, i, ConnState::OTH, Action::unknown, kProtoIcmp));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  ASSERT_TRUE(std::holds_alternative<IcmpSweepDetails>(f.details));
  EXPECT_TRUE(details_fit(f.kind, f.details));
  const nlohmann::json a = attributes_json(f);
  for (const char* key : {"targets", "packets", "replies"}) {
    EXPECT_TRUE(a.contains(key)) << "icmp_sweep lacks " << key;
  }
  EXPECT_TRUE(a["replies"].is_object());
  EXPECT_EQ(a["targets"], 5);
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
