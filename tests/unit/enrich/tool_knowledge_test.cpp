#include "enrich/tool_knowledge.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace callhome {
namespace {

TEST(ToolKnowledge, ParsesFieldsAndRejectsVagueEntries) {
  auto k = ToolKnowledge::parse(
      "# comment\nNmap Scripting Engine\tuser_agent\tNmap\tscanner\tnselib/http.lua\n"
      "/nmaplowercheck\tpath\tNmap\tscanner\tnselib/http.lua\n",
      "tools.tsv");
  ASSERT_TRUE(k) << k.error();
  ASSERT_EQ(k->entries().size(), 2u);
  EXPECT_EQ(k->entries()[1].field, ToolSignature::Field::path);
  EXPECT_EQ(k->entries()[1].category, "scanner");

  auto bad = ToolKnowledge::parse("curl\tuser_agent\tcurl\tscanner\tx\n", "tools.tsv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "tools.tsv:1: pattern 'curl' is too short to name a tool");
  EXPECT_FALSE(ToolKnowledge::parse("nmaplowercheck\tpath\tNmap\tscanner\tx\n", "t"));
  EXPECT_FALSE(ToolKnowledge::parse("masscan\theader\tmasscan\tscanner\tx\n", "t"));
  EXPECT_FALSE(ToolKnowledge::parse("masscan\tuser_agent\tmasscan\tscanner\t\n", "t"));
}

TEST(ToolKnowledge, ShippedFileLoadsAndKnowsNmap) {
  auto k = ToolKnowledge::load(std::string(CALLHOME_SOURCE_DIR) + "/data/tools.tsv");
  ASSERT_TRUE(k) << k.error();
  EXPECT_TRUE(std::any_of(k->entries().begin(), k->entries().end(), [](const ToolSignature& s) {
    return s.pattern == "Nmap Scripting Engine" && s.tool == "Nmap";
  }));
}

}  // namespace
}  // namespace callhome
