// Beacon findings whose attempts are retries within a sweep of the same port are marked part of
// the scan and lowered to info; others keep their severity and have no such mark.
#include "detect/scan_retries.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

Finding sweep(const char* host, uint16_t port) {
  Finding f;
  f.kind = FindingKind::outbound_scan;
  f.host = *Address::parse(host);
  f.severity = Severity::high;
  f.details = ScanDetails{.scan_type = ScanShape::horizontal, .proto = kProtoTcp, .port = port};
  return f;
}

Finding beacon(const char* host, uint16_t port, bool retry) {
  Finding f;
  f.kind = FindingKind::beacon;
  f.host = *Address::parse(host);
  f.severity = Severity::high;
  BeaconDetails d;
  d.dst = "198.51.100.7";
  d.dst_port = port;
  d.proto = kProtoTcp;
  d.retry_loop = retry;
  f.details = d;
  return f;
}

TEST(ScanRetries, RetriesWithinASweepArePartOfTheScan) {
  std::vector<Finding> fs = {sweep("10.0.0.5", 445), beacon("10.0.0.5", 445, true),
                             beacon("10.0.0.5", 443, true), beacon("10.0.0.5", 445, false),
                             beacon("10.0.0.6", 445, true)};
  explain_scan_retries(fs);
  const auto& part = std::get<BeaconDetails>(fs[1].details);
  EXPECT_TRUE(part.part_of_scan);
  EXPECT_EQ(fs[1].severity, Severity::info);
  ASSERT_EQ(fs[1].notes.size(), 1u);
  EXPECT_NE(fs[1].notes[0].find("445/tcp"), std::string::npos) << fs[1].notes[0];
  for (size_t i = 2; i < fs.size(); ++i) {  // another port, no retry loop, another host
    EXPECT_FALSE(std::get<BeaconDetails>(fs[i].details).part_of_scan) << i;
    EXPECT_EQ(fs[i].severity, Severity::high) << i;
  }
  // The document writes the mark only when it is set.
  EXPECT_TRUE(details_fit(fs[1].kind, fs[1].details));
  EXPECT_EQ(attributes_json(fs[1])["part_of_scan"], true);
  EXPECT_FALSE(attributes_json(fs[2]).contains("part_of_scan"));
}

}  // namespace
}  // namespace callhome
