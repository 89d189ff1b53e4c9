// `callhome analyze --json` carries the "software" array: per internal host, what its traffic
// shows of the software behind it (src/fingerprint/).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "unit/cli/shell.h"

namespace callhome {
namespace {

nlohmann::json analyze(const std::string& input) {
  const auto r = testing::shell(std::string(CALLHOME_BINARY) + " analyze --json - '" + input +
                                "' 2>/dev/null");
  EXPECT_EQ(r.status, 0);
  return nlohmann::json::parse(r.out, nullptr, false);
}

const nlohmann::json* host(const nlohmann::json& doc, const std::string& address) {
  for (const auto& h : doc["software"]) {
    if (h["host"] == address) return &h;
  }
  return nullptr;
}

TEST(SoftwareSection, CaseOneLabCraftedPings) {
  // The lab reproduction of Case 1 (examples/): the P2P client's own ICMP echo requests to four
  // addresses in turn, which no ping program would have written.
  const nlohmann::json doc = analyze(std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap");
  ASSERT_TRUE(doc.contains("software"));
  ASSERT_TRUE(doc["software"].is_array());
  const nlohmann::json* pc = host(doc, "192.168.1.3");
  ASSERT_NE(pc, nullptr);
  ASSERT_EQ((*pc)["icmp_echo"].size(), 1u);
  const auto& echo = (*pc)["icmp_echo"][0];
  EXPECT_EQ(echo["origin"], "crafted");
  EXPECT_EQ(echo["targets"], nlohmann::json({"204.152.197.197", "130.244.215.233",
                                             "202.139.195.203", "202.232.17.87"}));
  EXPECT_EQ(echo["evidence"]["ref"].get<std::string>().rfind("packet ", 0), 0u);
  EXPECT_EQ(host(doc, "204.152.197.197"), nullptr);  // only internal hosts
}

TEST(SoftwareSection, AuroraVictimIsWindowsXp) {
  const std::string capture = std::string(CALLHOME_CORPUS_DIR) +
                              "/labelled/c2-aurora-reverse-shell-retries/evidence06.pcap";
  if (!std::filesystem::exists(capture)) GTEST_SKIP() << capture << " is absent";
  if (!std::filesystem::exists("/etc/p0f/p0f.fp")) GTEST_SKIP() << "/etc/p0f/p0f.fp is absent";
  const nlohmann::json doc = analyze(capture);
  const nlohmann::json* victim = host(doc, "10.10.10.70");
  ASSERT_NE(victim, nullptr);
  ASSERT_FALSE((*victim)["os"].empty());
  const auto& os = (*victim)["os"][0];
  EXPECT_EQ(os["guess"], "Windows XP");
  EXPECT_EQ(os["class"], "win");
  EXPECT_EQ(os["match"], "exact");
  EXPECT_EQ(os["seen_in"], "syn");
  EXPECT_EQ(os["signature"], "*:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0");
  EXPECT_EQ(os["observed"], "4:128+0:0:1460:65535,0:mss,nop,nop,sok:df,id+:0");
}

}  // namespace
}  // namespace callhome
