#include "investigate/investigator.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

// Knows what the seed cases needed: port 1214 is FastTrack, 206.142.53.0/24 is StreamCast's,
// 72.246.53.0/24 is Akamai's.
class FakeLookup : public DestinationLookup {
 public:
  DestinationInfo destination(const Address& a) const override {
    std::string s = a.to_string();
    if (s.rfind("72.246.53.", 0) == 0) return {20940, "Akamai", "US", "cdn", {}, false};
    if (s.rfind("206.142.53.", 0) == 0) {
      return {0, "StreamCast Networks", "US", "p2p_vendor", {"supernode1.streamcastnetworks.com"}};
    }
    return {};
  }
  PortInfo port(uint16_t port, uint8_t) const override {
    if (port == 1214) return {"fasttrack", "p2p", "FastTrack (KaZaA, Morpheus)"};
    if (port == 80) return {"http", "web", ""};
    return {};
  }
};

Finding finding(const char* kind, const char* host, Severity sev, FindingDetails details,
                std::string id) {
  Finding f;
  f.id = std::move(id);
  f.kind = *finding_kind_from_name(kind);
  f.host = *Address::parse(host);
  f.severity = sev;
  f.first_ts = 100;
  f.last_ts = 200;
  f.details = std::move(details);
  EXPECT_TRUE(details_fit(f.kind, f.details)) << kind;
  f.summary = std::string(kind) + " by " + host;
  return f;
}

TEST(Investigator, Case1PcIsP2pFileSharing) {
  FakeLookup lookup;
  std::vector<Finding> fs = {
      finding("outbound_scan", "192.168.1.3", Severity::high,
              ScanDetails{.proto = kProtoTcp,
                          .port = 1214,
                          .ports = 1,
                          .targets = 11,
                          .networks = 10,
                          .attempts = 33,
                          .duration_s = 34,
                          .sample_targets = std::vector<Address>{*Address::parse("128.2.10.11")}},
              "F1"),
      finding("port_fallback", "192.168.1.3", Severity::high,
              PortFallbackDetails{.dst = *Address::parse("206.142.53.27"),
                                  .ports = {1214, 80, 8080},
                                  .succeeded_port = 8080},
              "F2"),
      finding("icmp_sweep", "192.168.1.3", Severity::medium, IcmpSweepDetails{.targets = 4}, "F3")};
  auto incidents = investigate(fs, {lookup});
  ASSERT_EQ(incidents.size(), 1u);
  const auto& inc = incidents[0];
  EXPECT_EQ(inc.hypotheses.front().name, "p2p_file_sharing") << inc.hypotheses.front().explanation;
  EXPECT_GT(inc.hypotheses.front().confidence, 0.5);
  // Overwhelming evidence, yet no more certainty than the labelled cases can vouch for.
  EXPECT_DOUBLE_EQ(inc.hypotheses.front().confidence, ExplanationTable::shipped().max_confidence);
  EXPECT_EQ(inc.severity, Severity::high);
  EXPECT_NE(inc.actions.front().find("Isolate 192.168.1.3"), std::string::npos);
  EXPECT_NE(inc.hypotheses.front().explanation.find("1214/tcp (fasttrack)"), std::string::npos);
}

TEST(Investigator, Case2PcsAreUpdateAgentsNotDdosZombies) {
  FakeLookup lookup;
  std::vector<Finding> fs;
  int n = 0;
  for (const char* host : {"192.168.0.13", "192.168.0.14", "192.168.0.15"}) {
    fs.push_back(finding("beacon", host, Severity::medium,
                         BeaconDetails{.dst = "72.246.53.0/24",
                                       .beacon_type = BeaconType::net,
                                       .interval_s = 60,
                                       .score = 0.8,
                                       .retry_loop = true,
                                       .ports = {80},
                                       .dst_port = 80},
                         "F" + std::to_string(++n)));
    fs.push_back(finding(
        "sequential_source_ports", host, Severity::low,
        SequentialPortsDetails{.attempts = 19,
                               .max_run = 14,
                               .runs = {{.first_port = 2486, .last_port = 2499, .end_ts = 13}},
                               .dst_ports = {80}},
        "F" + std::to_string(++n)));
  }
  InvestigationContext ctx{lookup};
  ctx.proxy = "192.168.0.2:8080";
  auto incidents = investigate(fs, ctx);
  ASSERT_EQ(incidents.size(), 3u);
  for (const auto& inc : incidents) {
    EXPECT_EQ(inc.hypotheses.front().name, "update_agent_proxy_bypass")
        << inc.hypotheses.front().explanation;
    auto ddos = std::find_if(inc.hypotheses.begin(), inc.hypotheses.end(),
                             [](const Hypothesis& h) { return h.name == "ddos_participation"; });
    ASSERT_NE(ddos, inc.hypotheses.end());
    EXPECT_LT(ddos->confidence, 0.05);
    EXPECT_FALSE(ddos->evidence_against.empty());
    EXPECT_EQ(inc.related_hosts.size(), 2u);
    EXPECT_LE(inc.severity, Severity::low);
    EXPECT_NE(inc.actions.front().find("192.168.0.2:8080"), std::string::npos);
  }
}

TEST(Investigator, FloodIsDdosAndSuccessfulBeaconIsC2) {
  FakeLookup lookup;
  std::vector<Finding> fs = {
      finding("outbound_flood", "10.0.0.5", Severity::critical,
              FloodDetails{.dst = *Address::parse("198.51.100.7"), .packets = 100000, .pps = 5000},
              "F1"),
      finding("beacon", "10.0.0.6", Severity::high,
              BeaconDetails{.dst = "203.0.113.50", .interval_s = 300, .score = 0.95}, "F2")};
  auto incidents = investigate(fs, {lookup});
  ASSERT_EQ(incidents.size(), 2u);
  for (const auto& inc : incidents) {
    if (inc.host.to_string() == "10.0.0.5") {
      EXPECT_EQ(inc.hypotheses.front().name, "ddos_participation");
    } else {
      EXPECT_EQ(inc.hypotheses.front().name, "malware_c2_beacon");
    }
    EXPECT_GE(inc.severity, Severity::high);
  }
}

}  // namespace
}  // namespace callhome

namespace callhome {
namespace {

Incident told(const char* host, const char* top, std::vector<std::string> orgs) {
  Incident inc;
  inc.host = *Address::parse(host);
  inc.hypotheses.push_back({top, 0.9, {}, {}, ""});
  inc.shared_orgs = std::move(orgs);
  return inc;
}

TEST(Stories, RelatedHostsWithTheSameExplanationAreOneStory) {
  const std::vector<Incident> incidents = {
      told("192.168.1.3", "p2p_file_sharing", {}),
      told("192.168.0.21", "update_agent_proxy_bypass", {"Akamai"}),
      told("192.168.0.10", "update_agent_proxy_bypass", {"Microsoft", "Akamai"}),
      told("192.168.0.77", "misconfiguration", {"Akamai"}),
      told("10.0.0.9", "update_agent_proxy_bypass", {"Hetzner"}),
  };
  const auto stories = group_stories(incidents);
  ASSERT_EQ(stories.size(), 4u);
  EXPECT_EQ(stories[0], (std::vector<size_t>{0}));
  EXPECT_EQ(stories[1], (std::vector<size_t>{1, 2}));  // tied, and the same explanation
  EXPECT_EQ(stories[2], (std::vector<size_t>{3}));     // tied, but explained otherwise
  EXPECT_EQ(stories[3], (std::vector<size_t>{4}));     // the same explanation, not tied
}

}  // namespace
}  // namespace callhome

namespace callhome {
namespace {

// Thousands of PCs failing to reach one CDN: one story, each incident listing a bounded sample.
TEST(Investigator, ThousandsOfHostsBehindOneCdnAreOneStoryWithABoundedList) {
  FakeLookup lookup;
  std::vector<Finding> fs;
  for (int i = 0; i < 3000; ++i) {
    const std::string host = "10.0." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250);
    fs.push_back(finding(
        "beacon", host.c_str(), Severity::low,
        BeaconDetails{.dst = "72.246.53.81", .retry_loop = true, .ports = {80}, .dst_port = 80},
        "F" + std::to_string(i + 1)));
  }
  InvestigationContext ctx{lookup};
  const auto incidents = investigate(fs, ctx);
  ASSERT_EQ(incidents.size(), 3000u);
  for (const auto& inc : incidents) {
    EXPECT_EQ(inc.related_hosts.size(), kMaxRelatedHosts);
    EXPECT_EQ(inc.related_count, 2999u);
    EXPECT_EQ(inc.shared_orgs, std::vector<std::string>{"Akamai"});
  }
  const auto stories = group_stories(incidents);
  ASSERT_EQ(stories.size(), 1u);
  EXPECT_EQ(stories[0].size(), 3000u);
}

// An outsider's high-priority exploit alert against the host, and the Internet scanning it: the
// host is the target, not the source. Neither may read as its own behaviour (a C2 beacon, high
// severity); both stay in the incident so the report shows them.
TEST(Investigator, InboundAlertsAndScansDoNotRaiseOutboundExplanations) {
  FakeLookup lookup;
  std::vector<Finding> fs = {
      finding("ids_alert", "10.0.0.8", Severity::high,
              IdsAlertDetails{.signature = "ET EXPLOIT Apache Struts RCE attempt",
                              .sid = 2024897,
                              .priority = 1,
                              .alerts = 40,
                              .peers = {{*Address::parse("203.0.113.9"), 40}},
                              .direction = Direction::inbound},
              "F1"),
      finding("inbound_attack", "10.0.0.8", Severity::medium,
              InboundAttackDetails{.attacker = *Address::parse("203.0.113.9"),
                                   .targets = 1,
                                   .ports = 50,
                                   .attempts = 50,
                                   .answered = 6,
                                   .duration_s = 5},
              "F2")};
  auto incidents = investigate(fs, {lookup});
  ASSERT_EQ(incidents.size(), 1u);
  const auto& inc = incidents[0];
  EXPECT_NE(inc.hypotheses.front().name, "malware_c2_beacon") << inc.hypotheses.front().explanation;
  EXPECT_EQ(inc.hypotheses.front().name, "benign") << inc.hypotheses.front().explanation;
  EXPECT_LE(inc.severity, Severity::low);
  EXPECT_EQ(inc.findings.size(), 2u);
  for (const auto& h : inc.hypotheses) {
    for (const auto& e : h.evidence_for) {
      EXPECT_EQ(e.find("IDS"), std::string::npos) << h.name << ": " << e;
    }
  }
}

}  // namespace
}  // namespace callhome
