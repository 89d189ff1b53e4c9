#include "logs/asa_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::addr;
using fwtest::run;
using fwtest::utc;

std::string line(std::string_view time, std::string_view msg) {
  return "Nov 17 " + std::string(time) + " fw01 " + std::string(msg) + "\n";
}

TEST(Asa, AccessDecisions) {
  const std::string text =
      line("13:00:00",
           "%ASA-4-106023: Deny tcp src inside:192.168.0.13/2499 dst outside:72.246.53.81/80 "
           "by access-group \"inside_in\" [0x0, 0x0]") +
      line("13:00:01",
           "%ASA-2-106001: Inbound TCP connection denied from 111.93.241.59/54322 to "
           "116.6.127.122/1433 flags SYN on interface outside") +
      line("13:00:02",
           "%ASA-2-106006: Deny inbound UDP from 185.158.113.158/53306 to 116.6.127.123/53413 "
           "on interface outside") +
      line("13:00:03",
           "%ASA-2-106007: Deny inbound UDP from 192.0.2.9/53 to 10.0.0.5/3000 due to DNS "
           "Response") +
      line("13:00:04",
           "%ASA-3-106014: Deny inbound icmp src outside:151.80.47.231 dst "
           "inside:116.6.127.112 (type 8, code 0)") +
      line("13:00:05",
           "%ASA-6-106015: Deny TCP (no connection) from 192.168.150.65/2278 to "
           "64.101.128.83/80 flags RST  on interface eth0") +
      line("13:00:06",
           "%ASA-6-106100: access-list inside permitted tcp inside/10.10.123.45(51763) -> "
           "outside/192.168.67.89(80) hit-cnt 1 first hit [0x62c4905, 0x0]") +
      line("13:00:07",
           "%ASA-4-106100: access-list out denied icmp outside/198.51.100.7(8) -> "
           "inside/10.0.0.9(0) hit-cnt 12 300-second interval [0x1, 0x0]") +
      line("13:00:08",
           "%ASA-3-710003: TCP access denied by ACL from 192.168.0.1/11 to "
           "outside:192.168.0.2/22") +
      line("13:00:09",
           "%ASA-4-106023: Deny protocol 103 src outside:192.168.1.1 dst inside:192.168.1.2 by "
           "access-group \"x\" [0x0, 0x0]") +
      line("13:00:10",
           "%ASA-4-106023: Deny udp src inside:2001:db8::5/5353 dst outside:2001:db8:1::1/53 "
           "by access-group \"v6\" [0x0, 0x0]") +
      line("13:00:11",
           "%ASA-4-338008: Dynamic Filter dropped blacklisted TCP traffic from "
           "inside:10.233.70.240/51638 (193.17.108.1/51638) to outside:198.71.232.3/80 "
           "(198.71.232.3/80), destination 198.71.232.3 resolved from dynamic list") +
      line("13:00:12",
           "%ASA-3-106014: Deny inbound icmp src fw111:10.10.10.10 dst fw111:10.10.10.11(type "
           "3, code 1)");
  const absl::TimeZone chicago = fwtest::chicago();
  auto r = run(read_asa, text, fwtest::context(2006, &chicago, 2));
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.conns.size(), 13u);
  for (size_t i = 0; i < r.conns.size(); ++i) {
    EXPECT_EQ(r.conns[i].first, (Provenance{2, i + 1}));
    EXPECT_EQ(r.conns[i].ts, utc(2006, 11, 17, 19, 0, int(i)));
  }
  const auto& deny = r.conns[0];
  EXPECT_EQ(addr(deny.orig_h), "192.168.0.13");
  EXPECT_EQ(deny.orig_p, 2499);
  EXPECT_EQ(addr(deny.resp_h), "72.246.53.81");
  EXPECT_EQ(deny.resp_p, 80);
  EXPECT_EQ(deny.ip_proto, kProtoTcp);
  EXPECT_EQ(deny.action, Action::blocked);
  EXPECT_FALSE(deny.has_counts);
  EXPECT_EQ(r.conns[1].history, "S");
  EXPECT_EQ(r.conns[1].resp_p, 1433);
  EXPECT_EQ(r.conns[2].ip_proto, kProtoUdp);
  EXPECT_EQ(r.conns[3].orig_p, 53);
  EXPECT_EQ(r.conns[4].ip_proto, kProtoIcmp);
  EXPECT_EQ(r.conns[4].orig_p, 8);
  EXPECT_EQ(r.conns[4].resp_p, 0);
  EXPECT_EQ(r.conns[5].history, "R");
  EXPECT_EQ(r.conns[6].action, Action::allowed);
  EXPECT_EQ(addr(r.conns[6].orig_h), "10.10.123.45");
  EXPECT_EQ(r.conns[6].orig_p, 51763);
  EXPECT_EQ(r.conns[6].resp_p, 80);
  EXPECT_EQ(r.conns[7].action, Action::blocked);
  EXPECT_EQ(r.conns[7].ip_proto, kProtoIcmp);
  EXPECT_EQ(r.conns[7].orig_p, 8);
  EXPECT_EQ(r.conns[7].resp_p, 0);
  EXPECT_EQ(r.conns[8].resp_p, 22);
  EXPECT_EQ(r.conns[9].ip_proto, 103);
  EXPECT_EQ(addr(r.conns[10].orig_h), "2001:db8::5");
  EXPECT_EQ(addr(r.conns[10].resp_h), "2001:db8:1::1");
  EXPECT_EQ(r.conns[10].resp_p, 53);
  EXPECT_EQ(addr(r.conns[11].orig_h), "10.233.70.240");  // the real, not the mapped, address
  EXPECT_EQ(r.conns[11].action, Action::blocked);
  EXPECT_EQ(r.conns[12].orig_p, 3);
  EXPECT_EQ(r.conns[12].resp_p, 1);
}

TEST(Asa, BuildTeardownPairsGiveDirectionDurationAndState) {
  const std::string text =
      // Outbound: the inside host (the "to" side) opened it.
      line("13:12:50",
           "%ASA-6-302013: Built outbound TCP connection 11757 for outside:72.246.53.81/80 "
           "(72.246.53.81/80) to inside:192.168.0.13/2499 (203.0.113.5/31337)") +
      // Inbound: the outside host (the "for" side) opened it.
      line("13:12:51",
           "%ASA-6-302013: Built inbound TCP connection 11758 for outside:198.51.100.7/40000 "
           "(198.51.100.7/40000) to dmz:10.1.1.80/443 (203.0.113.80/443)") +
      line("13:12:52",
           "%ASA-6-305011: Built dynamic TCP translation from inside:1.1.1.1/1 to "
           "outside:2.2.2.2/2") +
      line("13:14:52",
           "%ASA-6-302014: Teardown TCP connection 11758 for outside:198.51.100.7/40000 to "
           "dmz:10.1.1.80/443 duration 0:02:01 bytes 5120 TCP FINs") +
      line("13:13:20",
           "%ASA-6-302014: Teardown TCP connection 11757 for outside:72.246.53.81/80 to "
           "inside:192.168.0.13/2499 duration 0:00:30 bytes 0 SYN Timeout") +
      line("13:13:21",
           "%ASA-6-302015: Built outbound UDP connection 12000 for outside:8.8.8.8/53 "
           "(8.8.8.8/53) to inside:192.168.0.13/5353 (203.0.113.5/5353)") +
      line("13:13:22",
           "%ASA-6-302020: Built outbound ICMP connection for faddr 204.152.197.197/512 gaddr "
           "203.0.113.5/512 laddr 192.168.0.13/512 type 8 code 0") +
      line("13:13:24",
           "%ASA-6-302021: Teardown ICMP connection for faddr 204.152.197.197/512 gaddr "
           "203.0.113.5/512 laddr 192.168.0.13/512 type 8 code 0");
  auto r = run(read_asa, text, fwtest::context(2006, nullptr, 1));
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 7u);  // 305011 is not one
  ASSERT_EQ(r.conns.size(), 4u);

  const auto& in = r.conns[0];  // torn down first
  EXPECT_EQ(addr(in.orig_h), "198.51.100.7");
  EXPECT_EQ(in.orig_p, 40000);
  EXPECT_EQ(addr(in.resp_h), "10.1.1.80");
  EXPECT_EQ(in.resp_p, 443);
  EXPECT_EQ(in.ts, utc(2006, 11, 17, 13, 12, 51));
  EXPECT_TRUE(in.has_duration);
  EXPECT_EQ(in.duration, 121);
  EXPECT_EQ(in.state, ConnState::SF);
  EXPECT_FALSE(in.has_bytes);  // 5120 is both directions together
  EXPECT_EQ(in.action, Action::allowed);
  EXPECT_EQ(in.first, (Provenance{1, 2}));
  EXPECT_EQ(in.last, (Provenance{1, 4}));

  const auto& out = r.conns[1];
  EXPECT_EQ(addr(out.orig_h), "192.168.0.13");
  EXPECT_EQ(out.orig_p, 2499);
  EXPECT_EQ(addr(out.resp_h), "72.246.53.81");
  EXPECT_EQ(out.resp_p, 80);
  EXPECT_EQ(out.duration, 30);
  EXPECT_EQ(out.state, ConnState::S0);
  EXPECT_EQ(out.first.ref, 1u);
  EXPECT_EQ(out.last.ref, 5u);

  const auto& icmp = r.conns[2];
  EXPECT_EQ(addr(icmp.orig_h), "192.168.0.13");
  EXPECT_EQ(addr(icmp.resp_h), "204.152.197.197");
  EXPECT_EQ(icmp.ip_proto, kProtoIcmp);
  EXPECT_EQ(icmp.orig_p, 8);
  EXPECT_EQ(icmp.resp_p, 0);
  EXPECT_EQ(icmp.first.ref, 7u);
  EXPECT_EQ(icmp.last.ref, 8u);
  EXPECT_FALSE(icmp.has_duration);  // 302021 gives no duration

  const auto& udp = r.conns[3];  // never torn down: emitted at the end, from its Built line
  EXPECT_EQ(addr(udp.orig_h), "192.168.0.13");
  EXPECT_EQ(udp.resp_p, 53);
  EXPECT_EQ(udp.ip_proto, kProtoUdp);
  EXPECT_FALSE(udp.has_duration);
  EXPECT_EQ(udp.first.ref, 6u);
  EXPECT_EQ(udp.last.ref, 6u);
}

TEST(Asa, TeardownWithoutBuildGuessesTheOriginatorAndSaysSo) {
  auto r = run(read_asa,
               line("13:00:30",
                    "%ASA-6-302014: Teardown TCP connection 4211 for external:171.70.168.183/53 "
                    "to mgmt:192.168.1.185/1032 duration 0:00:30 bytes 526 TCP Reset-O"),
               fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(addr(r.conns[0].orig_h), "192.168.1.185");
  EXPECT_EQ(r.conns[0].resp_p, 53);
  EXPECT_EQ(r.conns[0].ts, utc(2006, 11, 17, 13, 0, 0));
  EXPECT_EQ(r.conns[0].state, ConnState::none);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_NE(r.report.problems[0].what.find("guessed"), std::string::npos);
}

TEST(Asa, NotRecordsAndRejects) {
  const std::string text =
      line("13:00:00",
           "%ASA-4-733100: [192.168.2.2] drop rate-1 exceeded. Current burst rate is 0 per "
           "second, max configured rate is -4; Cumulative total count is 9063") +
      line("13:00:01", "%ASA-5-111008: User 'admin' executed the 'enable' command.") +
      line("13:00:02",
           "%ASA-4-106023: Deny tcp src outside:192.168.1.1/50240 dst inside:www.example.com/23 "
           "by access-group \"S\" [0x0, 0x0]") +
      line("13:00:03", "%ASA-4-106023: Deny tcp src outside:<script>/1 dst") +
      "%ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst outside:10.0.0.2/2 by access-group "
      "\"a\"\n" +
      line("13:00:05",
           "%ASA-6-302013: Built sideways TCP connection 1 for a:1.1.1.1/1 to "
           "b:2.2.2.2/2") +
      line("13:00:06",
           "\x1b[1m%ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
           "outside:10.0.0.2/70000 by access-group \"a\"") +
      line("13:00:07",
           "%PIX-4-106023: Deny tcp src inside:10.0.0.1/1 dst outside:10.0.0.2/2 by "
           "access-group \"<b>\"");
  auto r = run(read_asa, text, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(r.conns[0].first.ref, 8u);
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 5u);
  ASSERT_EQ(r.report.problems.size(), 6u);
  EXPECT_EQ(r.report.problems[0].ref, 1u);  // the 733100 note
  EXPECT_NE(r.report.problems[0].what.find("733100"), std::string::npos);
  EXPECT_EQ(r.report.problems[1].ref, 3u);
  EXPECT_NE(r.report.problems[1].what.find("host name"), std::string::npos);
  EXPECT_EQ(r.report.problems[2].ref, 4u);
  EXPECT_EQ(r.report.problems[3].ref, 5u);
  EXPECT_NE(r.report.problems[3].what.find("timestamp"), std::string::npos);
  EXPECT_EQ(r.report.problems[4].ref, 6u);
  EXPECT_EQ(r.report.problems[5].ref, 7u);
}

TEST(Asa, TimestampForms) {
  const std::string text =
      "Nov 17 2006 13:12:50: %ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
      "outside:10.0.0.2/2 by access-group \"a\"\n"
      "<166>1 2006-11-17T13:12:51Z fw01 - - - - %ASA-4-106023: Deny tcp src inside:10.0.0.1/1 "
      "dst outside:10.0.0.2/2 by access-group \"a\"\n"
      "<166>Nov 17 13:12:52 fw01 : ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
      "outside:10.0.0.2/2 by access-group \"a\"\n";
  auto r = run(read_asa, text, fwtest::context(1999));
  ASSERT_EQ(r.conns.size(), 3u);
  EXPECT_EQ(r.conns[0].ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(r.conns[1].ts, utc(2006, 11, 17, 13, 12, 51));
  EXPECT_EQ(r.conns[2].ts, utc(1999, 11, 17, 13, 12, 52));
}

TEST(Asa, PendingStateIsBounded) {
  // 200k builds never torn down: all come out (at the end or when the state is full).
  std::string text;
  text.reserve(200000 * 140);
  for (int i = 0; i < 200000; ++i) {
    text += "Nov 17 13:12:50 fw %ASA-6-302013: Built outbound TCP connection " + std::to_string(i) +
            " for outside:1.2.3.4/80 (1.2.3.4/80) to inside:10.0.0.1/" +
            std::to_string(1024 + i % 60000) + " (5.6.7.8/1)\n";
  }
  auto r = run(read_asa, text, fwtest::context(2006));
  EXPECT_EQ(r.conns.size(), 200000u);
  EXPECT_EQ(r.conns.front().first.ref, 1u);  // the oldest went out first
}

TEST(Asa, Sniff) {
  const std::string l = line("13:00:00",
                             "%ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
                             "outside:10.0.0.2/2 by access-group \"a\"");
  EXPECT_GE(sniff_asa(l + l), 90);
  EXPECT_EQ(sniff_asa("Nov 17 13:00:00 gw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8\n"), 0);
  EXPECT_EQ(sniff_asa("Nov 17 13:00:00 gw app: MASA-4-106023: x\n"), 0);
}

}  // namespace
}  // namespace callhome
