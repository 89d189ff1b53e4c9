// Threat-intel lists end to end: analyze with --intel FILE on a generated capture and with the
// site profile's [intel] lists on a generated firewall log; the hits are threat_intel findings
// in the findings document, bad list lines are warnings naming FILE:LINE, and a missing list is
// an error naming it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {

using callhome::testing::shell;
using nlohmann::json;

constexpr const char* kList =
    "# threat-intel list for the test\n"
    "203.0.113.7\n"        // line 2
    "evil.example\n"       // line 3
    "bad.example\n"        // line 4
    "not a valid line!\n"  // line 5: bad
    "198.51.100.0/24\n";   // line 6

// 192.168.1.50 looks up gate.evil.example (answer 93.184.216.34, itself unlisted) and connects
// to it; 192.168.1.51 sends SYNs to the listed 203.0.113.7:8080, unanswered; 192.168.1.52 only
// looks up update.bad.example.
constexpr const char* kMakeCapture = R"PY(
import sys
from scapy.all import Ether, IP, UDP, TCP, DNS, DNSQR, DNSRR, wrpcap
e = Ether(src="00:11:22:33:44:55", dst="66:77:88:99:aa:bb")
p = []
def add(pkt, t):
    pkt.time = t
    p.append(pkt)
q = DNS(id=7, rd=1, qd=DNSQR(qname="gate.evil.example", qtype="A"))
add(e/IP(src="192.168.1.50", dst="192.168.1.1")/UDP(sport=53000, dport=53)/q, 1700000000.0)
add(e/IP(src="192.168.1.1", dst="192.168.1.50")/UDP(sport=53, dport=53000)/DNS(
    id=7, qr=1, rd=1, ra=1, qd=DNSQR(qname="gate.evil.example", qtype="A"),
    an=DNSRR(rrname="gate.evil.example", type="A", rdata="93.184.216.34", ttl=60)), 1700000000.01)
c, s = ("192.168.1.50", 50000), ("93.184.216.34", 80)
add(e/IP(src=c[0], dst=s[0])/TCP(sport=c[1], dport=s[1], flags="S", seq=100), 1700000000.1)
add(e/IP(src=s[0], dst=c[0])/TCP(sport=s[1], dport=c[1], flags="SA", seq=900, ack=101), 1700000000.15)
add(e/IP(src=c[0], dst=s[0])/TCP(sport=c[1], dport=s[1], flags="A", seq=101, ack=901), 1700000000.2)
for k in range(3):
    add(e/IP(src="192.168.1.51", dst="203.0.113.7")/TCP(sport=40000 + k, dport=8080, flags="S"),
        1700000010.0 + k)
q = DNS(id=9, rd=1, qd=DNSQR(qname="update.bad.example", qtype="A"))
add(e/IP(src="192.168.1.52", dst="192.168.1.1")/UDP(sport=53001, dport=53)/q, 1700000020.0)
add(e/IP(src="192.168.1.1", dst="192.168.1.52")/UDP(sport=53, dport=53001)/DNS(
    id=9, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname="update.bad.example", qtype="A")), 1700000020.01)
wrpcap(sys.argv[1], p)
)PY";

std::vector<json> intel_findings(const json& doc, const std::string& host) {
  std::vector<json> out;
  for (const auto& f : doc["findings"]) {
    if (f["host"] == host && f["kind"] == "threat_intel") out.push_back(f);
  }
  return out;
}

class ThreatIntelCli : public ::testing::Test {
 protected:
  callhome::testing::TempDir tmp_;

  // Runs analyze; returns the findings document and puts standard error in `err`.
  json analyze(const std::string& args, std::string& err, int expect_status = 0) {
    const std::string out = tmp_.file("findings.json");
    const auto r = shell(std::string(CALLHOME_BINARY) + " analyze --json " + out + " " + args +
                         " 2>" + tmp_.file("stderr.txt") + " >/dev/null");
    std::ifstream e(tmp_.file("stderr.txt"));
    err.assign(std::istreambuf_iterator<char>(e), {});
    EXPECT_EQ(r.status, expect_status) << err;
    std::ifstream in(out);
    return json::parse(in, nullptr, false);
  }
};

TEST_F(ThreatIntelCli, ACaptureWithIntelOption) {
  if (shell("/usr/bin/python3 -c 'import scapy.all' 2>&1").status != 0) {
    GTEST_SKIP() << "needs /usr/bin/python3 with python3-scapy";
  }
  const std::string script = tmp_.write("make.py", kMakeCapture);
  const std::string pcap = tmp_.file("evidence/case.pcap");
  tmp_.write("evidence/.keep", "");
  ASSERT_EQ(shell("/usr/bin/python3 " + script + " " + pcap + " 2>&1").status, 0);
  const std::string list = tmp_.write("intel/list.txt", kList);
  std::string err;
  const json doc = analyze("--intel " + list + " " + pcap, err);
  ASSERT_FALSE(doc.is_discarded()) << err;
  EXPECT_NE(err.find(list + ":5: "), std::string::npos) << err;  // the bad line, by number

  // A listed name looked up, then its address contacted: high, with the DNS packet cited.
  auto f = intel_findings(doc, "192.168.1.50");
  ASSERT_EQ(f.size(), 1u) << doc["findings"].dump(2);
  EXPECT_EQ(f[0]["severity"], "high");
  const json& a = f[0]["attributes"];
  EXPECT_EQ(a["indicator"], "evil.example");
  EXPECT_EQ(a["matched"], "name");
  EXPECT_EQ(a["list"], list);
  EXPECT_EQ(a["list_line"], 3);
  EXPECT_EQ(a["contacted"], true);
  EXPECT_EQ(a["names"], json::array({"gate.evil.example"}));
  EXPECT_EQ(a["destinations"], json::array({"93.184.216.34:80"}));
  ASSERT_FALSE(f[0]["evidence"].empty());
  EXPECT_EQ(f[0]["evidence"][0]["input"], 0);
  EXPECT_EQ(f[0]["evidence"][0]["ref"], "packet 1");

  // SYNs to a listed address, never answered: still contact, high.
  f = intel_findings(doc, "192.168.1.51");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["severity"], "high");
  EXPECT_EQ(f[0]["attributes"]["indicator"], "203.0.113.7");
  EXPECT_EQ(f[0]["attributes"]["list_line"], 2);
  EXPECT_EQ(f[0]["attributes"]["destinations"], json::array({"203.0.113.7:8080"}));

  // Only looked up (NXDOMAIN): medium.
  f = intel_findings(doc, "192.168.1.52");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["severity"], "medium");
  EXPECT_EQ(f[0]["attributes"]["indicator"], "bad.example");
  EXPECT_EQ(f[0]["attributes"]["contacted"], false);
}

TEST_F(ThreatIntelCli, AFirewallLogWithTheSiteProfilesLists) {
  tmp_.write("case/intel/list.txt", kList);
  const std::string site =
      tmp_.write("case/site.toml",
                 "[network]\ninternal = [\"192.168.1.0/24\"]\n\n[intel]\nlists = "
                 "[\"intel/list.txt\"]\n");
  const std::string log = tmp_.write(
      "case/fw.log",
      "Nov 17 13:12:50 fw kernel: [DROP] IN=eth1 OUT=eth0 SRC=192.168.1.60 DST=198.51.100.23 "
      "LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=40100 DPT=443 WINDOW=64240 RES=0x00 "
      "SYN URGP=0\n"
      "Nov 17 13:12:51 fw kernel: [DROP] IN=eth1 OUT=eth0 SRC=192.168.1.60 DST=198.51.100.23 "
      "LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=2 DF PROTO=TCP SPT=40101 DPT=443 WINDOW=64240 RES=0x00 "
      "SYN URGP=0\n"
      "Nov 17 13:12:52 fw kernel: [ACCEPT] IN=eth1 OUT=eth0 SRC=192.168.1.61 DST=93.184.216.34 "
      "LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=3 DF PROTO=TCP SPT=40102 DPT=443 WINDOW=64240 "
      "RES=0x00 SYN URGP=0\n");
  // Run from elsewhere: the list is found beside the profile, not in the working directory.
  std::string err;
  const json doc = analyze("--year 2024 --site " + site + " " + log, err);
  ASSERT_FALSE(doc.is_discarded()) << err;
  const auto f = intel_findings(doc, "192.168.1.60");
  ASSERT_EQ(f.size(), 1u) << doc["findings"].dump(2);
  EXPECT_EQ(f[0]["severity"], "high");
  EXPECT_EQ(f[0]["attributes"]["indicator"], "198.51.100.0/24");
  EXPECT_EQ(f[0]["attributes"]["list_line"], 6);
  EXPECT_EQ(f[0]["attributes"]["connections"], 2);
  ASSERT_EQ(f[0]["evidence"].size(), 2u);
  EXPECT_EQ(f[0]["evidence"][0]["ref"], "line 1");
  EXPECT_EQ(f[0]["evidence"][1]["ref"], "line 2");
  EXPECT_TRUE(intel_findings(doc, "192.168.1.61").empty());
}

TEST_F(ThreatIntelCli, AMissingListIsAnErrorNamingIt) {
  const std::string log = tmp_.write(
      "fw.log",
      "Nov 17 13:12:50 fw kernel: [DROP] IN=eth1 OUT=eth0 SRC=192.168.1.60 DST=198.51.100.23 "
      "LEN=60 PROTO=TCP SPT=40100 DPT=443 SYN\n");
  std::string err;
  analyze("--year 2024 --intel " + tmp_.file("nope.txt") + " " + log, err, 2);
  EXPECT_NE(err.find(tmp_.file("nope.txt")), std::string::npos) << err;
  EXPECT_NE(err.find("--intel"), std::string::npos) << err;
}

}  // namespace
