#include "detect/detector_set.h"

#include <gtest/gtest.h>

#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

std::vector<Finding> of_kind(const std::vector<Finding>& fs, const std::string& kind) {
  std::vector<Finding> out;
  for (const auto& f : fs) {
    if (to_string(f.kind) == kind) out.push_back(f);
  }
  return out;
}

// Through the whole detector set, as analyze runs it: the finding must come from a registered
// detector, and no outbound detector may read the scanner's probes as the host's own.
std::vector<Finding> run(const std::vector<Connection>& cs) {
  DetectorSet set(DetectorConfig{});
  for (const auto& c : cs) set.on_connection(c);
  return set.finish();
}

TEST(InboundAttack, ExternalScannerOfOneInternalHostIsOneInboundFinding) {
  std::vector<Connection> cs;
  // 203.0.113.9 SYN-scans 50 ports of 192.168.1.20; three are open (SYN-ACK, then dropped).
  for (uint16_t i = 0; i < 50; ++i) {
    const uint16_t port = uint16_t(1000 + i);
    cs.push_back(conn("203.0.113.9", 40000, "192.168.1.20", port, 100 + i * 0.1,
                      i < 3 ? ConnState::SF : ConnState::S0));
  }
  const auto fs = run(cs);
  const auto inbound = of_kind(fs, "inbound_attack");
  ASSERT_EQ(inbound.size(), 1u);
  const Finding& f = inbound[0];
  EXPECT_EQ(f.host.to_string(), "192.168.1.20");
  const auto& a = std::get<InboundAttackDetails>(f.details);
  EXPECT_EQ(a.direction, Direction::inbound);
  EXPECT_EQ(a.attacker.to_string(), "203.0.113.9");
  EXPECT_EQ(a.ports, 50u);
  EXPECT_EQ(a.attempts, 50u);
  EXPECT_EQ(a.answered, 3u);
  EXPECT_EQ(a.targets, 1u);
  EXPECT_EQ(f.severity, Severity::low);  // three open ports: the Internet's background noise
  EXPECT_FALSE(f.evidence.empty());
  for (const auto& other : fs) {
    EXPECT_NE(other.kind, FindingKind::outbound_scan);
    EXPECT_NE(other.kind, FindingKind::internal_scan);
    EXPECT_EQ(other.host.to_string(), "192.168.1.20")
        << to_string(other.kind) << ": " << other.summary;
  }
}

TEST(InboundAttack, AnswersOnManyPortsRaiseItToMedium) {
  std::vector<Connection> cs;
  for (uint16_t i = 0; i < 20; ++i) {
    cs.push_back(conn("198.51.100.4", 50000, "10.0.0.7", uint16_t(20 + i), 10 + i, ConnState::SF));
  }
  const auto inbound = of_kind(run(cs), "inbound_attack");
  ASSERT_EQ(inbound.size(), 1u);
  EXPECT_EQ(inbound[0].severity, Severity::medium);
  EXPECT_EQ(std::get<InboundAttackDetails>(inbound[0].details).answered, 20u);
}

// The findings document's attributes: the typed details the kind table names, written with the
// keys the host profile and reports read ("direction": "inbound" marks it an attack on the host).
TEST(InboundAttack, DetailsFitTheKindAndWriteTheDocumentAttributes) {
  std::vector<Connection> cs;
  for (uint16_t i = 0; i < 20; ++i) {
    cs.push_back(conn("198.51.100.4", 50000, "10.0.0.7", uint16_t(20 + i), 10 + i, ConnState::S0));
  }
  const auto inbound = of_kind(run(cs), "inbound_attack");
  ASSERT_EQ(inbound.size(), 1u);
  const Finding& f = inbound[0];
  ASSERT_TRUE(std::holds_alternative<InboundAttackDetails>(f.details));
  EXPECT_TRUE(details_fit(f.kind, f.details));
  const nlohmann::json j = attributes_json(f);
  for (const char* key : {"direction", "attacker", "targets", "ports", "attempts", "answered",
                          "sessions", "duration_s", "attackers", "total_attempts", "total_answered",
                          "total_sessions", "top_attackers"}) {
    EXPECT_TRUE(j.contains(key)) << "inbound_attack lacks " << key;
  }
  EXPECT_EQ(j["direction"], "inbound");
  EXPECT_EQ(j["attacker"], "198.51.100.4");
  ASSERT_EQ(j["top_attackers"].size(), 1u);
  const nlohmann::json& top = j["top_attackers"][0];
  EXPECT_EQ(top["attacker"], "198.51.100.4");
  EXPECT_EQ(top["ports"], 20);
  ASSERT_EQ(top["sample_ports"].size(), 10u);
  EXPECT_EQ(top["sample_ports"][0], "20/tcp");
}

// A server's half of the host's own conversation, seen the wrong way round by a capture that
// missed the SYN, is no attack.
TEST(InboundAttack, FlippedServerTrafficIsNotAnAttack) {
  std::vector<Connection> cs;
  for (uint16_t i = 0; i < 30; ++i) {
    Connection c =
        conn("1.1.1.2", 853, "192.168.1.20", uint16_t(50000 + i), 10 + i, ConnState::OTH);
    c.history = "DadF";
    cs.push_back(c);
  }
  EXPECT_TRUE(of_kind(run(cs), "inbound_attack").empty());
}

}  // namespace
}  // namespace callhome
