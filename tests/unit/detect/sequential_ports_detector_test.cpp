#include "detect/sequential_ports_detector.h"

#include <gtest/gtest.h>

#include "detector_test_util.h"

namespace callhome {
namespace {
using testing::conn;

TEST(SequentialPorts, Case2RunsOfBlockedAttemptsAreFound) {
  SequentialPortsDetector d;
  // 13:12:18-13:12:22 ports 2480-2484, an 18 s pause, then 2486-2499 one a second.
  double t = 1163769138;
  for (uint16_t p = 2480; p <= 2484; ++p, t += 1) {
    d.on_connection(
        conn("192.168.0.13", p, "72.246.53.83", 80, t, ConnState::none, Action::blocked));
  }
  t += 18;
  for (uint16_t p = 2486; p <= 2499; ++p, t += 1) {
    d.on_connection(
        conn("192.168.0.13", p, "72.246.53.90", 80, t, ConnState::none, Action::blocked));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<SequentialPortsDetails>(out[0].details);
  EXPECT_EQ(a.max_run, 14u);
  EXPECT_EQ(a.attempts, 19u);
  EXPECT_EQ(a.runs.size(), 2u);

  // The findings document's attributes: the keys ../shared/spec/interface.md lists.
  EXPECT_TRUE(details_fit(out[0].kind, out[0].details));
  const nlohmann::json j = attributes_json(out[0]);
  for (const char* key : {"attempts", "max_run"}) {
    EXPECT_TRUE(j.contains(key)) << "sequential_source_ports lacks " << key;
  }
  EXPECT_EQ(j["runs"][1]["first_port"], 2486);
  EXPECT_EQ(j["runs"][1]["last_port"], 2499);
  EXPECT_EQ(j["dst_ports"], nlohmann::json::array({80}));
}

TEST(SequentialPorts, SuccessfulConnectionsAndShortRunsAreIgnored) {
  SequentialPortsDetector d;
  for (uint16_t p = 3000; p < 3020; ++p) {
    d.on_connection(conn("192.168.0.14", p, "93.184.216.34", 443, p, ConnState::SF));
  }
  for (uint16_t p = 4000; p < 4003; ++p) {
    d.on_connection(conn("192.168.0.14", p, "93.184.216.34", 80, p, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace callhome
