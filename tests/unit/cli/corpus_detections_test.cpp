// Real captures and logs under ../shared/corpus produce the detections their sources describe
// (../shared/corpus/MANIFEST.md): Slips' port-scan datasets and malware captures, nDPI's P2P
// capture, Slips' Suricata EVE dataset. Skipped, with the reason, when the corpus is absent.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "unit/cli/shell.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCorpus = CALLHOME_CORPUS_DIR;

json analyze(const std::string& relative) {
  const fs::path input = kCorpus / relative;
  const auto r = callhome::testing::shell(std::string(CALLHOME_BINARY) + " analyze --json - " +
                                          input.string() + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << input;
  const std::string& out = r.out;
  return json::parse(out, nullptr, false);
}

std::vector<json> findings(const json& doc, const std::string& host, const std::string& kind) {
  std::vector<json> out;
  for (const auto& f : doc["findings"]) {
    if (f["host"] == host && f["kind"] == kind) out.push_back(f);
  }
  return out;
}

std::string top_hypothesis(const json& doc, const std::string& host) {
  for (const auto& i : doc["incidents"]) {
    if (i["host"] == host) return i["hypotheses"][0]["name"];
  }
  return "";
}

class CorpusDetections : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kCorpus)) GTEST_SKIP() << kCorpus << " is absent: no real data to read";
  }
};

// Slips: "Horizontal port scan to port http 80/tcp. From 10.0.2.112".
TEST_F(CorpusDetections, SlipsHorizontalPortScan) {
  const json doc = analyze("logs/zeek/slips/port-scans/horizontal/conn.log");
  const auto scans = findings(doc, "10.0.2.112", "outbound_scan");
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0]["attributes"]["scan_type"], "horizontal");
  EXPECT_EQ(scans[0]["attributes"]["port"], 80);
  EXPECT_EQ(top_hypothesis(doc, "10.0.2.112"), "scanning_tool");
}

// Slips: "vertical port scan to IP 45.33.32.156 from 192.168.1.9".
TEST_F(CorpusDetections, SlipsVerticalPortScanIsNotAPortFallback) {
  const json doc = analyze("logs/zeek/slips/port-scans/vertical/conn.log");
  const auto scans = findings(doc, "192.168.1.9", "outbound_scan");
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0]["attributes"]["scan_type"], "vertical");
  EXPECT_EQ(scans[0]["attributes"]["dst"], "45.33.32.156");
  EXPECT_TRUE(findings(doc, "192.168.1.9", "port_fallback").empty());
  EXPECT_EQ(top_hypothesis(doc, "192.168.1.9"), "scanning_tool");
}

// Slips' CTU malware capture: the infected 192.168.2.16 sweeps telnet ports (Mirai-like).
TEST_F(CorpusDetections, SlipsMalwareCaptureSweepsTelnetLikeAWorm) {
  const json doc = analyze("pcaps/slips/test7-malicious.pcap");
  bool telnet = false;
  for (const auto& f : findings(doc, "192.168.2.16", "outbound_scan")) {
    telnet |= f["attributes"]["port"] == 23 && f["attributes"]["targets"].get<int>() >= 20;
  }
  EXPECT_TRUE(telnet);
  EXPECT_EQ(top_hypothesis(doc, "192.168.2.16"), "worm_propagation");
}

// nDPI's Gnutella capture: a P2P client looking for peers.
TEST_F(CorpusDetections, NdpiGnutellaIsP2P) {
  const json doc = analyze("pcaps/ndpi/gnutella.pcap");
  EXPECT_FALSE(findings(doc, "10.0.2.15", "outbound_scan").empty());
  EXPECT_TRUE(findings(doc, "10.0.2.15", "port_fallback").empty());
  EXPECT_EQ(top_hypothesis(doc, "10.0.2.15"), "p2p_file_sharing");
}

// Slips' Suricata dataset: "vertical port scan", and the alerts themselves.
TEST_F(CorpusDetections, SlipsSuricataVerticalScanIsOneFindingAndAlertsImported) {
  const json doc = analyze("logs/suricata-eve/slips-test6-malicious.suricata.json");
  const auto scans = findings(doc, "192.168.1.132", "internal_scan");
  ASSERT_EQ(scans.size(), 1u);  // a slow scan in many episodes over a day: one finding
  EXPECT_EQ(scans[0]["attributes"]["scan_type"], "vertical");
  EXPECT_GE(scans[0]["attributes"]["episodes"].get<int>(), 2);
  EXPECT_GE(scans[0]["attributes"]["ports"].get<int>(), 12);
  size_t alerts = 0;
  for (const auto& f : doc["findings"]) alerts += f["kind"] == "ids_alert";
  EXPECT_GT(alerts, 100u);
}

// EvilFingers' nmap captures: FIN, XMAS, NULL, UDP and IP protocol scans of 192.168.1.25 from
// 192.168.1.10, none with a SYN. Each is a scan that names its probe; the target, which only
// answers (RST/ACK, ICMP unreachables), scans nothing.
TEST_F(CorpusDetections, NmapScansWithoutSynsNameTheirProbe) {
  const fs::path dir = kCorpus / "labelled/scan-nmap-stealth-flags";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  const json doc = analyze("labelled/scan-nmap-stealth-flags");
  std::set<std::string> probes;
  for (const auto& f : findings(doc, "192.168.1.10", "internal_scan")) {
    if (f["attributes"]["scan_type"] != "vertical") continue;
    EXPECT_EQ(f["attributes"]["dst"], "192.168.1.25");
    probes.insert(f["attributes"]["probe"].get<std::string>());
  }
  EXPECT_EQ(probes, (std::set<std::string>{"fin", "xmas", "null", "udp", "ip_protocol"}));
  for (const char* kind : {"outbound_scan", "internal_scan", "icmp_sweep", "beacon"}) {
    EXPECT_TRUE(findings(doc, "192.168.1.25", kind).empty()) << kind;
  }
}

}  // namespace
