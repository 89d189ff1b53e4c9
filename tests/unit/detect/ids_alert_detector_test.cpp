#include "detect/ids_alert_detector.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

TEST(IdsAlert, AlertsGroupPerHostAndSignature) {
  IdsAlertDetector d;
  for (int i = 0; i < 3; ++i) {
    AlertEvent a;
    a.ts = 100 + i;
    a.src = *Address::parse("192.168.1.3");
    a.dst = *Address::parse("206.142.53.27");
    a.gid = 1;
    a.sid = 2001234;
    a.signature = "ET P2P Kazaa over UDP";
    a.priority = 2;
    a.prov = {1, uint64_t(10 + i)};
    d.on_alert(a);
  }
  AlertEvent outside;
  outside.src = *Address::parse("1.2.3.4");
  outside.dst = *Address::parse("5.6.7.8");
  d.on_alert(outside);
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<IdsAlertDetails>(out[0].details);
  EXPECT_EQ(a.alerts, 3u);
  EXPECT_EQ(a.sid, 2001234u);
  EXPECT_EQ(out[0].severity, Severity::medium);
  EXPECT_EQ(out[0].evidence.size(), 3u);
  EXPECT_EQ(out[0].evidence[0].prov.ref, 10u);
}

// An outsider's exploit attempt against an internal host is an attack on it: the finding is the
// host's, but marked inbound, and kept apart from the host's own alert of the same signature.
TEST(IdsAlert, AlertWithTheInternalHostAsDestinationIsInbound) {
  IdsAlertDetector d;
  AlertEvent in;
  in.ts = 100;
  in.src = *Address::parse("203.0.113.9");
  in.dst = *Address::parse("192.168.1.3");
  in.gid = 1;
  in.sid = 2024897;
  in.signature = "ET EXPLOIT Apache Struts RCE attempt";
  in.priority = 1;
  d.on_alert(in);
  AlertEvent out = in;
  std::swap(out.src, out.dst);
  out.ts = 200;
  d.on_alert(out);
  std::vector<Finding> fs;
  d.finish(fs);
  ASSERT_EQ(fs.size(), 2u);
  size_t inbound = 0, outbound = 0;
  for (const auto& f : fs) {
    EXPECT_EQ(f.kind, FindingKind::ids_alert);
    EXPECT_EQ(f.host.to_string(), "192.168.1.3");
    const Direction direction = std::get<IdsAlertDetails>(f.details).direction;
    inbound += direction == Direction::inbound;
    outbound += direction == Direction::outbound;
    if (direction == Direction::inbound) {
      EXPECT_EQ(f.first_ts, 100);
    }
  }
  EXPECT_EQ(inbound, 1u);
  EXPECT_EQ(outbound, 1u);
}

// The findings document's attributes: the typed details the kind table names, with the keys
// ../shared/spec/interface.md lists, and the direction written by name.
TEST(IdsAlert, DetailsFitTheKindAndWriteTheSpecAttributes) {
  IdsAlertDetector d;
  AlertEvent a;
  a.ts = 100;
  a.src = *Address::parse("192.168.1.3");
  a.dst = *Address::parse("192.168.1.4");
  a.sid = 2001234;
  a.signature = "ET P2P Kazaa over UDP";
  a.priority = 2;
  d.on_alert(a);
  d.on_alert(a);
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  ASSERT_TRUE(std::holds_alternative<IdsAlertDetails>(f.details));
  EXPECT_TRUE(details_fit(f.kind, f.details));
  const nlohmann::json j = attributes_json(f);
  for (const char* key : {"signature", "sid"}) {
    EXPECT_TRUE(j.contains(key)) << "ids_alert lacks " << key;
  }
  EXPECT_EQ(j["signature"], "ET P2P Kazaa over UDP");
  EXPECT_EQ(j["sid"], 2001234);
  EXPECT_EQ(j["direction"], "internal");
  EXPECT_EQ(j["peers"], (nlohmann::json{{"192.168.1.4", 2}}));
}

}  // namespace
}  // namespace callhome
