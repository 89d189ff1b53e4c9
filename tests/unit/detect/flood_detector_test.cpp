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
  const auto& a = std::get<FloodDetails>(out[0].details);
  EXPECT_EQ(a.packets, 5000u);
  EXPECT_GE(a.pps, 1000);
  EXPECT_GE(out[0].severity, Severity::high);

  // The findings document's attributes: the keys ../shared/spec/interface.md lists.
  EXPECT_TRUE(details_fit(out[0].kind, out[0].details));
  const nlohmann::json j = attributes_json(out[0]);
  for (const char* key : {"dst", "packets", "pps"}) {
    EXPECT_TRUE(j.contains(key)) << "outbound_flood lacks " << key;
  }
  EXPECT_EQ(j["dst"], "198.51.100.7");
  EXPECT_TRUE(j["pps"].is_number_float());
  EXPECT_EQ(j["protocols"], nlohmann::json::array({"tcp"}));
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
