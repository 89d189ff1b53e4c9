#include "logs/winfw_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::addr;
using fwtest::run;
using fwtest::utc;
using namespace std::string_literals;

const std::string kHeader =
    "#Version: 1.5\r\n"
    "#Software: Microsoft Windows Firewall\r\n"
    "#Time Format: Local\r\n"
    "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
    "tcpack tcpwin icmptype icmpcode info path pid\r\n"
    "\r\n";

TEST(WinFw, DropAllowIcmpInSiteZone) {
  const std::string text =
      kHeader +
      "2006-11-17 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 2499 80 0 - 0 0 0 - - - SEND "
      "1360\r\n"
      "2006-11-17 13:12:51 ALLOW UDP 192.168.0.13 192.168.0.1 5353 53 61 - - - - - - - SEND "
      "880\r\n"
      "2006-11-17 13:12:52 DROP ICMP 130.244.215.233 192.168.0.13 - - 56 - - - - 11 0 - "
      "RECEIVE 0\r\n"
      "2006-07-04 12:00:00 ALLOW TCP 2001:db8::13 2001:db8::1 50000 443 52 S 1 0 64240 - - - "
      "SEND 4\r\n";
  const absl::TimeZone chicago = fwtest::chicago();
  auto r = run(read_winfw, text, fwtest::context(0, &chicago, 4));
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 4u);
  ASSERT_EQ(r.conns.size(), 4u);
  const auto& drop = r.conns[0];
  EXPECT_EQ(drop.ts, utc(2006, 11, 17, 19, 12, 50));
  EXPECT_EQ(addr(drop.orig_h), "192.168.0.13");
  EXPECT_EQ(drop.orig_p, 2499);
  EXPECT_EQ(addr(drop.resp_h), "72.246.53.81");
  EXPECT_EQ(drop.resp_p, 80);
  EXPECT_EQ(drop.ip_proto, kProtoTcp);
  EXPECT_EQ(drop.action, Action::blocked);
  EXPECT_FALSE(drop.has_counts);  // size 0: the log does not know it
  EXPECT_EQ(drop.first, (Provenance{4, 6}));
  EXPECT_EQ(r.conns[1].action, Action::allowed);
  EXPECT_TRUE(r.conns[1].has_counts);
  EXPECT_EQ(r.conns[1].orig_ip_bytes, 61u);
  const auto& icmp = r.conns[2];
  EXPECT_EQ(addr(icmp.orig_h), "130.244.215.233");
  EXPECT_EQ(icmp.orig_p, 11);
  EXPECT_EQ(icmp.resp_p, 0);
  EXPECT_EQ(r.conns[3].ts, utc(2006, 7, 4, 17, 0, 0));  // CDT
  EXPECT_EQ(r.conns[3].history, "S");
  EXPECT_EQ(addr(r.conns[3].orig_h), "2001:db8::13");
  EXPECT_EQ(r.conns[3].first.ref, 9u);
}

TEST(WinFw, FieldsOrderIsHonoured) {
  const std::string text =
      "#Fields: time date src-ip dst-ip action protocol dst-port src-port path\n"
      "13:12:50 2006-11-17 10.0.0.1 10.0.0.2 DROP UDP 53 5353 SEND\n";
  auto r = run(read_winfw, text, fwtest::context(0));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(r.conns[0].ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(r.conns[0].orig_p, 5353);
  EXPECT_EQ(r.conns[0].resp_p, 53);
  EXPECT_EQ(r.conns[0].action, Action::blocked);
}

TEST(WinFw, XpOpenClosePairsAndLostEvents) {
  const std::string text =
      "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
      "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
      "tcpack tcpwin icmptype icmpcode info path\n\n"
      "2006-11-17 13:12:50 OPEN TCP 192.168.0.13 72.246.53.81 2499 80 - - - - - - - - -\n"
      "2006-11-17 13:12:51 OPEN UDP 192.168.0.13 192.168.0.1 1025 53 - - - - - - - - -\n"
      "2006-11-17 13:13:05 CLOSE TCP 192.168.0.13 72.246.53.81 2499 80 - - - - - - - - -\n"
      "2006-11-17 13:13:06 INFO-EVENTS-LOST - - - - - - - - - - - - 17 -\n"
      "2006-11-17 13:13:07 CLOSE TCP 10.0.0.9 10.0.0.1 1000 445 - - - - - - - - -\n";
  auto r = run(read_winfw, text, fwtest::context(0));
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 4u);
  ASSERT_EQ(r.conns.size(), 3u);
  const auto& paired = r.conns[0];
  EXPECT_EQ(paired.resp_p, 80);
  EXPECT_TRUE(paired.has_duration);
  EXPECT_EQ(paired.duration, 15);
  EXPECT_EQ(paired.first.ref, 6u);
  EXPECT_EQ(paired.last.ref, 8u);
  EXPECT_EQ(paired.action, Action::allowed);
  EXPECT_EQ(r.conns[1].first.ref, 10u);  // CLOSE of something opened before the log
  EXPECT_EQ(r.conns[2].resp_p, 53);      // OPEN never closed: out at the end
  EXPECT_FALSE(r.conns[2].has_duration);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_EQ(r.report.problems[0].ref, 9u);
  EXPECT_NE(r.report.problems[0].what.find("lost 17 events"), std::string::npos);
}

TEST(WinFw, MalformedLinesAndMissingHeader) {
  const std::string text =
      "2006-11-17 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 2499 80 0 - 0 0 0 - - - SEND\n"
      "2006-11-31 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 2499 80 0 - 0 0 0 - - - SEND\n"
      "2006-11-17 13:12:50 DROP TCP 192.168.0.300 72.246.53.81 2499 80 0 - 0 0 0 - - - SEND\n"
      "2006-11-17 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 http 80 0 - 0 0 0 - - - SEND\n"
      "2006-11-17 13:12:50 DROP\n"
      "2006-11-17 13:12:50 DROP FOO 192.168.0.13 72.246.53.81 1 2 0 - 0 0 0 - - - SEND\n"
      "\x1b[31m<b>\0\0</b>\n"s +
      "2006-11-17 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 2500 80 0 - 0 0 0 - - - SEND\n";
  auto r = run(read_winfw, text, fwtest::context(0));
  ASSERT_EQ(r.conns.size(), 2u);
  EXPECT_EQ(r.conns[1].first.ref, 8u);
  EXPECT_EQ(r.report.rejected, 6u);
  ASSERT_EQ(r.report.problems.size(), 7u);  // the layout note and six rejects
  EXPECT_NE(r.report.problems[0].what.find("no #Fields"), std::string::npos);
  for (size_t i = 1; i < 7; ++i) EXPECT_EQ(r.report.problems[i].ref, i + 1);
}

TEST(WinFw, Sniff) {
  EXPECT_GE(sniff_winfw(kHeader), 90);
  EXPECT_GE(sniff_winfw("2006-11-17 13:12:50 DROP TCP 192.168.0.13 72.246.53.81 2499 80 0 - 0 "
                        "0 0 - - - SEND\n2006-11-17 13:12:51 ALLOW UDP 10.0.0.1 10.0.0.2 1 2 0 "
                        "- - - - - - - RECEIVE\n"),
            70);
  EXPECT_EQ(sniff_winfw("#separator \\x09\n#fields\tts\tuid\tid.orig_h\n"), 0);
  EXPECT_EQ(sniff_winfw("date,time,src,dst\n2006-11-17,13:12:50,1.2.3.4,5.6.7.8\n"), 0);
}

}  // namespace
}  // namespace callhome
