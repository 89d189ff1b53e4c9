#include "detect/flood_detector.h"

#include <gtest/gtest.h>

#include "detector_test_util.h"

namespace callhome {
namespace {
using testing::conn;

TEST(Flood, OneWayBurstToOneTargetIsAFlood) {
  FloodDetector d;
  for (int i = 0; i < 5000; ++i) {
    auto c = conn("192.168.5.20", uint16_t(1024 + i % 60000), "198.51.100.7", 80, 1000 + i * 0.001,
                  ConnState::S0);
    d.on_connection(c);
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].attributes["packets"], 5000);
  EXPECT_GE(out[0].attributes["pps"].get<double>(), 1000);
  EXPECT_GE(out[0].severity, Severity::high);
}

TEST(Flood, ADownloadIsNotAFlood) {
  FloodDetector d;
  auto c = conn("192.168.5.21", 5555, "198.51.100.8", 443, 10, ConnState::SF);
  c.orig_pkts = 20000;
  c.resp_pkts = 40000;
  c.has_duration = true;
  c.duration = 30;
  d.on_connection(c);
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace callhome
