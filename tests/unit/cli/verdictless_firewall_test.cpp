// A firewall export with no verdict column (Case 2's own table: date, time, protocol, source and
// destination): the patterns that do not depend on the outcome still come out, saying the
// outcome is unknown; declared a list of blocked connections (site profile or command line), the
// same export yields Case 2's verdict.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {
using nlohmann::json;

// Several PCs retrying an Akamai-like /24 on port 80 once an hour, 5 attempts a second apart,
// a pause, then 14 more, the source port rising by one each time; newest first as exported.
std::string verdictless_table() {
  std::vector<std::string> rows;
  const std::vector<std::string> hosts = {"192.168.0.10", "192.168.0.11", "192.168.0.12",
                                          "192.168.0.13", "192.168.0.77"};
  unsigned seed = 2006;
  const auto next = [&seed](unsigned n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (size_t h = 0; h < hosts.size(); ++h) {
    unsigned port = 1100 + unsigned(h) * 150;
    for (int hour = 8; hour < 18; ++hour) {
      int t = hour * 3600 + int(h) * 97 + int(next(40));  // seconds since local midnight
      for (int k = 0; k < 19; ++k) {
        const int at = t + (k < 5 ? k : 22 + (k - 5));
        char row[160];
        std::snprintf(row, sizeof row,
                      "| 17-Nov-06 | %02d:%02d:%02d | TCP | %s | %u | 72.246.53.%u | 80 (HTTP) |",
                      at / 3600, at / 60 % 60, at % 60, hosts[h].c_str(), port++, 80 + next(20));
        rows.emplace_back(row);
        if (k == 4) ++port;  // a port used elsewhere during the pause
      }
      port += 20 + next(100);  // other programs' connections in between
    }
  }
  std::string out =
      "| Date | Time | Protocol | Source IP | Source Port | Destination IP | Destination Port "
      "|\n|---|---|---|---|---|---|---|\n";
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) out += *it + "\n";
  return out;
}

const char* kSite =
    "[network]\ninternal = [\"192.168.0.0/24\"]\ntimezone = \"America/New_York\"\n\n"
    "[proxy]\naddress = \"192.168.0.5:8080\"\n";

class VerdictlessFirewall : public ::testing::Test {
 protected:
  void SetUp() override { export_ = tmp_.write("evidence/fw-export.txt", verdictless_table()); }

  json analyze(const std::string& site_extra, const std::string& options) {
    const std::string site = tmp_.write("site.toml", std::string(kSite) + site_extra);
    const std::string out = tmp_.file("findings.json");
    const auto r = callhome::testing::shell(std::string(CALLHOME_BINARY) + " analyze --site " +
                                            site + " --json " + out + " " + options + " " +
                                            tmp_.file("evidence") + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    std::ifstream in(out);
    return json::parse(in, nullptr, false);
  }

  static std::vector<json> findings(const json& doc, const std::string& host,
                                    const std::string& kind) {
    std::vector<json> out;
    for (const auto& f : doc["findings"]) {
      if (f["host"] == host && f["kind"] == kind) out.push_back(f);
    }
    return out;
  }

  static std::string top(const json& doc, const std::string& host) {
    for (const auto& i : doc["incidents"]) {
      if (i["host"] == host && i.contains("hypotheses")) {
        return i["hypotheses"][0]["name"].get<std::string>();
      }
    }
    return "";
  }

  // Declared blocked: Case 2's verdict, the attempts counted blocked.
  static void expect_case2_verdict(const json& doc) {
    ASSERT_TRUE(doc.is_object());
    for (const char* h : {"192.168.0.10", "192.168.0.13", "192.168.0.77"}) {
      SCOPED_TRACE(h);
      EXPECT_EQ(top(doc, h), "update_agent_proxy_bypass");
      const auto seq = findings(doc, h, "sequential_source_ports");
      ASSERT_EQ(seq.size(), 1u);
      EXPECT_EQ(seq[0]["attributes"]["outcome_unknown"], 0);
      EXPECT_NE(seq[0]["summary"].get<std::string>().find("failed attempts"), std::string::npos);
      const auto bypass = findings(doc, h, "proxy_bypass");
      ASSERT_EQ(bypass.size(), 1u);
      EXPECT_GT(bypass[0]["attributes"]["blocked"].get<int>(), 100);
    }
    ASSERT_EQ(doc["inputs"].size(), 1u);
    EXPECT_NE(doc["inputs"][0].dump().find("every record read as blocked"), std::string::npos);
  }

  callhome::testing::TempDir tmp_;
  std::string export_;
};

TEST_F(VerdictlessFirewall, PatternsComeOutWithTheOutcomeUnknown) {
  const json doc = analyze("", "");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["inputs"][0]["rejected"], 0);
  for (const char* h : {"192.168.0.10", "192.168.0.11", "192.168.0.13", "192.168.0.77"}) {
    SCOPED_TRACE(h);
    const auto seq = findings(doc, h, "sequential_source_ports");
    ASSERT_EQ(seq.size(), 1u);
    EXPECT_GE(seq[0]["attributes"]["max_run"].get<int>(), 14);
    EXPECT_EQ(seq[0]["attributes"]["outcome_unknown"], seq[0]["attributes"]["attempts"]);
    const std::string s = seq[0]["summary"];
    EXPECT_NE(s.find("unknown outcome"), std::string::npos) << s;
    EXPECT_EQ(s.find("failed"), std::string::npos) << s;
    EXPECT_EQ(s.find("blocked"), std::string::npos) << s;

    const auto fan = findings(doc, h, "fan_in");
    ASSERT_EQ(fan.size(), 1u);
    EXPECT_EQ(fan[0]["attributes"]["hosts"], 5);
    EXPECT_EQ(fan[0]["attributes"]["port"], 80);
    const std::string f = fan[0]["summary"];
    EXPECT_NE(f.find("outcome unknown"), std::string::npos) << f;
    EXPECT_EQ(f.find("fail"), std::string::npos) << f;
    EXPECT_EQ(f.find("blocked"), std::string::npos) << f;
  }
}

TEST_F(VerdictlessFirewall, SiteProfileDeclaresTheExportBlocked) {
  expect_case2_verdict(analyze("\n[inputs]\nblocked = [\"fw-export.txt\"]\n", ""));
}

TEST_F(VerdictlessFirewall, CommandLineDeclaresTheExportBlocked) {
  expect_case2_verdict(analyze("", "--blocked-list " + export_));
}

}  // namespace
