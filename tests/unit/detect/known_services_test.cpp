#include "detect/known_services.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

class FakeLookup : public DestinationLookup {
 public:
  DestinationInfo destination(const Address& a) const override {
    const std::string s = a.to_string();
    if (s.rfind("162.159.", 0) == 0) return {13335, "Cloudflare", "US", "cdn", {}, false};
    if (s.rfind("143.127.", 0) == 0) return {0, "Symantec", "US", "update_service", {}, false};
    return {};
  }
  PortInfo port(uint16_t port, uint8_t proto) const override {
    if (port == 123 && proto == kProtoUdp) return {"ntp", "time", "Network Time Protocol"};
    return {};
  }
};

Finding beacon(const char* host, const char* dst, int port, const char* proto, Severity sev,
               bool retry = false) {
  Finding f;
  f.kind = FindingKind::beacon;
  f.host = *Address::parse(host);
  f.severity = sev;
  f.attributes = {{"dst", dst}, {"dst_port", port}, {"proto", proto}, {"retry_loop", retry}};
  return f;
}

TEST(KnownServices, NtpIsExplainedNotAccused) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "162.159.200.1", 123, "udp", Severity::high)};
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::info);
  EXPECT_EQ(fs[0].attributes["known_service"], "ntp");
  ASSERT_FALSE(fs[0].notes.empty());
  EXPECT_NE(fs[0].notes[0].find("Cloudflare"), std::string::npos) << fs[0].notes[0];
}

TEST(KnownServices, UpdateServicesAreLowAndCdnsCappedAtMedium) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "143.127.1.1", 443, "tcp", Severity::high),
                             beacon("10.0.0.6", "162.159.1.1", 443, "tcp", Severity::high)};
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::low);
  EXPECT_EQ(fs[0].attributes["known_service"], "update_service");
  EXPECT_EQ(fs[1].severity, Severity::medium);
  EXPECT_FALSE(fs[1].attributes.contains("known_service"));
}

TEST(KnownServices, OneUnknownDestinationStaysAndSharedSchedulesAreLowered) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "91.219.236.18", 80, "tcp", Severity::high)};
  for (const char* h : {"10.0.1.1", "10.0.1.2", "10.0.1.3"}) {
    fs.push_back(beacon(h, "198.51.100.7", 8443, "tcp", Severity::high));
  }
  fs.push_back(beacon("10.0.0.9", "198.51.100.7", 8443, "tcp", Severity::high, true));
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::high);
  EXPECT_TRUE(fs[0].notes.empty());
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(fs[i].severity, Severity::low);
    EXPECT_EQ(fs[i].attributes["hosts_sharing"], 3);
  }
  EXPECT_EQ(fs[4].severity, Severity::high);  // retry loops are left to the investigation
}

}  // namespace
}  // namespace callhome
