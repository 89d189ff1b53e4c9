// How the beacon detector cuts evidence into what it scores: per-pair windows, sessions of one
// schedule, the span a schedule needs, and pieces of one long connection.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "detect/beacon_detector.h"
#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

constexpr double kDay0 = 1700000000;  // 2023-11-14 22:13:20 UTC

Connection answered(const char* src, uint16_t sport, const char* dst, uint16_t dport, double ts,
                    uint64_t bytes) {
  Connection c = conn(src, sport, dst, dport, ts, ConnState::SF, Action::unknown);
  c.orig_ip_bytes = bytes;
  c.orig_pkts = 6;
  return c;
}

std::vector<Finding> run(BeaconDetector& d) {
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

const Finding* to(const std::vector<Finding>& all, const std::string& dst) {
  for (const auto& f : all) {
    const auto* d = std::get_if<BeaconDetails>(&f.details);
    if (f.kind == FindingKind::beacon && d && d->dst == dst) return &f;
  }
  return nullptr;
}

// A jittered 10-minute beacon from A for 20 h of day 1.
void beacon_a(BeaconDetector& d) {
  std::mt19937 rng(3);
  for (int i = 0; i < 120; ++i) {
    const double t = kDay0 + 600.0 * i + double(int(rng() % 31) - 15);
    d.on_connection(answered("192.168.1.10", uint16_t(40000 + i), "203.0.113.10", 443, t, 900));
  }
}

// Gap 1: windows used to be counted back from the newest timestamp of the whole run, so another
// host's capture from days later moved A's window boundaries and changed A's finding.
TEST(BeaconSessions, AHostsFindingDoesNotDependOnAnotherHostsDays) {
  BeaconDetector alone;
  beacon_a(alone);
  const auto a = run(alone);
  BeaconDetector both;
  beacon_a(both);
  for (int i = 0; i < 40; ++i) {  // host B, 3.5 days later: some page loads
    both.on_connection(answered("192.168.1.20", uint16_t(50000 + i), "198.51.100.20", 443,
                                kDay0 + 3.5 * 86400 + 97.0 * i * (i % 7 + 1), 4000 + 50 * i));
  }
  const auto b = run(both);
  const Finding* fa = to(a, "203.0.113.10");
  const Finding* fb = to(b, "203.0.113.10");
  ASSERT_NE(fa, nullptr);
  ASSERT_NE(fb, nullptr);
  const auto& da = std::get<BeaconDetails>(fa->details);
  const auto& db = std::get<BeaconDetails>(fb->details);
  EXPECT_EQ(da.interval_s, db.interval_s);
  EXPECT_EQ(da.interval_median_s, db.interval_median_s);
  EXPECT_EQ(da.jitter_s, db.jitter_s);
  EXPECT_EQ(da.connections, db.connections);
  EXPECT_EQ(da.score, db.score);
  EXPECT_EQ(da.ts_score, db.ts_score);
  EXPECT_EQ(da.hist_score, db.hist_score);
  EXPECT_EQ(da.dur_score, db.dur_score);
  EXPECT_EQ(da.window_start, db.window_start);
  EXPECT_EQ(da.window_end, db.window_end);
  EXPECT_EQ(fa->first_ts, fb->first_ts);
  EXPECT_EQ(fa->last_ts, fb->last_ts);
}

// Gap 2: check-ins every 300 s from 08:00 to 10:00 and 14:00 to 16:00, the laptop asleep in
// between: one beacon with both sessions counted.
TEST(BeaconSessions, TwoSessionsHoursApartAreOneBeacon) {
  BeaconDetector d;
  const double morning = 1700035200;  // 2023-11-15 08:00 UTC
  std::mt19937 rng(5);
  int n = 0;
  for (double start : {morning, morning + 6 * 3600}) {
    for (int i = 0; i <= 24; ++i, ++n) {
      d.on_connection(answered("192.168.1.30", uint16_t(41000 + n), "203.0.113.30", 443,
                               start + 300.0 * i + double(int(rng() % 7) - 3), 1500 + rng() % 6));
    }
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  const auto& b = std::get<BeaconDetails>(f.details);
  EXPECT_EQ(b.connections, 50u);
  EXPECT_EQ(b.sessions, 2u);
  EXPECT_NEAR(b.interval_median_s, 300, 5);
  EXPECT_GE(b.score, 0.7);
  EXPECT_NE(f.summary.find("in 2 sessions"), std::string::npos) << f.summary;
}

// Gap 3: bursts of a few tens of seconds are no check-in schedule, answered or not.
TEST(BeaconSessions, ABurstOfSecondsIsNoSchedule) {
  BeaconDetector d;
  for (int i = 0; i < 8; ++i) {  // 8 reconnects 5 s apart
    d.on_connection(
        answered("192.168.1.40", uint16_t(42000 + i), "203.0.113.40", 443, kDay0 + 5.0 * i, 700));
  }
  for (int i = 0; i < 12; ++i) {  // a scan's refused SYNs to one address, 3 s apart, 12 ports
    d.on_connection(conn("192.168.1.41", 43000, "203.0.113.41", uint16_t(20 + i), kDay0 + 3.0 * i,
                         ConnState::REJ));
  }
  EXPECT_TRUE(run(d).empty());
}

// Gap 4: one connection kept open for hours, cut by inactivity timeouts into records of the same
// 5-tuple (no new handshake), is one check-in, not one per record.
TEST(BeaconSessions, PiecesOfOneLongConnectionAreOneCheckIn) {
  BeaconDetector d;
  for (int i = 0; i < 60; ++i) {
    Connection c = answered("192.168.1.50", 44000, "203.0.113.50", 443, kDay0 + 360.0 * i, 300);
    if (i > 0) c.history = "DdA";  // a piece after an inactivity timeout: no SYN
    d.on_connection(c);
  }
  EXPECT_TRUE(run(d).empty());
}

}  // namespace
}  // namespace callhome
