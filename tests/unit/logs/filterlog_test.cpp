#include "logs/filterlog_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::addr;
using fwtest::run;
using fwtest::utc;

const std::string kTcpBlock =
    "<134>Nov 17 13:12:50 filterlog[72237]: 146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,"
    "12617,0,DF,6,tcp,60,192.168.0.13,72.246.53.81,2499,80,0,S,1891286705,,64240,,mss;sackOK";

TEST(Filterlog, Ipv4TcpBlockInSiteZone) {
  const absl::TimeZone chicago = fwtest::chicago();
  auto r = run(read_filterlog, kTcpBlock + "\n", fwtest::context(2006, &chicago, 3));
  ASSERT_EQ(r.conns.size(), 1u);
  const Connection& c = r.conns[0];
  EXPECT_EQ(c.ts, utc(2006, 11, 17, 19, 12, 50));
  EXPECT_EQ(addr(c.orig_h), "192.168.0.13");
  EXPECT_EQ(c.orig_p, 2499);
  EXPECT_EQ(addr(c.resp_h), "72.246.53.81");
  EXPECT_EQ(c.resp_p, 80);
  EXPECT_EQ(c.ip_proto, kProtoTcp);
  EXPECT_EQ(c.action, Action::blocked);
  EXPECT_EQ(c.history, "S");
  EXPECT_EQ(c.state, ConnState::none);
  EXPECT_TRUE(c.has_counts);
  EXPECT_EQ(c.orig_pkts, 1u);
  EXPECT_EQ(c.orig_ip_bytes, 60u);
  EXPECT_EQ(c.first, (Provenance{3, 1}));
  EXPECT_EQ(c.last, (Provenance{3, 1}));
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 0u);
}

TEST(Filterlog, ProtocolsAndVersions) {
  const std::string text =
      // pfSense UDP pass
      "Nov 17 13:00:00 filterlog[1]: 176,,,1520797901,igb1.27,match,pass,in,4,0xb8,,64,58355,0,"
      "none,17,udp,76,10.170.27.27,216.229.4.66,123,123,56\n"
      // pfSense ICMP echo request (its id,seq,length run together as it prints them)
      "Nov 17 13:00:01 filterlog[1]: 176,,,1520797901,igb1.10,match,pass,in,4,0x0,,64,62096,0,"
      "DF,1,icmp,84,10.100.10.30,142.250.114.105,request,37728,164\n"
      // pfSense ICMP port unreachable and time exceeded in transit
      "Nov 17 13:00:02 filterlog[1]: 5,,,1000,em0,match,block,out,4,0x0,,64,1,0,none,1,icmp,56,"
      "10.0.0.1,8.8.8.8,unreachport,8.8.8.8,UDP,33435,36\n"
      "Nov 17 13:00:03 filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,1,icmp,56,"
      "130.244.215.233,10.0.0.1,timexceed,time exceeded in-transit36\n"
      // IPv6 UDP (pfSense), ICMPv6 echo request (OPNsense keywords)
      "Nov 17 13:00:04 filterlog[1]: 6,,,1000000105,igb1.27,match,block,in,6,0x00,0xf6279,1,"
      "UDP,17,32,fe80::208:9bff:fef3:652b,ff02::1:2,546,547,32\n"
      "Nov 17 13:00:05 filterlog[1]: 80,,,fae559338f65e11c53669fc3642c93c2,igb0,match,pass,out,"
      "6,0x00,0x00000,64,ipv6-icmp,58,64,2001:db8::5,2001:db8::9,datalength=16,echoreq,,1,1,\n"
      // OPNsense ICMP unreachable, IGMP (no ports), CARP
      "Nov 17 13:00:06 filterlog[1]: 80,,,0,igb0,match,block,in,4,0x0,,64,1,0,none,1,icmp,56,"
      "10.0.0.2,10.0.0.1,datalength=36,unreach,port-unr,,,\n"
      "Nov 17 13:00:07 filterlog[1]: 199,,,1557957510,igb1.12,match,pass,in,4,0xc0,,1,0,0,DF,2,"
      "igmp,32,10.170.12.17,239.255.255.250,datalength=8\n"
      "Nov 17 13:00:08 filterlog[1]: 3,,,1000,em1,match,pass,out,4,0x10,,255,1,0,none,112,carp,"
      "56,10.0.0.2,224.0.0.18,advertise,255,1,2,0,1\n";
  auto r = run(read_filterlog, text, fwtest::context(2006));
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.conns.size(), 9u);
  EXPECT_EQ(r.conns[0].ip_proto, kProtoUdp);
  EXPECT_EQ(r.conns[0].action, Action::allowed);
  EXPECT_EQ(r.conns[0].resp_p, 123);
  EXPECT_EQ(r.conns[1].ip_proto, kProtoIcmp);
  EXPECT_EQ(r.conns[1].orig_p, 8);
  EXPECT_EQ(r.conns[1].resp_p, 0);
  EXPECT_EQ(r.conns[2].orig_p, 3);
  EXPECT_EQ(r.conns[2].resp_p, 3);
  EXPECT_EQ(r.conns[3].orig_p, 11);
  EXPECT_EQ(r.conns[3].resp_p, 0);
  EXPECT_EQ(addr(r.conns[4].orig_h), "fe80::208:9bff:fef3:652b");
  EXPECT_EQ(addr(r.conns[4].resp_h), "ff02::1:2");
  EXPECT_EQ(r.conns[4].orig_p, 546);
  EXPECT_EQ(r.conns[4].orig_ip_bytes, 32u);
  EXPECT_EQ(r.conns[5].ip_proto, kProtoIcmp6);
  EXPECT_EQ(r.conns[5].orig_p, 128);
  EXPECT_EQ(r.conns[5].resp_p, 129);
  EXPECT_EQ(r.conns[6].orig_p, 3);
  EXPECT_EQ(r.conns[6].resp_p, 3);
  EXPECT_EQ(r.conns[7].ip_proto, 2);
  EXPECT_EQ(r.conns[7].orig_p, 0);
  EXPECT_EQ(r.conns[8].ip_proto, 112);
  for (size_t i = 0; i < r.conns.size(); ++i) EXPECT_EQ(r.conns[i].first.ref, i + 1);
}

TEST(Filterlog, OtherDaemonsAreSkippedBrokenRecordsRejected) {
  const std::string text =
      "Nov 17 13:00:00 dhcpd: DHCPREQUEST for 10.0.0.9 from 00:11:22:33:44:55 via em1\n" +
      kTcpBlock + "\n" +
      "Nov 17 13:00:01 filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,6,tcp\n" +
      "Nov 17 13:00:01 filterlog[1]: 5,,,1000,em0,match,block,sideways,4\n" +
      "Nov 17 13:00:01 filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,6,tcp,60,"
      "10.0.0.300,1.2.3.4,1,2,0,S\n" +
      "Nov 17 13:00:01 filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,6,tcp,60,"
      "10.0.0.3,1.2.3.4,http,2,0,S\n" +
      "filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,6,tcp,60,10.0.0.3,1.2.3.4,"
      "1,2\n" +
      "Nov 17 13:00:02 filterlog[1]: \x1b[2J<html>" + std::string(3, '\0') + "\n" + kTcpBlock;
  auto r = run(read_filterlog, text, fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 2u);
  EXPECT_EQ(r.conns[0].first.ref, 2u);
  EXPECT_EQ(r.conns[1].first.ref, 9u);
  EXPECT_EQ(r.report.records, 2u);
  EXPECT_EQ(r.report.rejected, 6u);
  ASSERT_EQ(r.report.problems.size(), 6u);
  const uint64_t lines[] = {3, 4, 5, 6, 7, 8};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(r.report.problems[i].ref, lines[i]);
}

TEST(Filterlog, Rfc5424AsPfSenseSendsIt) {
  auto r = run(read_filterlog,
               "<134>1 2006-11-17T13:12:50.000000-06:00 pfsense.lan filterlog 72237 - - "
               "146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,"
               "192.168.0.13,72.246.53.81,2499,80,0,S,1,,64240,,mss\n",
               fwtest::context(2006));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(r.conns[0].ts, utc(2006, 11, 17, 19, 12, 50));
}

TEST(Filterlog, Sniff) {
  EXPECT_GE(sniff_filterlog(kTcpBlock + "\n" + kTcpBlock + "\n"), 90);
  EXPECT_EQ(sniff_filterlog("Nov 17 13:00:00 gw kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 "
                            "LEN=40 PROTO=TCP SPT=1 DPT=2\n"),
            0);
  EXPECT_EQ(sniff_filterlog("Nov 17 13:00:00 filterlog[1]: hello\n"), 0);
}

}  // namespace
}  // namespace callhome
