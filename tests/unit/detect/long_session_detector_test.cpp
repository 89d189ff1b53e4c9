#include "detect/long_session_detector.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

// Knows the ports and owners the cases below need, as data/ports.tsv and data/asns.tsv do.
class FakeLookup : public NoDestinationLookup {
 public:
  DestinationInfo destination(const Address& a) const override {
    if (a.to_string().starts_with("142.250.")) return {15169, "Google", "US", "cloud", {}};
    if (a.to_string().starts_with("17.")) return {714, "Apple", "US", "os_vendor", {}};
    if (a.to_string() == "104.244.42.2") return {0, "", "", "", {"api.twitter.com"}};
    return {};
  }
  PortInfo port(uint16_t port, uint8_t) const override {
    if (port == 443) return {"https", "web", "HTTP over TLS"};
    if (port == 5223) return {"apns", "push_service", "Apple Push Notification service"};
    if (port == 53) return {"dns", "dns", "Domain Name System"};
    if (port == 1337) return {"leet", "commonly_abused", "No standard service"};
    return {};
  }
};

Connection session(const char* dst, uint16_t dport, double ts, double duration, uint64_t sent,
                   uint64_t received, ConnState state = ConnState::SF) {
  Connection c = conn("10.8.0.61", 40000, dst, dport, ts, state);
  c.has_duration = true;
  c.duration = duration;
  c.has_bytes = true;
  c.orig_bytes = sent;
  c.resp_bytes = received;
  return c;
}

std::vector<Finding> run(const std::vector<Connection>& conns) {
  FakeLookup lookup;
  LongSessionOptions opt;
  opt.lookup = &lookup;
  LongSessionDetector d(opt);
  for (const auto& c : conns) d.on_connection(c);
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

TEST(LongSession, ExfilOverALeetPortIsHigh) {
  // The shape of c2-androidtester-rat-exfil: two long control sessions, three bulk uploads,
  // reconnects reset by the server.
  std::vector<Connection> conns = {
      session("147.32.83.234", 1337, 1000, 1831, 100227, 2884, ConnState::S1),
      session("147.32.83.234", 1337, 3000, 2362, 952235, 2835, ConnState::RSTR),
      session("147.32.83.234", 1337, 3100, 90, 19305489, 56, ConnState::RSTR),
      session("147.32.83.234", 1337, 3200, 79, 7662204, 49, ConnState::RSTR),
      session("147.32.83.234", 1337, 3300, 30, 13928610, 21, ConnState::RSTR),
  };
  for (int i = 0; i < 6; ++i) {
    conns.push_back(session("147.32.83.234", 1337, 5300 + 20 * i, 1, 3000, 0, ConnState::RSTR));
  }
  const auto out = run(conns);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::long_session);
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.host.to_string(), "10.8.0.61");
  const auto& d = std::get<LongSessionDetails>(f.details);
  EXPECT_EQ(d.dst.to_string(), "147.32.83.234");
  EXPECT_EQ(d.dst_port, 1337);
  EXPECT_EQ(d.proto, kProtoTcp);
  EXPECT_EQ(d.connections, 11u);
  EXPECT_EQ(d.resets, 10u);
  EXPECT_EQ(d.orig_bytes, 41966765u);
  EXPECT_NEAR(d.longest_s, 2362, 1e-6);
  EXPECT_GT(d.upload_ratio, 1000);
  EXPECT_TRUE(d.bulk_upload);
  EXPECT_FALSE(f.evidence.empty());
  EXPECT_EQ(f.evidence[0].prov, (Provenance{0, 1000}));
}

TEST(LongSession, LongPushSessionsToABigPlatformAreNotAccused) {
  const auto out = run({
      session("17.57.146.10", 5223, 1000, 20000, 80000, 120000),   // APNs, 5.5 h
      session("142.250.74.14", 443, 1000, 40000, 300000, 900000),  // Google, 11 h
  });
  for (const auto& f : out) EXPECT_LE(f.severity, Severity::low) << f.summary;
  EXPECT_TRUE(out.empty());
}

TEST(LongSession, BulkUploadToABigPlatformOnAWebPortStaysLow) {
  const auto out = run({session("142.250.74.14", 443, 1000, 600, 30'000'000, 100'000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::low);
}

TEST(LongSession, OnAWebPortLengthCountsOnlyTowardANamelessServer) {
  auto out = run({session("104.244.42.2", 443, 1000, 14000, 80000, 900000)});  // named
  EXPECT_TRUE(out.empty());
  out = run({session("198.51.100.20", 443, 1000, 14000, 80000, 900000)});  // never named
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::low);
}

TEST(LongSession, BulkUploadOnAWebPortIsMediumOnlyTowardANamelessServer) {
  auto out = run({session("104.244.42.2", 443, 1000, 600, 12'000'000, 400'000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::low);
  out = run({session("198.51.100.20", 443, 1000, 600, 12'000'000, 400'000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::medium);
}

TEST(LongSession, ShortAndTwoWayTrafficIsNotASession) {
  const auto out = run({
      session("203.0.113.7", 9000, 1000, 60, 1000, 2000),
      session("203.0.113.7", 9000, 2000, 60, 1000, 2000),
      session("198.51.100.9", 3478, 1000, 900, 400'000'000, 800'000'000),  // a call: two-way
      session("8.8.8.8", 53, 1000, 90000, 100000, 100000),                 // DNS: not ours
  });
  EXPECT_TRUE(out.empty());
}

TEST(LongSession, LongSessionOnAnUnregisteredPortIsLow) {
  const auto out = run({session("203.0.113.7", 4444, 1000, 2400, 50000, 60000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::low);
  EXPECT_TRUE(std::get<LongSessionDetails>(out[0].details).long_lived);
}

TEST(LongSession, DestinationsPerHostAreCappedAndSaySo) {
  FakeLookup lookup;
  LongSessionOptions opt;
  opt.lookup = &lookup;
  opt.max_destinations_per_host = 2;
  LongSessionDetector d(opt);
  d.on_connection(session("203.0.113.1", 4444, 1000, 4000, 1, 1));
  d.on_connection(session("203.0.113.2", 4444, 1000, 10, 1, 1));
  d.on_connection(session("203.0.113.3", 4444, 1000, 4000, 1, 1));  // over the cap
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<LongSessionDetails>(out[0].details).dst.to_string(), "203.0.113.1");
  bool noted = false;
  for (const auto& n : out[0].notes) noted |= n.find("cap reached") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(LongSession, FindingsCarryLongSessionDetailsWrittenWithTheDocumentKeys) {
  const auto out = run({
      session("147.32.83.234", 1337, 1000, 90, 19305489, 56),       // a leet port: service
      session("142.250.1.1", 443, 1000, 60, 30'000'000, 100'000),   // Google: service, org
      session("104.244.42.2", 443, 1000, 60, 30'000'000, 100'000),  // named: service, names
      session("203.0.113.7", 4444, 1000, 2400, 50000, 60000),       // none of them
  });
  ASSERT_EQ(out.size(), 4u);
  const std::set<std::string> base = {
      "dst",        "dst_port",   "proto",        "connections", "total_duration_s", "longest_s",
      "orig_bytes", "resp_bytes", "upload_ratio", "resets",      "bulk_upload",      "long_lived"};
  const std::map<std::string, std::set<std::string>> extra = {
      {"147.32.83.234", {"service"}},
      {"142.250.1.1", {"service", "dst_org"}},
      {"104.244.42.2", {"service", "dst_names"}},
      {"203.0.113.7", {}},
  };
  for (const Finding& f : out) {
    EXPECT_TRUE(details_fit(f.kind, f.details));
    ASSERT_TRUE(std::holds_alternative<LongSessionDetails>(f.details));
    const nlohmann::json a = attributes_json(f);
    const std::string dst = a["dst"];
    std::set<std::string> expected = base;
    expected.insert(extra.at(dst).begin(), extra.at(dst).end());
    std::set<std::string> keys;
    for (const auto& [key, value] : a.items()) keys.insert(key);
    EXPECT_EQ(keys, expected) << dst;
    EXPECT_EQ(a["proto"], "tcp");
    if (dst == "104.244.42.2") {
      EXPECT_EQ(a["dst_names"], nlohmann::json::array({"api.twitter.com"}));
    } else if (dst == "142.250.1.1") {
      EXPECT_EQ(a["dst_org"], "Google");
    }
  }
}

}  // namespace
}  // namespace callhome
