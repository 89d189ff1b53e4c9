// Scans without SYNs are scans: each probe kind nmap sends (and Zeek's history of it) yields a
// scan finding that names the kind; TCP, UDP and IP-protocol scans of one host stay apart; the
// target's answers never read as its own scan.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "detect/probe.h"
#include "detect/scan_detector.h"

namespace callhome {
namespace {

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;
const char* kScanner = "192.168.1.10";
const char* kTarget = "192.168.1.25";

// A TCP probe as the tracker reports it: the flags each side sent, the history Zeek writes.
Connection tcp_probe(uint8_t flags, uint16_t port, double ts, bool rst_answer) {
  Connection c;
  c.ts = ts;
  c.orig_h = *Address::parse(kScanner);
  c.resp_h = *Address::parse(kTarget);
  c.orig_p = 61234;
  c.resp_p = port;
  c.ip_proto = kProtoTcp;
  c.has_counts = true;
  c.orig_pkts = 1;
  c.resp_pkts = rst_answer ? 1 : 0;
  c.has_tcp_flags = true;
  c.orig_tcp_flags = flags;
  c.resp_tcp_flags = rst_answer ? kRst | kAck : 0;
  const bool syn = flags & kSyn, fin = flags & kFin;
  c.history = std::string(syn ? "S" : fin ? "F" : "") + (rst_answer ? "r" : "");
  c.state = syn   ? (rst_answer ? ConnState::REJ : ConnState::S0)
            : fin ? (rst_answer ? ConnState::RSTR : ConnState::SH)
                  : (rst_answer ? ConnState::RSTRH : ConnState::OTH);
  c.first = c.last = Provenance{0, uint64_t(port)};
  return c;
}

Connection other_probe(uint8_t proto, uint16_t port, double ts, uint8_t icmp_code) {
  Connection c;
  c.ts = ts;
  c.orig_h = *Address::parse(kScanner);
  c.resp_h = *Address::parse(kTarget);
  c.orig_p = proto == kProtoUdp ? 61234 : 0;
  c.resp_p = port;
  c.ip_proto = proto;
  c.state = proto == kProtoUdp ? ConnState::S0 : ConnState::OTH;
  c.history = proto == kProtoUdp ? "D" : "";
  c.has_counts = true;
  c.orig_pkts = 1;
  c.has_icmp_error = icmp_code != 255;
  c.icmp_error_type = 3;
  c.icmp_error_code = icmp_code;
  c.first = c.last = Provenance{0, uint64_t(proto * 100000 + port)};
  return c;
}

std::vector<Finding> run(ScanDetector& d) {
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

TEST(ScanProbes, EachTcpProbeKindIsAVerticalScanThatNamesIt) {
  struct Case {
    uint8_t flags;
    ProbeKind probe;
    const char* name;
  } cases[] = {{kSyn, ProbeKind::syn, "SYN"},
               {0, ProbeKind::null, "NULL"},
               {kFin, ProbeKind::fin, "FIN"},
               {kFin | kPsh | kUrg, ProbeKind::xmas, "XMAS"},
               {kFin | kAck, ProbeKind::maimon, "Maimon"},
               {kAck, ProbeKind::ack, "ACK"}};
  for (const Case& k : cases) {
    ScanDetector d;
    for (uint16_t port = 1; port <= 100; ++port) {
      d.on_connection(tcp_probe(k.flags, port, 100 + port * 0.001, port % 10 != 0));
    }
    const auto out = run(d);
    ASSERT_EQ(out.size(), 1u) << to_string(k.probe);
    const Finding& f = out[0];
    EXPECT_EQ(f.kind, FindingKind::internal_scan);
    EXPECT_EQ(f.host.to_string(), kScanner);
    const auto& a = std::get<ScanDetails>(f.details);
    EXPECT_EQ(a.scan_type, ScanShape::vertical);
    EXPECT_EQ(a.proto, kProtoTcp);
    EXPECT_EQ(a.probe, k.probe);
    EXPECT_EQ(a.ports, 100u);
    EXPECT_EQ(a.closed, 90u);
    EXPECT_EQ(a.unanswered, 10u);
    EXPECT_EQ(a.answered, 0u);
    const std::string want = std::string(k.name) + " scan of 100 TCP ports of " + kTarget;
    EXPECT_NE(f.summary.find(want), std::string::npos) << f.summary;
  }
}

TEST(ScanProbes, ZeekHistoriesWithoutSynsAreProbes) {
  // A Zeek conn.log has no flags: "Fr" is a FIN-family probe refused, "r" a NULL probe refused.
  Connection fin = tcp_probe(kFin, 80, 1, true);
  fin.has_tcp_flags = false;
  EXPECT_EQ(probe_kind(fin), ProbeKind::fin);
  EXPECT_TRUE(is_stealth_probe(fin));
  EXPECT_EQ(probe_answer(fin), ProbeAnswer::closed);
  Connection null = tcp_probe(0, 80, 1, true);
  null.has_tcp_flags = false;
  EXPECT_EQ(probe_kind(null), ProbeKind::null);
  EXPECT_TRUE(is_probe(null));
  // An ordinary close the capture joined late is no probe: the responder answered with a FIN.
  Connection close = fin;
  close.history = "Ffa";
  EXPECT_FALSE(is_stealth_probe(close));
  EXPECT_FALSE(is_probe(close));

  ScanDetector d;
  for (uint16_t port = 1; port <= 30; ++port) {
    Connection c = tcp_probe(kFin, port, 10 + port * 0.01, true);
    c.has_tcp_flags = false;
    d.on_connection(c);
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<ScanDetails>(out[0].details).probe, ProbeKind::fin);
}

TEST(ScanProbes, UdpProbesRefusedByPortUnreachableAreClosed) {
  ScanDetector d;
  for (uint16_t port = 1; port <= 50; ++port) {
    d.on_connection(other_probe(kProtoUdp, port, 100 + port * 0.01, port <= 45 ? 3 : 255));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<ScanDetails>(out[0].details);
  EXPECT_EQ(a.probe, ProbeKind::udp);
  EXPECT_EQ(a.proto, kProtoUdp);
  EXPECT_EQ(a.closed, 45u);
  EXPECT_EQ(a.unanswered, 5u);
  EXPECT_NE(out[0].summary.find("UDP scan of 50 UDP ports of 192.168.1.25"), std::string::npos)
      << out[0].summary;
  bool cited = false;
  for (const auto& e : out[0].evidence) cited |= e.what.find("answered: closed") != e.what.npos;
  EXPECT_TRUE(cited);
}

TEST(ScanProbes, IpProtocolScanCountsProtocolNumbers) {
  ScanDetector d;
  for (int proto = 2; proto < 58; ++proto) {  // 58 is ICMPv6: the sweep detector's
    if (proto == kProtoTcp || proto == kProtoUdp) continue;
    d.on_connection(other_probe(uint8_t(proto), 0, 200 + proto * 0.01, 2));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = std::get<ScanDetails>(out[0].details);
  EXPECT_EQ(a.probe, ProbeKind::ip_protocol);
  EXPECT_EQ(a.proto, 0);  // written "ip"
  EXPECT_EQ(attributes_json(out[0])["proto"], "ip");
  EXPECT_EQ(a.protocols, 54u);
  EXPECT_EQ(a.closed, 54u);
  EXPECT_NE(out[0].summary.find("IP protocol scan of 54 IP protocols"), std::string::npos)
      << out[0].summary;
}

TEST(ScanProbes, TcpAndUdpScansOfOneHostAreTwoFindings) {
  ScanDetector d;
  for (uint16_t port = 1; port <= 40; ++port) {
    d.on_connection(tcp_probe(kSyn, port, 100 + port * 0.01, true));
    d.on_connection(other_probe(kProtoUdp, port, 100.005 + port * 0.01, 3));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 2u);
  std::vector<uint8_t> protos;
  for (const auto& f : out) {
    const auto& a = std::get<ScanDetails>(f.details);
    EXPECT_EQ(a.scan_type, ScanShape::vertical);
    EXPECT_EQ(a.ports, 40u);
    protos.push_back(a.proto);
  }
  std::sort(protos.begin(), protos.end());
  EXPECT_EQ(protos, (std::vector<uint8_t>{kProtoTcp, kProtoUdp}));
}

TEST(ScanProbes, SeparateScansOfOneHostAreNotMergedAcrossProbeKinds) {
  ScanDetector d;
  for (uint16_t port = 1; port <= 40; ++port) {
    d.on_connection(tcp_probe(kFin, port, 100 + port * 0.01, true));
    d.on_connection(tcp_probe(kFin | kPsh | kUrg, port, 1000 + port * 0.01, true));
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(std::get<ScanDetails>(out[0].details).probe,
            std::get<ScanDetails>(out[1].details).probe);
}

TEST(ScanProbes, TheTargetsAnswersAreNoScanOfItsOwn) {
  // The target's RSTs and ICMP unreachables, as a log holding them as records of their own
  // (the probes missed, or read by another tool) shows them.
  ScanDetector d;
  for (uint16_t port = 1; port <= 100; ++port) {
    d.on_connection(tcp_probe(kFin, port, 100 + port * 0.001, true));
    Connection rst;
    rst.ts = 100 + port * 0.001;
    rst.orig_h = *Address::parse(kTarget);
    rst.resp_h = *Address::parse(kScanner);
    rst.orig_p = port;
    rst.resp_p = 61234;
    rst.ip_proto = kProtoTcp;
    rst.state = ConnState::OTH;
    rst.history = "R";
    rst.has_counts = true;
    rst.orig_pkts = 1;
    rst.has_tcp_flags = true;
    rst.orig_tcp_flags = kRst | kAck;
    d.on_connection(rst);
    Connection unreach = rst;
    unreach.ip_proto = kProtoIcmp;
    unreach.orig_p = 3;
    unreach.resp_p = 3;
    unreach.history.clear();
    d.on_connection(unreach);
  }
  const auto out = run(d);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].host.to_string(), kScanner);
  EXPECT_EQ(std::get<ScanDetails>(out[0].details).probe, ProbeKind::fin);
}

}  // namespace
}  // namespace callhome
