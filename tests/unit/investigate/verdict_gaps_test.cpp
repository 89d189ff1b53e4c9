// The verdict gaps real evidence showed (issue "Verdicts that hold on real evidence"), each
// pinned by a hand-made host: who owns an address is not what it is, unanswered retries on an
// odd port are a dead C2 and not an update agent, the shape of a scan decides its explanation,
// and severity follows the strength of the evidence.
#include <gtest/gtest.h>

#include <algorithm>

#include "investigate/investigator.h"

namespace callhome {
namespace {

// 104.16.0.0/16 is a CDN's (owner only), 13.107.4.0/24 an OS vendor's own network,
// 198.51.100.0/24 nobody's. Names: updates.vendor.example is an update service.
class Lookup : public DestinationLookup {
 public:
  DestinationInfo destination(const Address& a) const override {
    const std::string s = a.to_string();
    if (s.rfind("104.16.", 0) == 0) return {13335, "Cloudflare", "US", "cdn", {}, false};
    if (s.rfind("13.107.4.", 0) == 0) return {8075, "Microsoft", "US", "os_vendor", {}, false};
    if (s == "104.16.9.9") return {};
    return {};
  }
  PortInfo port(uint16_t port, uint8_t) const override {
    if (port == 80 || port == 443) return {"http", "web", ""};
    if (port == 445) return {"microsoft-ds", "windows_networking", ""};
    if (port == 123) return {"ntp", "time", ""};
    return {};
  }
  NameInfo name(std::string_view n) const override {
    if (n == "updates.vendor.example") return {"Vendor", "update_service", ""};
    return {};
  }
};

Finding make(const char* kind, const char* host, Severity sev, FindingDetails details) {
  static int next = 1;
  Finding f;
  f.id = "F" + std::to_string(next++);
  f.kind = *finding_kind_from_name(kind);
  f.host = *Address::parse(host);
  f.severity = sev;
  f.first_ts = 100;
  f.last_ts = 7300;
  f.details = std::move(details);
  EXPECT_TRUE(details_fit(f.kind, f.details)) << kind;
  f.summary = std::string(kind) + " by " + host;
  return f;
}

Incident only(const std::vector<Finding>& fs, InvestigationContext ctx) {
  auto incidents = investigate(fs, ctx);
  EXPECT_EQ(incidents.size(), 1u);
  return incidents.empty() ? Incident{} : incidents.front();
}

std::string top(const Incident& inc) {
  return inc.hypotheses.empty() ? "" : inc.hypotheses.front().name;
}

BeaconDetails beacon_to(const std::string& dst, uint16_t port, double score) {
  BeaconDetails d;
  d.dst = dst;
  d.dst_port = port;
  d.ports = {port};
  d.proto = kProtoTcp;
  d.interval_s = 300;
  d.connections = 60;
  d.score = score;
  return d;
}

TEST(VerdictGaps, ACdnOwnerDoesNotMakeABeaconBenign) {
  Lookup lookup;
  const Incident inc = only(
      {make("beacon", "10.0.0.7", Severity::medium, beacon_to("104.16.9.9", 443, 0.95))}, {lookup});
  EXPECT_EQ(top(inc), "malware_c2_beacon") << inc.hypotheses.front().explanation;
}

TEST(VerdictGaps, AnOsVendorsOwnNetworkIsItsServiceWithoutAName) {
  Lookup lookup;
  const Incident inc =
      only({make("beacon", "10.0.0.7", Severity::medium, beacon_to("13.107.4.50", 443, 0.95))},
           {lookup});
  EXPECT_EQ(top(inc), "benign_periodic_service") << inc.hypotheses.front().explanation;
  EXPECT_LE(inc.severity, Severity::low);
}

TEST(VerdictGaps, ANameSeenOutranksTheOwner) {
  Lookup lookup;
  auto beacon = beacon_to("updates.vendor.example", 443, 0.95);
  beacon.beacon_type = BeaconType::sni;
  beacon.servers = {*Address::parse("104.16.9.9")};
  const Incident inc = only({make("beacon", "10.0.0.7", Severity::medium, beacon)}, {lookup});
  EXPECT_EQ(top(inc), "benign_periodic_service") << inc.hypotheses.front().explanation;
}

BeaconDetails retries_to(const std::string& dst, uint16_t port) {
  BeaconDetails d = beacon_to(dst, port, 0.9);
  d.interval_s = 12;
  d.connections = 8;
  d.failed = 8;
  d.retry_loop = true;
  return d;
}

TEST(VerdictGaps, UnansweredRetriesOnAnOddPortAreADeadC2NotAnUpdateAgent) {
  Lookup lookup;
  const Incident inc =
      only({make("beacon", "10.0.0.8", Severity::low, retries_to("198.51.100.20", 4445)),
            make("sequential_source_ports", "10.0.0.8", Severity::low,
                 SequentialPortsDetails{.attempts = 8, .max_run = 8, .dst_ports = {4445}})},
           {lookup});
  EXPECT_EQ(top(inc), "malware_c2_beacon") << inc.hypotheses.front().explanation;
  EXPECT_GE(inc.severity, Severity::medium);
  for (const auto& a : inc.actions) EXPECT_EQ(a.find("No isolation"), std::string::npos) << a;
  // The action names what to block.
  bool names_target = false;
  for (const auto& a : inc.actions) names_target |= a.find("198.51.100.20") != std::string::npos;
  EXPECT_TRUE(names_target);
}

TEST(VerdictGaps, NoIsolationNeededIsSaidOnlyOfUpdateServices) {
  Lookup lookup;
  InvestigationContext ctx(lookup);
  ctx.proxy = "10.0.0.2:3128";
  const Incident inc =
      only({make("beacon", "10.0.0.9", Severity::low, retries_to("104.16.1.1", 80)),
            make("proxy_bypass", "10.0.0.9", Severity::low,
                 ProxyBypassDetails{.ports = {80}, .blocked = 40})},
           ctx);
  EXPECT_EQ(top(inc), "update_agent_proxy_bypass") << inc.hypotheses.front().explanation;
  bool no_isolation = false;
  for (const auto& a : inc.actions) no_isolation |= a.find("No isolation") != std::string::npos;
  EXPECT_TRUE(no_isolation);
}

ScanDetails vertical(const std::string& dst, size_t ports) {
  return {.scan_type = ScanShape::vertical,
          .proto = kProtoTcp,
          .ports = ports,
          .targets = 1,
          .attempts = ports,
          .dst = Address::parse(dst)};
}

ScanDetails horizontal(uint16_t port, size_t targets) {
  return {.scan_type = ScanShape::horizontal,
          .proto = kProtoTcp,
          .port = port,
          .ports = 1,
          .targets = targets,
          .networks = 1,
          .attempts = targets};
}

TEST(VerdictGaps, ManyPortsOnOneInternalHostIsReconnaissanceNotAWorm) {
  Lookup lookup;
  const Incident inc = only(
      {make("internal_scan", "10.0.0.10", Severity::high, vertical("10.0.0.25", 1000))}, {lookup});
  EXPECT_EQ(top(inc), "scanning_tool") << inc.hypotheses.front().explanation;
}

TEST(VerdictGaps, OneExploitablePortOnManyHostsIsAWormInsideAndOutbound) {
  Lookup lookup;
  for (const char* kind : {"internal_scan", "outbound_scan"}) {
    SCOPED_TRACE(kind);
    const Incident inc =
        only({make(kind, "10.0.0.11", Severity::high, horizontal(445, 200))}, {lookup});
    EXPECT_EQ(top(inc), "worm_propagation") << inc.hypotheses.front().explanation;
  }
}

TEST(VerdictGaps, OneLowIdsAlertCannotMakeAHostHigh) {
  Lookup lookup;
  const Incident inc =
      only({make("ids_alert", "10.0.0.12", Severity::low,
                 IdsAlertDetails{.signature = "ET POLICY curl User-Agent", .sid = 1})},
           {lookup});
  EXPECT_LT(inc.severity, Severity::high) << top(inc);
  EXPECT_NE(top(inc), "malware_c2_beacon");
}

// A destination a threat-intel list names, contacted: evidence for a C2 channel, citing the
// indicator, and the host's verdict is no longer "benign".
TEST(VerdictGaps, AThreatIntelHitIsEvidenceForC2) {
  Lookup lookup;
  ThreatIntelDetails hit;
  hit.indicator = "198.51.100.66";
  hit.contacted = true;
  hit.connections = 3;
  const Incident inc = only({make("threat_intel", "10.0.0.13", Severity::high, hit)}, {lookup});
  EXPECT_NE(top(inc), "benign");
  const auto c2 = std::find_if(inc.hypotheses.begin(), inc.hypotheses.end(),
                               [](const Hypothesis& h) { return h.name == "malware_c2_beacon"; });
  ASSERT_NE(c2, inc.hypotheses.end());
  bool cited = false;
  for (const auto& e : c2->evidence_for) cited |= e.find("threat-intel") != std::string::npos;
  EXPECT_TRUE(cited) << c2->explanation;
}

}  // namespace
}  // namespace callhome
