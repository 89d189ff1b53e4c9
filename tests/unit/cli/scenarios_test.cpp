// The scenarios of ../shared/CASES.md end to end: tests/scenarios/make_scenarios.py writes the
// evidence, `callhome analyze --json` reads it, and each scenario asserts the findings and the
// explanation it must produce, and those it must not.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/cli/shell.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

using callhome::testing::shell;
using Shell = callhome::testing::ShellResult;

int rank(const std::string& s) {
  const char* order[] = {"info", "low", "medium", "high", "critical"};
  for (int i = 0; i < 5; ++i) {
    if (s == order[i]) return i;
  }
  return -1;
}

class Scenarios : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("callhome-scenarios-" + std::to_string(getpid()));
    const Shell probe = shell("/usr/bin/python3 -c 'import scapy.all' 2>&1");
    have_scapy_ = probe.status == 0;
    probe_output_ = probe.out;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void SetUp() override {
    if (!have_scapy_) {
      GTEST_SKIP() << "the scenario generator needs /usr/bin/python3 with python3-scapy "
                      "(scripts/setup.sh installs both): "
                   << probe_output_;
    }
  }

  // Writes one scenario, then returns its findings document, analysed with its site profile.
  static json analyze(const std::string& name) {
    const Shell gen =
        shell("/usr/bin/python3 " + std::string(CALLHOME_SOURCE_DIR) +
              "/tests/scenarios/make_scenarios.py " + dir_.string() + " " + name + " 2>&1");
    EXPECT_EQ(gen.status, 0) << gen.out;
    const fs::path s = dir_ / name;
    const fs::path out = s / "findings.json";
    const Shell r =
        shell(std::string(CALLHOME_BINARY) + " analyze --site " + (s / "site.toml").string() +
              " --json " + out.string() + " " + (s / "evidence").string() + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    std::ifstream in(out);
    return json::parse(in, nullptr, false);
  }

  static std::vector<json> findings(const json& doc, const std::string& host,
                                    const std::string& kind = "") {
    std::vector<json> out;
    for (const auto& f : doc["findings"]) {
      if (f["host"] == host && (kind.empty() || f["kind"] == kind)) out.push_back(f);
    }
    return out;
  }

  static json incident(const json& doc, const std::string& host) {
    for (const auto& i : doc["incidents"]) {
      if (i["host"] == host) return i;
    }
    ADD_FAILURE() << "no incident for " << host;
    return json::object();
  }

  static std::string top(const json& inc) {
    return inc.contains("hypotheses") ? inc["hypotheses"][0]["name"].get<std::string>() : "";
  }

  static inline fs::path dir_;
  static inline bool have_scapy_ = false;
  static inline std::string probe_output_;
};

// Every finding and incident cites its evidence, and every input was read without a rejected
// record.
void expect_clean_document(const json& doc) {
  for (const auto& in : doc["inputs"]) {
    EXPECT_EQ(in["rejected"], 0) << in["path"];
    EXPECT_GT(in["records"].get<int>(), 0) << in["path"];
    EXPECT_EQ(in["sha256"].get<std::string>().size(), 64u);
  }
  // The attributes ../shared/spec/interface.md promises for each kind.
  const std::map<std::string, std::vector<const char*>> promised = {
      {"outbound_scan",
       {"scan_type", "proto", "port", "ports", "targets", "packets", "duration_s", "answered"}},
      {"internal_scan",
       {"scan_type", "proto", "port", "ports", "targets", "packets", "duration_s", "answered"}},
      {"icmp_sweep", {"targets", "packets", "replies"}},
      {"port_fallback", {"dst", "ports", "succeeded_port"}},
      {"beacon", {"dst", "interval_s", "connections", "score"}},
      {"proxy_bypass", {"ports", "destinations", "blocked", "dst_orgs"}},
      {"sequential_source_ports", {"attempts", "max_run"}},
      {"fan_in", {"org", "port", "hosts", "host_list"}},
      {"off_hours", {"connections", "window"}},
      {"outbound_flood", {"dst", "packets", "pps"}},
      {"ids_alert", {"signature", "sid"}},
  };
  for (const auto& f : doc["findings"]) {
    EXPECT_FALSE(f["evidence"].empty()) << f["id"] << " " << f["kind"];
    EXPECT_FALSE(f["summary"].get<std::string>().empty());
    EXPECT_GE(rank(f["severity"]), 0) << f["severity"];
    const auto it = promised.find(f["kind"].get<std::string>());
    if (it == promised.end()) continue;
    for (const char* key : it->second) {
      EXPECT_TRUE(f["attributes"].contains(key)) << f["kind"] << " lacks " << key;
    }
  }
}

TEST_F(Scenarios, Case1DayTheUnattendedScanIsOneFindingAndP2P) {
  const json doc = analyze("case1-day");
  expect_clean_document(doc);
  const auto scans = findings(doc, "192.168.1.3", "outbound_scan");
  ASSERT_EQ(scans.size(), 1u);  // 33 SYNs to tcp/1214 on 11 hosts in 34 s: one finding
  const json& a = scans[0]["attributes"];
  EXPECT_EQ(a["scan_type"], "horizontal");
  EXPECT_EQ(a["port"], 1214);
  EXPECT_EQ(a["targets"], 11);
  EXPECT_EQ(a["packets"], 33);
  EXPECT_LE(a["duration_s"].get<double>(), 34);
  EXPECT_GE(rank(scans[0]["severity"]), rank("high"));
  const auto idle = findings(doc, "192.168.1.3", "off_hours");
  ASSERT_EQ(idle.size(), 1u);  // 1:58 PM on a Wednesday, inside the idle window
  EXPECT_NE(idle[0]["attributes"]["window"].get<std::string>().find("idle"), std::string::npos);

  // The proxy log names the application: StreamCast's site, and WildTangent's updater POST.
  std::map<std::string, json> contacts;
  for (const auto& f : findings(doc, "192.168.1.3", "vendor_contact")) {
    contacts[f["attributes"]["category"]] = f;
  }
  ASSERT_TRUE(contacts.contains("p2p_vendor"));
  EXPECT_EQ(contacts["p2p_vendor"]["attributes"]["names"][0]["name"],
            "musiccity.streamcastnetworks.com");
  EXPECT_EQ(contacts["p2p_vendor"]["attributes"]["failed"], 1);  // musiccity.com, 503
  ASSERT_TRUE(contacts.contains("bundled_software"));
  EXPECT_EQ(contacts["bundled_software"]["attributes"]["methods"], json::array({"POST"}));
  const json& cited = contacts["bundled_software"]["evidence"][0];
  EXPECT_EQ(doc["inputs"][cited["input"].get<int>()]["format"], "squid");
  EXPECT_EQ(cited["ref"], "line 5");

  const json inc = incident(doc, "192.168.1.3");
  EXPECT_EQ(top(inc), "p2p_file_sharing");
  EXPECT_NE(inc["hypotheses"][0]["explanation"].get<std::string>().find("musiccity"),
            std::string::npos);
  EXPECT_GE(rank(inc["severity"]), rank("high"));
  EXPECT_EQ(doc["incidents"][0]["host"], "192.168.1.3");  // ranked first
  // Must not: the PC that only browsed through the proxy in the evening.
  for (const auto& f : findings(doc, "192.168.1.4")) {
    EXPECT_LT(rank(f["severity"]), rank("medium")) << f["summary"];
  }
  for (const auto& f : doc["findings"]) EXPECT_NE(f["kind"], "outbound_flood");
}

TEST_F(Scenarios, Case1LabIcmpProbesAndPortFallbackPointAtP2P) {
  const json doc = analyze("case1-lab");
  expect_clean_document(doc);
  const auto sweeps = findings(doc, "192.168.1.3", "icmp_sweep");
  ASSERT_EQ(sweeps.size(), 1u);
  EXPECT_EQ(sweeps[0]["attributes"]["targets"], 4);
  EXPECT_EQ(sweeps[0]["attributes"]["replies"]["11/0"], 4);  // time exceeded, from each
  const auto fallback = findings(doc, "192.168.1.3", "port_fallback");
  ASSERT_EQ(fallback.size(), 1u);
  EXPECT_EQ(fallback[0]["attributes"]["dst"], "206.142.53.27");
  EXPECT_EQ(fallback[0]["attributes"]["ports"], json::array({1214, 80, 8080}));
  EXPECT_EQ(fallback[0]["attributes"]["succeeded_port"], 8080);
  const json inc = incident(doc, "192.168.1.3");
  EXPECT_EQ(top(inc), "p2p_file_sharing");
  EXPECT_GE(inc["hypotheses"][0]["confidence"].get<double>(), 0.5);
  // The supernode names looked up in DNS are tied to the destination.
  EXPECT_NE(inc["hypotheses"][0]["explanation"].get<std::string>().find("streamcastnetworks"),
            std::string::npos)
      << inc["hypotheses"][0]["explanation"];
}

// Case 2 in three firewall formats: the same verdict from each.
class Case2 : public Scenarios, public ::testing::WithParamInterface<const char*> {};

TEST_P(Case2, UpdateAgentsBehindTheProxyNotDdosZombies) {
  const json doc = analyze(GetParam());
  expect_clean_document(doc);
  std::vector<std::string> hosts;
  for (int n = 10; n < 22; ++n) hosts.push_back("192.168.0." + std::to_string(n));
  hosts.push_back("192.168.0.77");  // the consultant's laptop
  for (const auto& h : hosts) {
    SCOPED_TRACE(h);
    const json inc = incident(doc, h);
    EXPECT_EQ(top(inc), "update_agent_proxy_bypass");
    EXPECT_LT(rank(inc["severity"]), rank("medium"));
    ASSERT_TRUE(inc.contains("hypotheses"));
    for (const auto& hyp : inc["hypotheses"]) {
      if (hyp["name"] == "ddos_participation") {
        EXPECT_LT(hyp["confidence"].get<double>(), 0.05);
      }
    }
    // Serial attempts, source port + 1: one process retrying.
    const auto seq = findings(doc, h, "sequential_source_ports");
    ASSERT_EQ(seq.size(), 1u);
    EXPECT_GE(seq[0]["attributes"]["max_run"].get<int>(), 14);
    // Retries on a schedule, all blocked.
    const auto loops = findings(doc, h, "beacon");
    ASSERT_EQ(loops.size(), 1u);
    EXPECT_TRUE(loops[0]["attributes"]["retry_loop"].get<bool>());
    EXPECT_EQ(loops[0]["attributes"]["blocked"], loops[0]["attributes"]["connections"]);
    EXPECT_NEAR(loops[0]["attributes"]["burst_interval_s"].get<double>(), 3600, 60);
    // Around the proxy, blocked.
    const auto bypass = findings(doc, h, "proxy_bypass");
    ASSERT_EQ(bypass.size(), 1u);
    EXPECT_GT(bypass[0]["attributes"]["blocked"].get<int>(), 100);
    // Every PC to Akamai.
    const auto fan = findings(doc, h, "fan_in");
    ASSERT_EQ(fan.size(), 1u);
    EXPECT_EQ(fan[0]["attributes"]["org"], "Akamai");
    EXPECT_EQ(fan[0]["attributes"]["hosts"], 13);
    // Must not: a dozen Akamai addresses within seconds is not a scan worth medium or more,
    // and nothing floods.
    for (const auto& f : findings(doc, h)) {
      if (f["kind"] == "outbound_scan") {
        EXPECT_LT(rank(f["severity"]), rank("medium"));
      }
      EXPECT_NE(f["kind"], "outbound_flood");
    }
    EXPECT_LE(findings(doc, h, "outbound_scan").size(), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(ThreeFirewallFormats, Case2,
                         ::testing::Values("case2-table", "case2-iptables", "case2-asa"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(n.find('-') + 1);
                         });

TEST_F(Scenarios, ControlDdosFloodIsDdosParticipation) {
  const json doc = analyze("control-ddos");
  expect_clean_document(doc);
  for (const char* h : {"10.1.0.21", "10.1.0.22", "10.1.0.23", "10.1.0.24"}) {
    SCOPED_TRACE(h);
    const auto floods = findings(doc, h, "outbound_flood");
    ASSERT_EQ(floods.size(), 1u);
    EXPECT_EQ(floods[0]["attributes"]["dst"], "88.198.23.4");
    EXPECT_GE(floods[0]["attributes"]["pps"].get<double>(), 400);
    const json inc = incident(doc, h);
    EXPECT_EQ(top(inc), "ddos_participation");
    EXPECT_GE(rank(inc["severity"]), rank("high"));
  }
  // Must not: the hosts that only browsed.
  for (const char* h : {"10.1.0.30", "10.1.0.31"}) {
    for (const auto& f : findings(doc, h)) {
      EXPECT_LT(rank(f["severity"]), rank("medium")) << f["summary"];
    }
  }
}

TEST_F(Scenarios, ControlC2BeaconIsAccusedAndNtpIsNot) {
  const json doc = analyze("control-c2");
  expect_clean_document(doc);
  std::vector<json> c2;
  for (const auto& f : findings(doc, "10.2.0.31", "beacon")) {
    if (f["attributes"]["dst"] == "stats.cdn-telemetry.info" ||
        f["attributes"]["dst"] == "91.219.236.18") {
      c2.push_back(f);
    }
  }
  ASSERT_EQ(c2.size(), 1u);
  EXPECT_NEAR(c2[0]["attributes"]["interval_s"].get<double>(), 300, 30);
  EXPECT_GE(c2[0]["attributes"]["score"].get<double>(), 0.8);
  EXPECT_FALSE(c2[0]["attributes"]["retry_loop"].get<bool>());
  const json inc = incident(doc, "10.2.0.31");
  EXPECT_EQ(top(inc), "malware_c2_beacon");
  EXPECT_GE(rank(inc["severity"]), rank("high"));
  // NTP every 1024 s is periodic too, but explained: never medium or above, never C2.
  for (const char* h : {"10.2.0.31", "10.2.0.40", "10.2.0.41", "10.2.0.42"}) {
    for (const auto& f : findings(doc, h, "beacon")) {
      if (f["attributes"].value("dst_port", 0) != 123) continue;
      EXPECT_LT(rank(f["severity"]), rank("medium")) << f["summary"];
      EXPECT_EQ(f["attributes"]["known_service"], "ntp");
    }
  }
  for (const char* h : {"10.2.0.40", "10.2.0.41", "10.2.0.42"}) {
    SCOPED_TRACE(h);
    for (const auto& f : findings(doc, h)) EXPECT_LT(rank(f["severity"]), rank("medium"));
    for (const auto& i : doc["incidents"]) {
      if (i["host"] != h) continue;
      EXPECT_NE(top(i), "malware_c2_beacon");
      EXPECT_LT(rank(i["severity"]), rank("medium"));
    }
  }
}

}  // namespace
