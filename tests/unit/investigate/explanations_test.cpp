#include "investigate/explanations.h"

#include <gtest/gtest.h>

#include <set>

namespace callhome {
namespace {

constexpr std::string_view kValid = R"(
[model]
temperature = 2.0
floor_confidence = 0.7
max_confidence = 0.9

[[explanation]]
name = "tunnel"
prior = -2
prior_source = "judgement"
floor = "high"
likely = "medium"
actions = ["Block {targets} for {host}"]
evidence = [
  { fact = "dns_tunnel", weight = 4.5, reason = "data in DNS", source = "judgement" },
  { fact = "p2p_port", weight = -1, absent = true, reason = "no P2P", source = "judgement" },
]
)";

TEST(Explanations, ReadsATable) {
  auto t = ExplanationTable::parse(kValid, "t.toml");
  ASSERT_TRUE(t) << t.error();
  EXPECT_DOUBLE_EQ(t->temperature, 2.0);
  EXPECT_DOUBLE_EQ(t->floor_confidence, 0.7);
  EXPECT_DOUBLE_EQ(t->max_confidence, 0.9);
  ASSERT_EQ(t->explanations.size(), 1u);
  const Explanation& e = t->explanations[0];
  EXPECT_EQ(e.name, "tunnel");
  EXPECT_EQ(e.severity.floor, Severity::high);
  EXPECT_EQ(e.severity.likely, Severity::medium);
  EXPECT_FALSE(e.severity.cap);
  ASSERT_EQ(e.evidence.size(), 2u);
  EXPECT_EQ(e.evidence[0].fact, Fact::dns_tunnel);
  EXPECT_DOUBLE_EQ(e.evidence[0].weight, 4.5);
  EXPECT_TRUE(e.evidence[1].absent);
}

// Every mistake names the file, line and column, so an edit to the table is easy to fix.
TEST(Explanations, RejectsWhatTheInvestigatorCouldNotUse) {
  struct Case {
    std::string from, to, says;
  };
  const Case cases[] = {
      {"dns_tunnel", "dns_tunel", "t.toml:15:3: unknown fact 'dns_tunel'"},
      {"{targets}", "{target}", "t.toml:13:12: unknown placeholder {target}"},
      {"floor = \"high\"", "floor = \"severe\"", "unknown severity 'severe'"},
      {"weight = 4.5", "weight = \"big\"", "weight must be a number"},
      {", source = \"judgement\" },\n  { fact = \"p2p_port\"", " },\n  { fact = \"p2p_port\"",
       "source is required"},
      {"temperature = 2.0", "temperature = 0", "temperature must be positive"},
      {"max_confidence = 0.9", "max_confidence = 1.5", "max_confidence must be above 0"},
  };
  for (const auto& c : cases) {
    std::string text(kValid);
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    auto t = ExplanationTable::parse(text, "t.toml");
    ASSERT_FALSE(t) << c.to;
    EXPECT_NE(t.error().find(c.says), std::string::npos) << t.error();
  }
  const std::string table(kValid);
  auto dup = ExplanationTable::parse(table + table.substr(table.find("[[explanation]]")), "t.toml");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().find("duplicate explanation tunnel"), std::string::npos) << dup.error();
}

// The shipped table loads and every weight in it names its source.
TEST(Explanations, TheShippedTableLoadsAndSaysWhereEachWeightComesFrom) {
  auto t = ExplanationTable::load(std::string(CALLHOME_SOURCE_DIR) + "/data/explanations.toml");
  ASSERT_TRUE(t) << t.error();
  std::set<std::string> names;
  for (const auto& e : t->explanations) {
    names.insert(e.name);
    EXPECT_FALSE(e.prior_source.empty()) << e.name;
    for (const auto& r : e.evidence) EXPECT_FALSE(r.source.empty()) << e.name;
  }
  for (const char* spec :
       {"p2p_file_sharing", "update_agent_proxy_bypass", "malware_c2_beacon", "ddos_participation",
        "worm_propagation", "benign_periodic_service", "misconfiguration", "unknown"}) {
    EXPECT_TRUE(names.contains(spec)) << spec;  // the hypotheses the interface promises
  }
}

}  // namespace
}  // namespace callhome
