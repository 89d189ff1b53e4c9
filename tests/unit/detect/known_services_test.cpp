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

Finding beacon(const char* host, const char* dst, uint16_t port, uint8_t proto, Severity sev,
               bool retry = false) {
  Finding f;
  f.kind = FindingKind::beacon;
  f.host = *Address::parse(host);
  f.severity = sev;
  BeaconDetails d;
  d.dst = dst;
  d.dst_port = port;
  d.proto = proto;
  d.retry_loop = retry;
  f.details = d;
  return f;
}

const BeaconDetails& details(const Finding& f) {
  return std::get<BeaconDetails>(f.details);
}

TEST(KnownServices, NtpIsExplainedNotAccused) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "162.159.200.1", 123, kProtoUdp, Severity::high)};
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::info);
  EXPECT_EQ(details(fs[0]).known_service, "ntp");
  ASSERT_FALSE(fs[0].notes.empty());
  EXPECT_NE(fs[0].notes[0].find("Cloudflare"), std::string::npos) << fs[0].notes[0];
}

TEST(KnownServices, UpdateServicesAreLowAndCdnsCappedAtMedium) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "143.127.1.1", 443, kProtoTcp, Severity::high),
                             beacon("10.0.0.6", "162.159.1.1", 443, kProtoTcp, Severity::high)};
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::low);
  EXPECT_EQ(details(fs[0]).known_service, "update_service");
  EXPECT_EQ(fs[1].severity, Severity::medium);
  EXPECT_FALSE(details(fs[1]).known_service.has_value());
}

TEST(KnownServices, OneUnknownDestinationStaysAndSharedSchedulesAreLowered) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "91.219.236.18", 80, kProtoTcp, Severity::high)};
  for (const char* h : {"10.0.1.1", "10.0.1.2", "10.0.1.3"}) {
    fs.push_back(beacon(h, "198.51.100.7", 8443, kProtoTcp, Severity::high));
  }
  fs.push_back(beacon("10.0.0.9", "198.51.100.7", 8443, kProtoTcp, Severity::high, true));
  explain_known_periodic(fs, FakeLookup());
  EXPECT_EQ(fs[0].severity, Severity::high);
  EXPECT_TRUE(fs[0].notes.empty());
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(fs[i].severity, Severity::low);
    EXPECT_EQ(details(fs[i]).hosts_sharing, 3u);
  }
  EXPECT_EQ(fs[4].severity, Severity::high);  // retry loops are left to the investigation
  EXPECT_FALSE(details(fs[4]).hosts_sharing.has_value());
}

// The findings document writes the post-pass's fields as the attributes it always had, and
// only when they are set.
TEST(KnownServices, TheDocumentWritesKnownServiceAndHostsSharingWhenSet) {
  std::vector<Finding> fs = {beacon("10.0.0.5", "162.159.200.1", 123, kProtoUdp, Severity::high),
                             beacon("10.0.0.6", "91.219.236.18", 80, kProtoTcp, Severity::high)};
  for (const char* h : {"10.0.1.1", "10.0.1.2", "10.0.1.3"}) {
    fs.push_back(beacon(h, "198.51.100.7", 8443, kProtoTcp, Severity::high));
  }
  explain_known_periodic(fs, FakeLookup());
  for (const Finding& f : fs) EXPECT_TRUE(details_fit(f.kind, f.details));
  const nlohmann::json ntp = attributes_json(fs[0]);
  EXPECT_EQ(ntp["known_service"], "ntp");
  EXPECT_EQ(ntp["proto"], "udp");
  EXPECT_EQ(ntp["dst_port"], 123);
  EXPECT_FALSE(ntp.contains("hosts_sharing"));
  const nlohmann::json plain = attributes_json(fs[1]);
  EXPECT_FALSE(plain.contains("known_service"));
  EXPECT_FALSE(plain.contains("hosts_sharing"));
  EXPECT_FALSE(plain.contains("part_of_scan"));
  const nlohmann::json shared = attributes_json(fs[2]);
  EXPECT_EQ(shared["hosts_sharing"], 3);
  EXPECT_TRUE(shared["hosts_sharing"].is_number_unsigned());
  EXPECT_FALSE(shared.contains("known_service"));
}

}  // namespace
}  // namespace callhome
