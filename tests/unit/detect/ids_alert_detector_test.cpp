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
  EXPECT_EQ(out[0].attributes["alerts"], 3);
  EXPECT_EQ(out[0].attributes["sid"], 2001234);
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
    const std::string direction = f.attributes.value("direction", "");
    inbound += direction == "inbound";
    outbound += direction == "outbound";
    if (direction == "inbound") {
      EXPECT_EQ(f.first_ts, 100);
    }
  }
  EXPECT_EQ(inbound, 1u);
  EXPECT_EQ(outbound, 1u);
}

}  // namespace
}  // namespace callhome
