#include "detect/vendor_contact_detector.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <string>

namespace callhome {
namespace {

class FakeLookup : public NoDestinationLookup {
 public:
  NameInfo name(std::string_view host) const override {
    if (host.ends_with("streamcastnetworks.com") || host == "musiccity.com") {
      return {"StreamCast Networks", "p2p_vendor", "maker of Morpheus"};
    }
    if (host.ends_with("duckdns.org")) return {"Duck DNS", "dyndns", "free dynamic DNS"};
    if (host.ends_with("windowsupdate.com")) return {"Microsoft", "update_service", ""};
    return {};
  }
};

HttpEvent proxied(const char* client, const char* host, int status, uint64_t line) {
  HttpEvent e;
  e.ts = 1000 + double(line);
  e.client = *Address::parse(client);
  e.host = host;
  static std::deque<std::string> urls;  // an event's text outlives the call it is made for
  e.url = urls.emplace_back(std::string("http://") + host + "/");
  e.method = "GET";
  e.status = status;
  e.via_proxy = true;
  e.prov = {1, line};
  return e;
}

TEST(VendorContact, P2PVendorNamesThroughTheProxyAreOneFindingWithTheirLines) {
  FakeLookup lookup;
  VendorContactDetector d(NetworkSet::private_ranges(), lookup);
  d.on_http(proxied("192.168.1.3", "musiccity.streamcastnetworks.com", 200, 1));
  d.on_http(proxied("192.168.1.3", "musiccity.com", 503, 2));
  d.on_http(proxied("192.168.1.3", "musiccity.streamcastnetworks.com", 200, 4));
  d.on_http(proxied("192.168.1.3", "www.windowsupdate.com", 200, 5));  // everywhere: not told
  d.on_http(proxied("192.168.1.4", "www.cnn.com", 200, 6));
  d.on_http(proxied("8.8.8.8", "musiccity.com", 200, 7));  // not an internal client
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::vendor_contact);
  EXPECT_EQ(f.host.to_string(), "192.168.1.3");
  const auto& v = std::get<VendorContactDetails>(f.details);
  EXPECT_EQ(v.category, VendorCategory::p2p_vendor);
  EXPECT_EQ(v.requests, 3u);
  EXPECT_EQ(v.failed, 1u);
  ASSERT_FALSE(v.names.empty());
  EXPECT_EQ(v.names[0].name, "musiccity.streamcastnetworks.com");
  EXPECT_EQ(v.names[0].requests, 2u);
  ASSERT_EQ(f.evidence.size(), 3u);
  EXPECT_EQ(f.evidence[1].prov, (Provenance{1, 2}));
  EXPECT_DOUBLE_EQ(f.first_ts, 1001);
  EXPECT_DOUBLE_EQ(f.last_ts, 1004);
}

TEST(VendorContact, DnsQueriesCountPerCategory) {
  FakeLookup lookup;
  VendorContactDetector d(NetworkSet::private_ranges(), lookup);
  DnsEvent q;
  q.client = *Address::parse("10.0.0.9");
  q.query = "home-cam.duckdns.org";
  q.rcode = "NXDOMAIN";
  q.prov = {0, 12};
  d.on_dns(q);
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const auto& v = std::get<VendorContactDetails>(out[0].details);
  EXPECT_EQ(v.category, VendorCategory::dyndns);
  EXPECT_EQ(v.failed, 1u);
  EXPECT_EQ(v.via, std::vector<VendorContactVia>{VendorContactVia::dns});
}

TEST(VendorContact, FindingsCarryVendorDetailsWrittenWithTheDocumentKeys) {
  FakeLookup lookup;
  VendorContactDetector d(NetworkSet::private_ranges(), lookup);
  d.on_http(proxied("192.168.1.3", "musiccity.streamcastnetworks.com", 200, 1));
  d.on_http(proxied("192.168.1.3", "musiccity.streamcastnetworks.com", 200, 3));
  DnsEvent q;
  q.client = *Address::parse("192.168.1.3");
  q.query = "musiccity.com";
  q.prov = {0, 2};
  d.on_dns(q);
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(details_fit(out[0].kind, out[0].details));
  ASSERT_TRUE(std::holds_alternative<VendorContactDetails>(out[0].details));
  const nlohmann::json a = attributes_json(out[0]);
  std::set<std::string> keys;
  for (const auto& [key, value] : a.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"category", "names", "orgs", "requests", "failed", "via",
                                         "methods"}));
  EXPECT_EQ(a["category"], "p2p_vendor");
  EXPECT_EQ(a["names"], nlohmann::json::parse(R"([
      {"name": "musiccity.streamcastnetworks.com", "requests": 2},
      {"name": "musiccity.com", "requests": 1}])"));
  EXPECT_EQ(a["orgs"], nlohmann::json::array({"StreamCast Networks"}));
  EXPECT_EQ(a["via"], nlohmann::json::array({"dns", "proxy"}));
  EXPECT_EQ(a["methods"], nlohmann::json::array({"GET"}));
}

}  // namespace
}  // namespace callhome
