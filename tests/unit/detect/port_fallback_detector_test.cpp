#include "detect/port_fallback_detector.h"

#include <gtest/gtest.h>

#include "detector_test_util.h"

namespace callhome {
namespace {
using testing::conn;

TEST(PortFallback, Case1LabFrom1214To80To8080) {
  PortFallbackDetector d;
  d.on_connection(conn("192.168.1.3", 1200, "206.142.53.27", 1214, 60, ConnState::REJ));
  d.on_connection(conn("192.168.1.3", 1201, "206.142.53.27", 80, 61, ConnState::S0));
  d.on_connection(conn("192.168.1.3", 1202, "206.142.53.27", 8080, 72, ConnState::SF));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].attributes["ports"], (std::vector<int>{1214, 80, 8080}));
  EXPECT_EQ(out[0].attributes["succeeded_port"], 8080);
  EXPECT_EQ(out[0].attributes["dst"], "206.142.53.27");
  EXPECT_EQ(out[0].severity, Severity::high);
}

TEST(PortFallback, NoFailureMeansNoFallback) {
  PortFallbackDetector d;
  d.on_connection(conn("192.168.1.3", 1200, "93.184.216.34", 443, 1, ConnState::SF));
  d.on_connection(conn("192.168.1.3", 1201, "93.184.216.34", 80, 2, ConnState::SF));
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(PortFallback, GivingUpIsReportedWithoutASucceededPort) {
  PortFallbackDetector d;
  d.on_connection(conn("10.1.1.1", 1, "203.0.113.9", 6346, 1, ConnState::S0));
  d.on_connection(conn("10.1.1.1", 2, "203.0.113.9", 6347, 2, ConnState::S0));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].attributes["succeeded_port"].is_null());
  EXPECT_EQ(out[0].severity, Severity::medium);
}

}  // namespace
}  // namespace callhome
