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
  const auto& a = std::get<PortFallbackDetails>(out[0].details);
  EXPECT_EQ(a.ports, (std::vector<uint16_t>{1214, 80, 8080}));
  EXPECT_EQ(a.succeeded_port, 8080);
  EXPECT_EQ(a.dst.to_string(), "206.142.53.27");
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
  d.on_connection(conn("10.1.1.1", 2, "203.0.113.9", 80, 2, ConnState::S0));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(std::get<PortFallbackDetails>(out[0].details).succeeded_port.has_value());
  EXPECT_EQ(out[0].severity, Severity::medium);
}

TEST(PortFallback, DetailsFitTheKindAndWriteTheSpecAttributes) {
  for (bool success : {true, false}) {
    PortFallbackDetector d;
    d.on_connection(conn("192.168.1.3", 1200, "206.142.53.27", 1214, 60, ConnState::REJ));
    d.on_connection(conn("192.168.1.3", 1201, "206.142.53.27", 80, 61,
                         success ? ConnState::SF : ConnState::S0));
    std::vector<Finding> out;
    d.finish(out);
    ASSERT_EQ(out.size(), 1u);
    const Finding& f = out[0];
    ASSERT_TRUE(std::holds_alternative<PortFallbackDetails>(f.details));
    EXPECT_TRUE(details_fit(f.kind, f.details));
    const nlohmann::json a = attributes_json(f);
    for (const char* key : {"dst", "ports", "succeeded_port"}) {
      EXPECT_TRUE(a.contains(key)) << "port_fallback lacks " << key;
    }
    EXPECT_EQ(a["dst"], "206.142.53.27");
    EXPECT_EQ(a["ports"], nlohmann::json::array({1214, 80}));
    // The spec: null if none succeeded.
    EXPECT_EQ(a["succeeded_port"], success ? nlohmann::json(80) : nlohmann::json(nullptr));
  }
}

TEST(PortFallback, AnotherUnusualPortIsNoWayOut) {
  PortFallbackDetector d;  // a P2P client trying a peer's second listening port
  d.on_connection(conn("10.0.2.15", 1, "113.252.86.162", 54958, 1, ConnState::S0));
  d.on_connection(conn("10.0.2.15", 2, "113.252.86.162", 9239, 2, ConnState::SF));
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(PortFallback, ManyPortsOnOneHostAreAScanNotAFallback) {
  PortFallbackDetector d;
  uint16_t ports[] = {5900, 21, 3389, 53, 8888, 1720, 995, 3306, 8080, 1025, 113, 22};
  double t = 1;
  for (uint16_t p : ports) {
    d.on_connection(conn("192.168.1.9", 40000, "45.33.32.156", p, t, ConnState::REJ));
    t += 0.01;
  }
  d.on_connection(conn("192.168.1.9", 40001, "45.33.32.156", 80, t, ConnState::SF));
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace callhome
