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

}  // namespace
}  // namespace callhome
