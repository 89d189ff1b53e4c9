#include "logs/iptables_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::addr;
using fwtest::run;
using fwtest::utc;
using namespace std::string_literals;

const std::string kSyn =
    "Nov 17 13:12:50 gw kernel: [ 1234.567890] [UFW BLOCK] IN=eth1 OUT=eth0 "
    "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=192.168.0.13 DST=72.246.53.81 LEN=48 "
    "TOS=0x00 PREC=0x00 TTL=127 ID=4321 DF PROTO=TCP SPT=2499 DPT=80 WINDOW=64240 RES=0x00 "
    "SYN URGP=0";

TEST(Iptables, TcpSynWithEveryField) {
  const absl::TimeZone chicago = fwtest::chicago();
  auto r = run(read_iptables, kSyn + "\n", fwtest::context(2006, &chicago, 7));
  ASSERT_EQ(r.conns.size(), 1u);
  const Connection& c = r.conns[0];
  EXPECT_EQ(c.ts, utc(2006, 11, 17, 19, 12, 50));  // 13:12:50 CST
  EXPECT_EQ(addr(c.orig_h), "192.168.0.13");
  EXPECT_EQ(c.orig_p, 2499);
  EXPECT_EQ(addr(c.resp_h), "72.246.53.81");
  EXPECT_EQ(c.resp_p, 80);
  EXPECT_EQ(c.ip_proto, kProtoTcp);
  EXPECT_EQ(c.action, Action::blocked);
  EXPECT_EQ(c.state, ConnState::none);
  EXPECT_EQ(c.history, "S");
  EXPECT_TRUE(c.has_counts);
  EXPECT_EQ(c.orig_pkts, 1u);
  EXPECT_EQ(c.orig_ip_bytes, 48u);
  EXPECT_EQ(c.resp_pkts, 0u);
  EXPECT_FALSE(c.has_duration);
  EXPECT_FALSE(c.has_bytes);
  EXPECT_TRUE(c.uid.empty());
  EXPECT_TRUE(c.service.empty());
  EXPECT_EQ(c.first, (Provenance{7, 1}));
  EXPECT_EQ(c.last, (Provenance{7, 1}));
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.first_ts, c.ts);
}

TEST(Iptables, LineNumbersCountEveryLineWhateverItHolds) {
  const std::string text = "\n" + kSyn +
                           "\nNov 17 13:12:51 gw sshd[99]: Accepted publickey for root\n"
                           "\r\n"
                           "Nov 17 13:12:52 gw kernel: [ 1.0] usb 1-1: new device\n" +
                           kSyn + "\r\n" + kSyn;  // no final newline
  auto r = run(read_iptables, text, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 3u);
  EXPECT_EQ(r.conns[0].first.ref, 2u);
  EXPECT_EQ(r.conns[1].first.ref, 6u);
  EXPECT_EQ(r.conns[2].first.ref, 7u);
  EXPECT_EQ(r.report.records, 3u);
  EXPECT_EQ(r.report.rejected, 0u);
}

TEST(Iptables, UdpIcmpIcmpv6AndPortlessProtocols) {
  const std::string text =
      "Nov 17 13:00:00 gw kernel: [WAN_OUT-2000-A]IN=eth0 OUT=eth2 SRC=10.0.0.5 DST=8.8.8.8 "
      "LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=5353 DPT=53 LEN=40\n"
      "Nov 17 13:00:01 gw kernel: Shorewall:loc2net:ACCEPT:IN=eth1 OUT=eth0 SRC=10.0.0.5 "
      "DST=204.152.197.197 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=ICMP TYPE=8 CODE=0 "
      "ID=512 SEQ=1\n"
      "Nov 17 13:00:02 gw kernel: DENY: IN=eth0 OUT= SRC=130.244.215.233 DST=10.0.0.5 LEN=88 "
      "TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=11 CODE=0 [SRC=10.0.0.5 "
      "DST=130.244.215.233 LEN=60 TOS=0x00 PREC=0x00 TTL=1 ID=0 DF PROTO=UDP SPT=33434 "
      "DPT=33435 LEN=40 ]\n"
      "Nov 17 13:00:03 gw kernel: [16571.459614] IN= OUT=lo SRC=2001:db8::1 DST=2001:db8::2 "
      "LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=868225 PROTO=ICMPv6 TYPE=128 CODE=0 ID=3427 SEQ=1\n"
      "Nov 17 13:00:04 gw kernel: [4276041.728154] IN=eno1 OUT= SRC=192.0.2.1 DST=192.0.2.2 "
      "LEN=120 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=ESP SPI=0xcb886522\n"
      "Nov 17 13:00:05 gw kernel: IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 "
      "PREC=0x00 TTL=55 ID=0 PROTO=47\n";
  auto r = run(read_iptables, text, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 6u);
  EXPECT_EQ(r.report.rejected, 0u);
  const auto& udp = r.conns[0];
  EXPECT_EQ(udp.ip_proto, kProtoUdp);
  EXPECT_EQ(udp.orig_p, 5353);
  EXPECT_EQ(udp.resp_p, 53);
  EXPECT_EQ(udp.orig_ip_bytes, 60u);  // the IP length, not the UDP one after PROTO
  EXPECT_EQ(udp.action, Action::allowed);
  const auto& echo = r.conns[1];
  EXPECT_EQ(echo.ip_proto, kProtoIcmp);
  EXPECT_EQ(echo.orig_p, 8);
  EXPECT_EQ(echo.resp_p, 0);
  EXPECT_EQ(echo.action, Action::allowed);
  const auto& exceeded = r.conns[2];  // fields of the quoted packet must not leak in
  EXPECT_EQ(addr(exceeded.orig_h), "130.244.215.233");
  EXPECT_EQ(addr(exceeded.resp_h), "10.0.0.5");
  EXPECT_EQ(exceeded.orig_p, 11);
  EXPECT_EQ(exceeded.resp_p, 0);
  EXPECT_EQ(exceeded.orig_ip_bytes, 88u);
  EXPECT_EQ(exceeded.action, Action::blocked);
  const auto& v6 = r.conns[3];
  EXPECT_EQ(addr(v6.orig_h), "2001:db8::1");
  EXPECT_EQ(v6.ip_proto, kProtoIcmp6);
  EXPECT_EQ(v6.orig_p, 128);
  EXPECT_EQ(v6.resp_p, 129);
  EXPECT_EQ(v6.action, Action::unknown);
  EXPECT_EQ(r.conns[4].ip_proto, 50);
  EXPECT_EQ(r.conns[4].orig_p, 0);
  EXPECT_EQ(r.conns[5].ip_proto, 47);
}

TEST(Iptables, VerdictFromPrefix) {
  struct Case {
    std::string_view prefix;
    Action action;
  };
  for (const Case& k : std::initializer_list<Case>{
           {"[UFW BLOCK] ", Action::blocked},
           {"[UFW ALLOW] ", Action::allowed},
           {"[UFW AUDIT] ", Action::unknown},
           {"[UFW LIMIT BLOCK] ", Action::blocked},
           {"Shorewall:net2fw:DROP:", Action::blocked},
           {"Shorewall:FORWARD:REJECT:", Action::blocked},
           {"Shorewall:loc2net:ACCEPT:", Action::allowed},
           {"[WAN_IN-D]", Action::blocked},
           {"[WAN_LOCAL-default-D]", Action::blocked},
           {"[LAN_LOCAL-default-A]", Action::allowed},
           {"[WAN_IN-3001-R]", Action::blocked},
           {"FINAL_REJECT: ", Action::blocked},
           {"filter_IN_public_REJECT: ", Action::blocked},
           {"filter_IN_public_ALLOW: ", Action::allowed},
           {"SFW2-INext-DROP-DEFLT ", Action::blocked},
           {"SFW2-INext-ACC-TCP ", Action::allowed},
           {"iptables DROP_INPUT: ", Action::blocked},
           {"iptables denied: ", Action::blocked},
           {"[ 1234.5] ", Action::unknown},
           {"LOG-IN ", Action::unknown},
           {"[SOMETHING-1234-A] ", Action::allowed},
           {"Dropbox-D ", Action::unknown},  // "-D" counts only as a bracketed rule tag
       }) {
    EXPECT_EQ(netfilter_action(k.prefix), k.action) << k.prefix;
    const std::string line = "Nov 17 13:00:00 gw kernel: " + std::string(k.prefix) +
                             "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 "
                             "TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 ACK URGP=0\n";
    auto r = run(read_iptables, line, fwtest::context(2006));
    ASSERT_EQ(r.conns.size(), 1u) << k.prefix;
    EXPECT_EQ(r.conns[0].action, k.action) << k.prefix;
    EXPECT_EQ(r.conns[0].history, "A");
  }
  // The host name is not part of the prefix: a host called "drop" says nothing.
  auto r = run(read_iptables,
               "Nov 17 13:00:00 drop kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 "
               "PROTO=TCP SPT=1 DPT=2 SYN URGP=0\n",
               fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(r.conns[0].action, Action::unknown);
}

TEST(Iptables, WrappersRfc5424JournalAndDmesg) {
  const std::string fields =
      "IN=eth0 OUT= SRC=10.1.1.1 DST=10.2.2.2 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF "
      "PROTO=TCP SPT=38842 DPT=443 WINDOW=2853 RES=0x00 SYN URGP=0";
  const std::string text =
      "<4>1 2006-11-17T13:12:50.5+01:00 gw kernel - - - [UFW BLOCK] " + fields + "\n" +
      "__CURSOR=s=1\n__REALTIME_TIMESTAMP=1163769170000000\n_TRANSPORT=kernel\n"
      "MESSAGE=[UFW ALLOW] " +
      fields + "\n_HOSTNAME=gw\n\n" + "[Fri Nov 17 13:12:50 2006] [UFW BLOCK] " + fields + "\n";
  auto r = run(read_iptables, text, fwtest::context(2006));
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.conns.size(), 2u);  // once in journal export mode, the dmesg line is a field
  EXPECT_DOUBLE_EQ(r.conns[0].ts, utc(2006, 11, 17, 12, 12, 50) + 0.5);
  EXPECT_EQ(r.conns[0].action, Action::blocked);
  EXPECT_EQ(r.conns[0].first.ref, 1u);
  EXPECT_DOUBLE_EQ(r.conns[1].ts, 1163769170.0);
  EXPECT_EQ(r.conns[1].action, Action::allowed);
  EXPECT_EQ(r.conns[1].first.ref, 5u);

  auto d = run(read_iptables, "[Fri Nov 17 13:12:50 2006] [UFW BLOCK] " + fields + "\n",
               fwtest::context(2006));
  ASSERT_EQ(d.conns.size(), 1u);
  EXPECT_EQ(d.conns[0].ts, utc(2006, 11, 17, 13, 12, 50));
}

TEST(Iptables, MalformedLinesAreRejectedAndTheRunGoesOn) {
  const std::string good = kSyn + "\n";
  const std::string text =
      good +
      "Nov 17 13:12:50 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=999.1.1.1 DST=1.2.3.4 LEN=40 "
      "PROTO=TCP SPT=1 DPT=2\n"  // 2: bad address
      "Nov 17 13:12:50 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 "
      "PROTO=TCP SPT=1\n"  // 3: no DPT
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=TCP "
      "FRAG:1480\n"  // 4: non-first fragment
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=BOGUS\n"
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=ICMP "
      "TYPE=x CODE=0\n"  // 6
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=1.1.1.1 LEN=40 PROTO=TCP SPT=1 DPT=2\n"
      "IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=TCP SPT=1 DPT=2\n"  // 8: no time
      "[ 5.000] IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=TCP SPT=1 DPT=2\n" +
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 PROTO=TCP "
      "SPT=70000 DPT=2\n" +  // 10: port out of range
      good;
  auto r = run(read_iptables, text, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 2u);
  EXPECT_EQ(r.conns[1].first.ref, 11u);
  EXPECT_EQ(r.report.records, 2u);
  EXPECT_EQ(r.report.rejected, 9u);
  ASSERT_EQ(r.report.problems.size(), 9u);
  const uint64_t expected_lines[] = {2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(r.report.problems[i].ref, expected_lines[i]);
  EXPECT_NE(r.report.problems[2].what.find("fragment"), std::string::npos);
  EXPECT_NE(r.report.problems[6].what.find("timestamp"), std::string::npos);
  EXPECT_EQ(r.report.problems[0].offset, good.size());  // where line 2 starts
}

TEST(Iptables, HostileBytesAndHugeLines) {
  const std::string ansi =
      "Nov 17 13:12:50 gw kernel: [\x1b[31mUFW BLOCK\x1b[0m] <script>alert(1)</script> IN=eth0 "
      "OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 DPT=2 SYN URGP=0\n";
  const std::string nul =
      "Nov 17 13:12:50 gw kernel: \0\0 IN=eth0 OUT= SRC=10.0.0.1 "
      "DST=10.0.0.2 LEN=40 PROTO=UDP SPT=1 DPT=2\n"s;
  std::string junk(5000, '\0');
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = char((i * 131 + 7) % 256);
  for (char& ch : junk) {
    if (ch == '\n') ch = ' ';
  }
  const std::string huge = "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 " +
                           std::string(size_t(2) << 20, 'A') + "\n";
  auto r = run(read_iptables, ansi + nul + junk + "\n" + huge + ansi, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 3u);
  EXPECT_EQ(r.conns[0].action, Action::blocked);
  EXPECT_EQ(r.conns[1].ip_proto, kProtoUdp);
  EXPECT_EQ(r.conns[2].first.ref, 5u);
  EXPECT_EQ(r.report.rejected, 1u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_EQ(r.report.problems[0].ref, 4u);
  EXPECT_NE(r.report.problems[0].what.find("longer"), std::string::npos);
}

// The one-pass reader of netfilter's usual field order and the general field search must read
// the same packet from every line the first accepts, and the first must hand over every line
// it cannot vouch for. Checked on the usual shapes and on every line one edit away from them.
namespace fast {

using iptables_detail::find_in;
using iptables_detail::read_packet;
using iptables_detail::read_packet_fast;
using iptables_detail::same_packet;

const std::vector<std::string> kShapes = {
    // TCP with MAC=, a UFW prefix and the uptime stamp before it
    "[ 1234.567890] [UFW BLOCK] IN=eth1 OUT=eth0 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 "
    "SRC=192.168.0.13 DST=72.246.53.81 LEN=48 TOS=0x00 PREC=0x00 TTL=127 ID=4321 DF PROTO=TCP "
    "SPT=2499 DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0",
    // prefix glued to IN=, no MAC=, ACK FIN, options after URGP=
    "Shorewall:loc2net:ACCEPT:IN=eth1 OUT=eth0 SRC=10.7.147.61 DST=206.163.206.0 LEN=60 "
    "TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=63873 DPT=443 WINDOW=64240 RES=0x00 ACK "
    "FIN URGP=0 OPT (020405B40402080A00825F5D0000000001030307)",
    // UDP ending the line after DPT= and after its own LEN=
    "[WAN_OUT-2000-A]IN=eth0 OUT=eth2 SRC=10.0.0.5 DST=8.8.8.8 LEN=60 TOS=0x00 PREC=0x00 TTL=64 "
    "ID=1 PROTO=UDP SPT=5353 DPT=53",
    "IN=eth0 OUT= SRC=10.0.0.5 DST=8.8.8.8 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP "
    "SPT=5353 DPT=53 LEN=40",
    // ICMP echo, and an ICMP error quoting a UDP packet in brackets
    "IN=eth1 OUT=eth0 SRC=10.0.0.5 DST=204.152.197.197 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
    "PROTO=ICMP TYPE=8 CODE=0 ID=512 SEQ=1",
    "DENY: IN=eth0 OUT= SRC=130.244.215.233 DST=10.0.0.5 LEN=88 TOS=0x00 PREC=0x00 TTL=118 "
    "ID=21684 PROTO=ICMP TYPE=11 CODE=0 [SRC=10.0.0.5 DST=130.244.215.233 LEN=60 TOS=0x00 "
    "PREC=0x00 TTL=1 ID=0 DF PROTO=UDP SPT=33434 DPT=33435 LEN=40 ]",
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=2 PROTO=ICMP "
    "TYPE=3 CODE=3",
    // IPv6: TCP reads in one pass, ICMPv6 does not
    "IN=eth0 OUT=eth1 MAC= SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 "
    "FLOWLBL=868225 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN ACK URGP=0",
    "IN= OUT=lo SRC=2001:db8::1 DST=2001:db8::2 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=868225 "
    "PROTO=ICMPv6 TYPE=128 CODE=0 ID=3427 SEQ=1",
    // fragments, truncation, other protocols
    "IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 TOS=0x00 PREC=0x00 TTL=55 ID=7 MF FRAG=185 "
    "PROTO=UDP",
    "IN=eth0 OUT= SRC=1.1.1.1 DST=1.2.3.4 LEN=40 TOS=0x00 PREC=0x00 TTL=55 ID=7 PROTO=TCP "
    "INCOMPLETE [65535 bytes]",
    "IN=eno1 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=120 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF "
    "PROTO=ESP SPI=0xcb886522",
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=tcp SPT=1 DPT=2 RST URGP=0",
    // TCP cut after DPT=: the fast path reaches the end looking for URGP=
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=TCP SPT=1 DPT=2",
};

// What a line reads as (the general search's verdict, and the packet when it has one), and
// whether the fast path took it, checking they agree.
struct Outcome {
  bool fast = false;
  const char* why = nullptr;
};

Outcome check(const std::string& msg) {
  Outcome o;
  const size_t in = find_in(msg);
  if (in == std::string_view::npos) return o;
  Connection general;
  o.why = read_packet(msg, in, general);
  Connection quick;  // left over from another line: the fast path must set every field
  quick.orig_p = quick.resp_p = 7;
  quick.ip_proto = 99;
  quick.history = "ShAdDaFf";
  quick.has_counts = false;
  quick.orig_ip_bytes = 12345;
  o.fast = read_packet_fast(msg, in, quick);
  if (o.fast) {
    EXPECT_EQ(o.why, nullptr) << msg;
    EXPECT_TRUE(same_packet(general, quick)) << msg;
  }
  return o;
}

TEST(IptablesFastPath, UsualShapesReadInOnePass) {
  const bool expected[] = {true, true,  true,  true,  true,  true,  true,
                           true, false, false, false, false, false, false};
  ASSERT_EQ(std::size(expected), kShapes.size());
  for (size_t i = 0; i < kShapes.size(); ++i) {
    EXPECT_EQ(check(kShapes[i]).fast, expected[i]) << kShapes[i];
  }
}

TEST(IptablesFastPath, HandsOverWhatItCannotVouchFor) {
  const std::string base =
      "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=1 ID=1 DF PROTO=TCP "
      "SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0";
  ASSERT_TRUE(check(base).fast);
  const auto edited = [&](std::string_view from, std::string_view to) {
    std::string s = base;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
  };
  for (const std::string& line : {
           edited("OUT= ", "OUT=  "),                             // odd spacing
           edited(" OUT= ", " PHYSIN=eth3 OUT= "),                // a field out of the usual order
           edited("DST=5.6.7.8 ", ""),                            // a missing field
           edited("IN=eth0", "IN=eth0]SRC=9.9.9.9"),              // a key after a bracket
           edited("TTL=1", "TTL=1[x]"),                           // brackets before PROTO=
           edited("WINDOW=1", "WINDOW=1 [SRC=9.9.9.9 SYN ACK]"),  // a quoted packet before URGP=
           edited(" URGP=0", ""),                     // no URGP=: the flags run to the end
           edited("SPT=1", "SPT=99999"),              // not a port
           edited("SRC=1.2.3.4", "SRC=1.2.3.999"),    // not an address
           edited("SRC=1.2.3.4", "SRC=1.2.3.4\x01"),  // hostile bytes
           edited("PROTO=TCP", "PROTO=6"),            // a number
           edited("PROTO=TCP", "PROTO=Tcp"),          // case
           base + " " + std::string(400, 'B'),        // too long for the buffer
       }) {
    const Outcome o = check(line);
    EXPECT_FALSE(o.fast) << line;
  }
  EXPECT_TRUE(check(std::string(400, 'A') + " " + base).fast);  // a long prefix is no matter
}

TEST(IptablesFastPath, AgreesWithTheGeneralSearchOneEditAway) {
  const std::string inserts[] = {" ",    "  ",     "[",     "]",   "=",
                                 "SRC=", "PROTO=", "URGP=", "SYN", std::string(1, '\0'),
                                 "\xff", "9",      ":"};
  size_t fast = 0, total = 0;
  for (const std::string& shape : kShapes) {
    for (size_t i = 0; i <= shape.size(); ++i) {
      for (const std::string& ins : inserts) {
        std::string s = shape;
        s.insert(i, ins);
        fast += check(s).fast;
        ++total;
      }
      if (i < shape.size()) {
        std::string s = shape;
        s.erase(i, 1);
        fast += check(s).fast;
        fast += check(shape.substr(0, i)).fast;  // cut
        total += 2;
      }
    }
  }
  // Both paths ran on many lines: most edits land in values the fast path reads as usual.
  EXPECT_GT(fast, total / 4);
  EXPECT_LT(fast, total);
}

}  // namespace fast

TEST(Iptables, SniffNeedsMostLinesToBeNetfilter) {
  EXPECT_GE(sniff_iptables(kSyn + "\n" + kSyn + "\n"), 80);
  EXPECT_GE(sniff_iptables(kSyn + "\n"), 80);
  std::string kernlog;
  for (int i = 0; i < 5; ++i) kernlog += "Nov 17 13:12:50 gw kernel: [ 1.0] usb 1-1: new\n";
  EXPECT_EQ(sniff_iptables(kernlog + kSyn + "\n"), 60);  // a kern.log with some firewall lines
  std::string squid;
  for (int i = 0; i < 40; ++i) {
    squid +=
        "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST http://x/ - DIRECT/x text/plain\n";
  }
  EXPECT_LE(sniff_iptables(squid + kSyn + "\n"), 10);  // one stray line among another format
  EXPECT_EQ(sniff_iptables(squid), 0);
  EXPECT_EQ(sniff_iptables(""), 0);
}

}  // namespace
}  // namespace callhome
