// Detectors that depend on the site profile: proxy bypass, fan-in, off-hours.
#include <gtest/gtest.h>

#include "detect/fan_in_detector.h"
#include "detect/off_hours_detector.h"
#include "detect/proxy_bypass_detector.h"
#include "detector_test_util.h"

namespace callhome {
namespace {
using testing::conn;

TEST(ProxyBypass, BlockedDirectWebAttemptsBesideProxyUse) {
  ProxyBypassOptions o;
  o.proxies = {{*Address::parse("192.168.0.2"), 8080}};
  ProxyBypassDetector d(o);
  d.on_connection(conn("192.168.0.13", 1500, "192.168.0.2", 8080, 10, ConnState::SF));
  for (int i = 0; i < 5; ++i) {
    d.on_connection(conn("192.168.0.13", uint16_t(2480 + i), "72.246.53.83", 80, 20 + i,
                         ConnState::none, Action::blocked));
  }
  // The proxy itself going out is what it is for.
  for (int i = 0; i < 5; ++i) {
    d.on_connection(
        conn("192.168.0.2", uint16_t(3000 + i), "93.184.216.34", 80, 30 + i, ConnState::SF));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].host.to_string(), "192.168.0.13");
  const auto& a = std::get<ProxyBypassDetails>(out[0].details);
  EXPECT_EQ(a.blocked, 5u);
  EXPECT_EQ(a.uses_proxy_too, true);
  EXPECT_EQ(a.ports, std::vector<uint16_t>{80});
}

TEST(ProxyBypass, ManyDestinationsAreSampledAndSaidToBeMore) {
  ProxyBypassOptions o;
  o.proxies = {{*Address::parse("192.168.0.2"), 8080}};
  ProxyBypassDetector d(o);
  for (int i = 0; i < 300; ++i) {
    const std::string dst = "93.184." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    d.on_connection(conn("192.168.0.13", uint16_t(2000 + i), dst.c_str(), 443, i, ConnState::none,
                         Action::blocked));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<ProxyBypassDetails>(out[0].details);
  EXPECT_EQ(a.attempts, 300u);
  EXPECT_EQ(a.destinations, 256u);
  EXPECT_TRUE(a.more_destinations);
  EXPECT_NE(out[0].summary.find("more than 256 address(es)"), std::string::npos) << out[0].summary;
}

TEST(ProxyBypass, SilentWithoutAProxy) {
  ProxyBypassDetector d(ProxyBypassOptions{});
  for (int i = 0; i < 5; ++i) {
    d.on_connection(
        conn("192.168.0.13", uint16_t(2480 + i), "72.246.53.83", 80, 20 + i, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(FanIn, ManyHostsFailingTowardsOneNetworkAreLinked) {
  FanInDetector d(FanInOptions{});
  for (int h = 10; h < 14; ++h) {
    std::string host = "192.168.0." + std::to_string(h);
    for (int k = 0; k < 3; ++k) {
      d.on_connection(conn(host.c_str(), uint16_t(2000 + k), "72.246.53.81", 80, h * 10 + k,
                           ConnState::none, Action::blocked));
    }
  }
  // Hosts that failed once or twice: chance, not part of the pattern.
  d.on_connection(conn("192.168.0.50", 2000, "72.246.53.81", 80, 5, ConnState::S0));
  d.on_connection(conn("192.168.0.51", 2000, "72.246.53.82", 80, 6, ConnState::S0));
  d.on_connection(conn("192.168.0.51", 2001, "72.246.53.82", 80, 7, ConnState::S0));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 4u);
  const auto& a = std::get<FanInDetails>(out[0].details);
  EXPECT_EQ(a.org, "72.246.53.0/24");
  EXPECT_EQ(attributes_json(out[0])["hosts"], 4);  // the size of host_list
  EXPECT_EQ(a.host_list.size(), 4u);
  EXPECT_EQ(a.attempts, 3u);
  for (const auto& f : out) EXPECT_NE(f.host.to_string().substr(0, 11), "192.168.0.5");
}

TEST(FanIn, OneFailurePerHostIsNoPattern) {
  FanInDetector d(FanInOptions{});
  for (int h = 10; h < 40; ++h) {
    std::string host = "192.168.0." + std::to_string(h);
    d.on_connection(conn(host.c_str(), 2000, "72.246.53.81", 443, h, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(OffHours, ActivityInsideTheIdleWindow) {
  OffHoursOptions o;
  o.unattended = [](double ts) -> std::optional<std::string> {
    if (ts >= 1000 && ts < 2000) return "idle Mon-Fri 08:00-15:30";
    return std::nullopt;
  };
  OffHoursDetector d(o);
  for (int i = 0; i < 4; ++i) {
    d.on_connection(conn("192.168.1.3", 1100, "128.2.10.11", 1214, 1500 + i, ConnState::S0));
    d.on_connection(conn("192.168.1.4", 1100, "128.2.10.11", 1214, 2500 + i, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].host.to_string(), "192.168.1.3");
  EXPECT_EQ(std::get<OffHoursDetails>(out[0].details).connections, 4u);
}

// Each finding carries the typed details the kind table names, and the findings document's
// attributes have the keys ../shared/spec/interface.md lists for the kind.
void expect_spec_attributes(const Finding& f, std::initializer_list<const char*> keys) {
  EXPECT_TRUE(details_fit(f.kind, f.details)) << to_string(f.kind);
  EXPECT_FALSE(std::holds_alternative<std::monostate>(f.details)) << to_string(f.kind);
  const nlohmann::json a = attributes_json(f);
  for (const char* key : keys)
    EXPECT_TRUE(a.contains(key)) << to_string(f.kind) << " lacks " << key;
}

TEST(ProxyBypass, DetailsFitTheKindAndWriteTheSpecAttributes) {
  ProxyBypassOptions o;
  o.proxies = {{*Address::parse("192.168.0.2"), 8080}};
  ProxyBypassDetector d(o);
  for (int i = 0; i < 5; ++i) {
    d.on_connection(conn("192.168.0.13", uint16_t(2480 + i), "72.246.53.83", 80, 20 + i,
                         ConnState::none, Action::blocked));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<ProxyBypassDetails>(out[0].details));
  expect_spec_attributes(out[0], {"ports", "destinations", "blocked", "dst_orgs"});
  const nlohmann::json a = attributes_json(out[0]);
  EXPECT_EQ(a["ports"], nlohmann::json::array({80}));
  EXPECT_EQ(a["sample_targets"], nlohmann::json::array({"72.246.53.83"}));
  EXPECT_EQ(a["dst_orgs"], nlohmann::json::array());
}

TEST(FanIn, DetailsFitTheKindAndWriteTheSpecAttributes) {
  FanInDetector d(FanInOptions{});
  for (int h = 10; h < 14; ++h) {
    std::string host = "192.168.0." + std::to_string(h);
    for (int k = 0; k < 3; ++k) {
      d.on_connection(conn(host.c_str(), uint16_t(2000 + k), "72.246.53.81", 80, h * 10 + k,
                           ConnState::none, Action::blocked));
    }
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 4u);
  for (const Finding& f : out) {
    ASSERT_TRUE(std::holds_alternative<FanInDetails>(f.details));
    expect_spec_attributes(f, {"org", "port", "hosts", "host_list"});
    const nlohmann::json a = attributes_json(f);
    EXPECT_EQ(a["hosts"], a["host_list"].size());
    EXPECT_EQ(a["host_list"][0], "192.168.0.10");
    EXPECT_EQ(a["port"], 80);
  }
}

TEST(OffHours, DetailsFitTheKindAndWriteTheSpecAttributes) {
  OffHoursOptions o;
  o.unattended = [](double) -> std::optional<std::string> { return "idle Mon-Fri 08:00-15:30"; };
  OffHoursDetector d(o);
  for (int i = 0; i < 4; ++i) {
    d.on_connection(conn("192.168.1.3", 1100, "128.2.10.11", 1214, 1500 + i, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<OffHoursDetails>(out[0].details));
  expect_spec_attributes(out[0], {"connections", "window"});
  EXPECT_EQ(attributes_json(out[0])["window"], "idle Mon-Fri 08:00-15:30");
}

}  // namespace
}  // namespace callhome
