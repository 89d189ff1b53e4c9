#include "detect/scan_detector.h"

#include <gtest/gtest.h>

#include <set>

namespace callhome {
namespace {

Connection attempt(const char* src, const char* dst, uint16_t port, double ts, ConnState state,
                   Action action = Action::unknown) {
  Connection c;
  c.ts = ts;
  c.orig_h = *Address::parse(src);
  c.resp_h = *Address::parse(dst);
  c.orig_p = 1100;
  c.resp_p = port;
  c.ip_proto = kProtoTcp;
  c.state = state;
  c.action = action;
  c.history = state == ConnState::S0 ? "S" : state == ConnState::REJ ? "Sr" : "ShADadFf";
  c.has_counts = true;
  c.orig_pkts = 1;
  c.first = c.last = Provenance{0, uint64_t(ts * 10)};
  return c;
}

TEST(ScanDetector, Case1ThirtyThreeSynsToElevenHostsIsOneHighFinding) {
  const char* targets[] = {"128.2.10.11", "128.2.10.12",  "131.155.140.6", "130.237.222.71",
                           "142.104.6.1", "128.232.0.20", "134.76.10.46",  "24.141.7.32",
                           "194.72.9.34", "129.79.5.100", "138.38.32.14"};
  ScanDetector d;
  double t = 1000;
  for (int round = 0; round < 3; ++round) {
    for (const char* dst : targets) {
      d.on_connection(attempt("192.168.1.3", dst, 1214, t, ConnState::S0));
      t += 1.0;
    }
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::outbound_scan);
  EXPECT_EQ(f.severity, Severity::high);
  const auto& a = std::get<ScanDetails>(f.details);
  EXPECT_EQ(a.scan_type, ScanShape::horizontal);
  EXPECT_EQ(a.port, 1214);
  EXPECT_EQ(a.targets, 11u);
  EXPECT_EQ(a.packets, 33u);
  EXPECT_EQ(a.answered, 0u);
  EXPECT_DOUBLE_EQ(a.duration_s, 32.0);
  EXPECT_EQ(f.host.to_string(), "192.168.1.3");
  EXPECT_FALSE(f.evidence.empty());
}

TEST(ScanDetector, Case2BlockedRetriesToOneCdnRangeAreNotAMediumScan) {
  ScanDetector d;
  double t = 2000;
  for (int i = 0; i < 19; ++i) {
    std::string dst = "72.246.53." + std::to_string(80 + i % 17);
    d.on_connection(attempt("192.168.0.13", dst.c_str(), 80, t, ConnState::none, Action::blocked));
    t += 1.0;
  }
  std::vector<Finding> out;
  d.finish(out);
  for (const auto& f : out) {
    EXPECT_LT(f.severity, Severity::medium) << f.summary;
    EXPECT_FALSE(f.notes.empty());
  }
}

TEST(ScanDetector, HourlyRetriesOfOnePoolAreOneFindingThatCountsTheEpisodes) {
  ScanDetector d;
  for (int hour = 0; hour < 6; ++hour) {
    double t = 2000 + 3600.0 * hour;
    for (int i = 0; i < 19; ++i) {
      std::string dst = "72.246.53." + std::to_string(80 + (hour + i) % 17);
      d.on_connection(
          attempt("192.168.0.13", dst.c_str(), 80, t, ConnState::none, Action::blocked));
      t += 1.0;
    }
  }
  d.on_connection(attempt("192.168.0.13", "8.8.8.8", 53, 90000, ConnState::S0));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.severity, Severity::low);
  const auto& a = std::get<ScanDetails>(f.details);
  EXPECT_EQ(a.episodes, 6u);
  EXPECT_EQ(a.attempts, 6u * 19);
  EXPECT_EQ(a.targets, 17u);
  EXPECT_DOUBLE_EQ(f.first_ts, 2000);
  EXPECT_DOUBLE_EQ(f.last_ts, 2000 + 3600.0 * 5 + 18);
  EXPECT_NE(f.summary.find("6 separate episodes"), std::string::npos) << f.summary;
  EXPECT_EQ(f.evidence.size(), 6u * (Finding::kMaxEvidence / 6));
}

TEST(ScanDetector, MemoryBoundKeepsTheFirstAttemptsAndSaysSo) {
  ScanOptions o;
  o.max_attempts = 40;
  ScanDetector d(o);
  for (int i = 0; i < 200; ++i) {
    const std::string dst = "128.2." + std::to_string(i / 200) + "." + std::to_string(i % 200);
    d.on_connection(attempt("192.168.1.3", dst.c_str(), 1214, 1000 + i * 0.1, ConnState::S0));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<ScanDetails>(out[0].details).targets, 40u);
  ASSERT_FALSE(out[0].notes.empty());
  EXPECT_NE(out[0].notes.back().find("160 attempts"), std::string::npos) << out[0].notes.back();
}

TEST(ScanDetector, AnsweredTargetsAreHeldOnceAndUnknownOutcomesAreNoMisses) {
  ScanDetector d;
  // Browsing: the same 20 servers a thousand times each, answered; then allowed-but-unknown
  // firewall lines to 30 more. Neither is a scan.
  for (int k = 0; k < 1000; ++k) {
    const std::string dst = "151.101.1." + std::to_string(k % 20);
    d.on_connection(attempt("10.0.0.7", dst.c_str(), 443, 5000 + k, ConnState::SF));
  }
  for (int k = 0; k < 30; ++k) {
    const std::string dst = "93.184.216." + std::to_string(k);
    d.on_connection(
        attempt("10.0.0.7", dst.c_str(), 443, 5000 + k, ConnState::none, Action::allowed));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty()) << out[0].summary;
}

TEST(ScanDetector, OrdinaryBrowsingIsNotAScan) {
  ScanDetector d;
  for (int i = 0; i < 40; ++i) {
    std::string dst = std::to_string(20 + i) + ".1.2.3";
    d.on_connection(attempt("192.168.1.5", dst.c_str(), 443, 100 + i, ConnState::SF));
  }
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(ScanDetector, VerticalScanOfOneHost) {
  ScanDetector d;
  for (uint16_t port = 20; port < 60; ++port) {
    d.on_connection(attempt("10.0.0.9", "45.33.32.156", port, 50 + port * 0.1, ConnState::REJ));
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<ScanDetails>(out[0].details);
  EXPECT_EQ(a.scan_type, ScanShape::vertical);
  EXPECT_EQ(a.ports, 40u);
}

// The findings document's attributes for both scan kinds: the typed details the kind table
// names, written with the keys ../shared/spec/interface.md lists (port null when vertical).
TEST(ScanDetector, DetailsFitTheKindAndWriteTheSpecAttributes) {
  ScanDetector d;
  for (int i = 0; i < 12; ++i) {  // horizontal, outbound
    const std::string dst = std::to_string(20 + i) + ".1.2.3";
    d.on_connection(attempt("192.168.1.3", dst.c_str(), 1214, 100 + i, ConnState::S0));
  }
  for (uint16_t port = 20; port < 60; ++port) {  // vertical, internal
    d.on_connection(attempt("10.0.0.9", "10.0.0.50", port, 50 + port * 0.1, ConnState::REJ));
  }
  for (int hour = 0; hour < 3; ++hour) {  // repeats of a low sweep, merged
    for (int i = 0; i < 19; ++i) {
      const std::string dst = "72.246.53." + std::to_string(80 + (hour + i) % 17);
      d.on_connection(attempt("192.168.0.13", dst.c_str(), 80, 2000 + 3600.0 * hour + i,
                              ConnState::none, Action::blocked));
    }
  }
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 3u);
  std::set<FindingKind> kinds;
  for (const Finding& f : out) {
    kinds.insert(f.kind);
    ASSERT_TRUE(std::holds_alternative<ScanDetails>(f.details)) << f.summary;
    EXPECT_TRUE(details_fit(f.kind, f.details));
    const nlohmann::json a = attributes_json(f);
    for (const char* key :
         {"scan_type", "proto", "port", "ports", "targets", "packets", "duration_s", "answered"}) {
      EXPECT_TRUE(a.contains(key)) << to_string(f.kind) << " lacks " << key;
    }
    const bool vertical = std::get<ScanDetails>(f.details).scan_type == ScanShape::vertical;
    EXPECT_EQ(a["port"].is_null(), vertical) << a;
    EXPECT_EQ(a.contains("dst"), vertical) << a;
    EXPECT_EQ(a.contains("sample_targets"), !vertical) << a;
    EXPECT_EQ(a["proto"], "tcp");
  }
  EXPECT_EQ(kinds, (std::set<FindingKind>{FindingKind::outbound_scan, FindingKind::internal_scan}));
}

TEST(Trw, LikelihoodFollowsJungEtAl) {
  EXPECT_DOUBLE_EQ(trw_likelihood(0, 4), 256.0);
  EXPECT_DOUBLE_EQ(trw_likelihood(1, 1), 1.0);
  EXPECT_NEAR(trw_likelihood(4, 0), 0.0039, 1e-4);
}

}  // namespace
}  // namespace callhome
