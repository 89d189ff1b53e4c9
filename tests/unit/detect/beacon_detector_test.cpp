#include "detect/beacon_detector.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

constexpr double kDay0 = 1700000000;  // 2023-11-14 22:13:20 UTC

Connection answered(const char* src, const char* dst, uint16_t dport, double ts, uint64_t bytes) {
  Connection c = conn(src, 50000, dst, dport, ts, ConnState::SF, Action::unknown);
  c.orig_ip_bytes = bytes;
  c.orig_pkts = 6;
  return c;
}

std::vector<Finding> run(BeaconDetector& d) {
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

std::vector<const Finding*> kind(const std::vector<Finding>& all, const char* k) {
  std::vector<const Finding*> v;
  for (const auto& f : all) {
    if (to_string(f.kind) == std::string_view(k)) v.push_back(&f);
  }
  return v;
}

// A working day of page loads from `src`: a few connections within seconds to one site, then
// seconds to minutes of reading; sites drawn with a skew toward a few popular ones.
void browse(BeaconDetector& d, const std::string& src, std::mt19937& rng, int salt) {
  double t = kDay0 + 8 * 3600;
  while (t < kDay0 + 17 * 3600) {
    const std::string dst =
        std::to_string(20 + rng() % 150 % (1 + rng() % 150)) + ".20.30." + std::to_string(salt);
    for (unsigned k = 0; k < 1 + rng() % 6; ++k) {
      d.on_connection(
          answered(src.c_str(), dst.c_str(), 443, t + k * (rng() % 3), 300 + rng() % 30000));
    }
    t += 5 + rng() % 600;
  }
}

TEST(BeaconDetector, FindsAJitteredC2BeaconAmongBrowsing) {
  BeaconDetector d;
  std::mt19937 rng(7);
  double t = kDay0;
  for (int i = 0; i < 288; ++i) {  // every 300 s +-10 s for 24 h, sizes within a few bytes
    const double jitter = double(int(rng() % 21) - 10);
    d.on_connection(answered("192.168.1.50", "203.0.113.7", 443, t + jitter, 1200 + rng() % 8));
    t += 300;
  }
  browse(d, "192.168.1.50", rng, 1);
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::beacon);
  EXPECT_EQ(f.host.to_string(), "192.168.1.50");
  const auto& a = std::get<BeaconDetails>(f.details);
  EXPECT_EQ(a.dst, "203.0.113.7");
  EXPECT_EQ(a.beacon_type, BeaconType::ip);
  EXPECT_EQ(a.connections, 288u);
  EXPECT_GE(a.score, 0.9);
  EXPECT_NEAR(a.interval_median_s, 300, 5);
  EXPECT_NEAR(a.interval_s, 300, 20);
  EXPECT_LE(a.jitter_s, 10);
  EXPECT_FALSE(a.retry_loop);
  EXPECT_GE(f.severity, Severity::medium);
  EXPECT_NE(f.summary.find("203.0.113.7:443 every 300 s"), std::string::npos) << f.summary;
  EXPECT_GE(f.evidence.size(), 3u);
}

TEST(BeaconDetector, RandomBrowsingIsNotABeacon) {
  BeaconDetector d;
  std::mt19937 rng(11);
  for (int host = 0; host < 5; ++host)
    browse(d, "192.168.1." + std::to_string(20 + host), rng, host);
  const auto out = run(d);
  for (const auto& f : out) ADD_FAILURE() << f.summary;
}

// Uniformly random connections around the clock fill RITA's hourly histogram and coverage, so
// RITA's score alone passes most such pairs; the regularity gate keeps nearly all of them out.
TEST(BeaconDetector, RandomTrafficAroundTheClockNeedsTheRegularityGate) {
  const auto flagged = [](double gate) {
    BeaconOptions o;
    o.min_ts_mad_score = gate;
    BeaconDetector d(o);
    std::mt19937 rng(3);
    for (int pair = 0; pair < 200; ++pair) {
      const std::string dst =
          "203.0." + std::to_string(pair / 100) + "." + std::to_string(pair % 100);
      for (int i = 0; i < 30; ++i) {
        d.on_connection(
            answered("192.168.1.7", dst.c_str(), 443, kDay0 + rng() % 86400, 500 + rng() % 40000));
      }
    }
    return run(d).size();
  };
  EXPECT_GT(flagged(0), 100u);  // RITA's verdict: most of them "beacons"
  EXPECT_LT(flagged(0.5), 20u);
}

TEST(BeaconDetector, SingleAddressBlockedEveryMinuteIsARetryLoop) {
  BeaconDetector d;
  for (int i = 0; i < 40; ++i) {
    d.on_connection(conn("192.168.0.13", uint16_t(2400 + i), "72.246.53.81", 80, kDay0 + 60 * i,
                         ConnState::none, Action::blocked));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  const auto& a = std::get<BeaconDetails>(f.details);
  EXPECT_EQ(a.dst, "72.246.53.81");
  EXPECT_TRUE(a.retry_loop);
  EXPECT_EQ(a.blocked, 40u);
  EXPECT_EQ(a.interval_s, 60);
  EXPECT_NE(f.summary.find("192.168.0.13 retried 72.246.53.81:80 every 60 s, 40 times"),
            std::string::npos)
      << f.summary;
  EXPECT_NE(f.summary.find("all blocked by the firewall"), std::string::npos) << f.summary;
}

// Case 2: bursts of 5 and 14 attempts a second apart with 18 s and 60 s pauses, each attempt to
// the next address of an Akamai pool, source port +1 each time, all blocked.
TEST(BeaconDetector, Case2BlockedRetriesRotatingOverAPoolAreOneRetryLoop) {
  BeaconDetector d;
  double t = kDay0 + 8 * 3600;
  uint16_t sport = 2480;
  int addr = 0;
  size_t attempts = 0;
  for (int cycle = 0; cycle < 150; ++cycle) {
    for (int burst : {5, 14}) {
      for (int k = 0; k < burst; ++k) {
        const std::string dst = "72.246.53." + std::to_string(80 + addr++ % 17);
        d.on_connection(
            conn("192.168.0.13", sport++, dst.c_str(), 80, t, ConnState::none, Action::blocked));
        t += 1;
        ++attempts;
      }
      t += burst == 5 ? 18 : 60;
    }
  }
  const auto out = run(d);
  const auto beacons = kind(out, "beacon");
  ASSERT_EQ(beacons.size(), 1u);
  const Finding& f = *beacons[0];
  const auto& a = std::get<BeaconDetails>(f.details);
  EXPECT_EQ(a.dst, "72.246.53.0/24");
  EXPECT_EQ(a.beacon_type, BeaconType::net);
  EXPECT_TRUE(a.retry_loop);
  EXPECT_EQ(a.connections, attempts);
  EXPECT_EQ(a.addresses, 17u);
  EXPECT_EQ(a.dst_port, 80);
  EXPECT_EQ(a.interval_s, 1);
  EXPECT_GE(a.score, 0.7);
  EXPECT_TRUE(a.bursts.has_value());
  EXPECT_NE(f.summary.find("72.246.53.0/24"), std::string::npos) << f.summary;
  EXPECT_NE(f.summary.find("all blocked by the firewall"), std::string::npos) << f.summary;
  EXPECT_FALSE(f.evidence.empty());
}

TEST(BeaconDetector, TlsNamesTakeTheirConnectionsFromTheAddressPair) {
  BeaconDetector d;
  for (int i = 0; i < 100; ++i) {
    const double t = kDay0 + 600.0 * i;
    Connection c = answered("10.1.2.3", "198.51.100.9", 443, t, 900);
    d.on_connection(c);
    NameEvent n;
    n.ts = t + 0.05;
    n.client = c.orig_h;
    n.server = c.resp_h;
    n.server_port = 443;
    n.name = "updates.example.net";
    n.source = "tls_sni";
    n.prov = {0, uint64_t(i + 1)};
    d.on_name(n);
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<BeaconDetails>(out[0].details);
  EXPECT_EQ(a.dst, "updates.example.net");
  EXPECT_EQ(a.beacon_type, BeaconType::sni);
  EXPECT_EQ(a.connections, 100u);
  EXPECT_EQ(a.ds_score, 1);  // the sizes came from the connections
  EXPECT_EQ(d.stats().names_linked, 100u);
}

TEST(BeaconDetector, ProxyLogRequestsFormANameBeacon) {
  BeaconDetector d;
  for (int i = 0; i < 48; ++i) {  // Squid native log: a POST every 30 min
    HttpEvent e;
    e.ts = kDay0 + 1800.0 * i + 0.625;
    e.client = *Address::parse("192.168.1.3");
    e.server = *Address::parse("206.142.53.27");
    e.method = "POST";
    e.url = "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss";
    e.host = "updaterservice.wildtangent.com";
    e.via_proxy = true;
    e.action = Action::allowed;
    e.prov = {0, uint64_t(i + 1)};
    d.on_http(e);
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  const auto& a = std::get<BeaconDetails>(f.details);
  EXPECT_EQ(a.dst, "updaterservice.wildtangent.com");
  EXPECT_EQ(a.beacon_type, BeaconType::sni);
  EXPECT_EQ(a.interval_s, 1800);
  EXPECT_EQ(a.ds_score, 0.5);             // a proxy log has no request sizes
  EXPECT_EQ(d.stats().names_linked, 0u);  // nor the client's connection to the upstream
  EXPECT_NE(f.summary.find("every 1800 s, 48 times"), std::string::npos) << f.summary;
}

TEST(BeaconDetector, EachDayIsScoredOnItsOwn) {
  BeaconDetector d;
  for (int i = 0; i < 144; ++i) {  // day 1 only, every 600 s
    d.on_connection(answered("192.168.1.60", "203.0.113.60", 443, kDay0 + 600.0 * i, 800));
  }
  for (int i = 0; i < 72; ++i) {  // days 1 to 3, every hour
    d.on_connection(answered("192.168.1.61", "203.0.113.61", 443, kDay0 + 3600.0 * i, 900));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 2u);
  const bool first = std::get<BeaconDetails>(out[0].details).dst == "203.0.113.60";
  const auto& day1 = std::get<BeaconDetails>(out[first ? 0 : 1].details);
  const auto& daily = std::get<BeaconDetails>(out[first ? 1 : 0].details);
  // Windows are the pair's own, counted back from its last connection: all of day 1.
  EXPECT_EQ(day1.window_start, kDay0);
  EXPECT_EQ(day1.window_end, kDay0 + 143 * 600);
  EXPECT_EQ(day1.connections, 144u);
  EXPECT_GE(day1.score, 0.95);
  EXPECT_EQ(daily.window_end, kDay0 + 71 * 3600);  // the last 24 h, as RITA
  EXPECT_EQ(daily.connections, 25u);               // and the hour before it
}

TEST(BeaconDetector, MemoryBoundsAreCounted) {
  BeaconOptions o;
  o.max_pairs = 3;
  o.max_timestamps_per_pair = 10;
  BeaconDetector d(o);
  for (int i = 0; i < 50; ++i) {
    const std::string dst = "203.0.113." + std::to_string(i % 5);
    d.on_connection(answered("192.168.1.9", dst.c_str(), 443, kDay0 + i, 100));
  }
  EXPECT_EQ(d.stats().pairs, 3u);
  EXPECT_EQ(d.stats().events_no_pair, 20u);
  EXPECT_EQ(d.stats().timestamps_dropped, 0u);
  for (int i = 0; i < 20; ++i)
    d.on_connection(answered("192.168.1.9", "203.0.113.0", 443, kDay0 + 100 + i, 100));
  EXPECT_EQ(d.stats().timestamps_dropped, 20u);
}

TEST(BeaconDetector, OneConnectionASecondIsAStrobe) {
  BeaconOptions o;
  o.params.strobe_threshold = 2000;
  o.max_timestamps_per_pair = 2000;
  BeaconDetector d(o);
  for (int i = 0; i < 2500; ++i)
    d.on_connection(answered("192.168.1.9", "203.0.113.5", 123, kDay0 + i, 76));
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, FindingKind::strobe);
  EXPECT_EQ(std::get<StrobeDetails>(out[0].details).connections, 2500u);
}

TEST(BeaconDetector, IgnoresInternalAndLocalScopeDestinations) {
  BeaconDetector d;
  for (int i = 0; i < 100; ++i) {
    d.on_connection(answered("192.168.1.9", "192.168.1.1", 53, kDay0 + 60 * i, 70));
    d.on_connection(answered("192.168.1.9", "239.255.255.250", 1900, kDay0 + 60 * i, 200));
    d.on_connection(answered("192.168.1.9", "ff02::fb", 5353, kDay0 + 60 * i, 200));
  }
  EXPECT_TRUE(run(d).empty());
}

// Beacon findings carry BeaconDetails, which the document writes with the keys the interface
// spec promises (dst, interval_s, connections, score) and the optional keys only when they hold.
TEST(BeaconDetector, BeaconDetailsFitTheKindAndWriteTheDocumentsKeys) {
  BeaconDetector d;
  for (int i = 0; i < 288; ++i) {
    d.on_connection(answered("192.168.1.50", "203.0.113.7", 443, kDay0 + 300.0 * i, 1200));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_TRUE(std::holds_alternative<BeaconDetails>(f.details));
  EXPECT_TRUE(details_fit(f.kind, f.details));
  const nlohmann::json a = attributes_json(f);
  for (const char* k : {"dst", "interval_s", "connections", "score"}) {
    EXPECT_TRUE(a.contains(k)) << k;
  }
  EXPECT_EQ(a["dst"], "203.0.113.7");
  EXPECT_EQ(a["beacon_type"], "ip");
  EXPECT_EQ(a["connections"], 288);
  EXPECT_TRUE(a["score"].is_number_float());
  EXPECT_EQ(a["proto"], "tcp");
  EXPECT_EQ(a["dst_port"], 443);
  EXPECT_EQ(a["ports"], nlohmann::json::array({443}));
  EXPECT_EQ(a["retry_loop"], false);
  EXPECT_EQ(a["hourly"].size(), 24u);
  for (const char* k : {"proxy", "addresses", "sample_targets", "servers", "bursts", "burst_size",
                        "known_service", "hosts_sharing", "part_of_scan"}) {
    EXPECT_FALSE(a.contains(k)) << k;
  }
}

TEST(BeaconDetector, StrobeDetailsFitTheKindAndWriteTheDocumentsKeys) {
  BeaconOptions o;
  o.params.strobe_threshold = 2000;
  o.max_timestamps_per_pair = 2000;
  BeaconDetector d(o);
  for (int i = 0; i < 2500; ++i)
    d.on_connection(answered("192.168.1.9", "203.0.113.5", 123, kDay0 + i, 76));
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_TRUE(std::holds_alternative<StrobeDetails>(f.details));
  EXPECT_TRUE(details_fit(f.kind, f.details));
  const auto& s = std::get<StrobeDetails>(f.details);
  EXPECT_EQ(s.dst, "203.0.113.5");
  EXPECT_EQ(s.beacon_type, BeaconType::ip);
  EXPECT_NEAR(s.per_second, 2500.0 / 1999, 1e-9);  // over the span of the 2000 kept
  const nlohmann::json a = attributes_json(f);
  EXPECT_EQ(a, nlohmann::json({{"dst", "203.0.113.5"},
                               {"beacon_type", "ip"},
                               {"connections", 2500},
                               {"per_second", s.per_second}}));
}

}  // namespace
}  // namespace callhome
