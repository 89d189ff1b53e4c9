#include "logs/table_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::addr;
using fwtest::run;
using fwtest::utc;
using namespace std::string_literals;

// Case 2's export, as the administrator pasted it (narrative rows included).
const std::string kCase2 =
    "Firewall log excerpt (blocked, newest first)\n"
    "\n"
    "| Date | Time | Protocol | Source IP | Source Port | Destination IP | Destination Port |\n"
    "|---|---|---|---|---|---|---|\n"
    "| 17-Nov-06 | 13:12:50 | TCP | 192.168.0.13 | 2499 | 72.246.53.81 | 80 (HTTP) |\n"
    "| 17-Nov-06 | 13:12:49 | TCP | 192.168.0.13 | 2498 | 72.246.53.96 | 80 (HTTP) |\n"
    "| ... one a second, source port +1 each time, 14 attempts ... | | | | | | |\n"
    "| 17-Nov-06 | 13:12:40 | TCP | 192.168.0.13 | 2486 | 72.246.53.90 | 80 (HTTP) |\n"
    "| 17-Nov-06 | 13:12:22 | TCP | 192.168.0.13 | 2484 | 72.246.53.83 | 80 (HTTP) |\n";

TEST(Table, Case2ExportInSiteZone) {
  const absl::TimeZone chicago = fwtest::chicago();
  auto r = run(read_table, kCase2, fwtest::context(0, &chicago, 5));
  ASSERT_EQ(r.conns.size(), 4u);
  EXPECT_EQ(r.report.records, 4u);
  EXPECT_EQ(r.report.rejected, 1u);  // the narrative row
  ASSERT_EQ(r.report.problems.size(), 2u);
  EXPECT_EQ(r.report.problems[0].ref, 1u);  // the title line the verdict is taken from
  EXPECT_NE(r.report.problems[0].what.find("read as blocked"), std::string::npos);
  EXPECT_EQ(r.report.problems[1].ref, 7u);
  const Connection& c = r.conns[0];
  EXPECT_EQ(c.ts, utc(2006, 11, 17, 19, 12, 50));
  EXPECT_EQ(addr(c.orig_h), "192.168.0.13");
  EXPECT_EQ(c.orig_p, 2499);
  EXPECT_EQ(addr(c.resp_h), "72.246.53.81");
  EXPECT_EQ(c.resp_p, 80);
  EXPECT_EQ(c.ip_proto, kProtoTcp);
  EXPECT_EQ(c.action, Action::blocked);  // no verdict column, but the title says "blocked"
  EXPECT_FALSE(c.has_counts);
  EXPECT_EQ(c.first, (Provenance{5, 5}));
  EXPECT_EQ(r.conns[3].first.ref, 9u);
  EXPECT_EQ(r.conns[3].ts, utc(2006, 11, 17, 19, 12, 22));
  EXPECT_GE(sniff_table(kCase2), 60);
}

TEST(Table, TitleGivesTheVerdictOnlyWhenItNamesOne) {
  const absl::TimeZone chicago = fwtest::chicago();
  const std::string rows = kCase2.substr(kCase2.find("\n\n"));
  auto untitled = run(read_table, rows, fwtest::context(0, &chicago, 5));
  ASSERT_EQ(untitled.conns.size(), 4u);
  EXPECT_EQ(untitled.conns[0].action, Action::unknown);
  auto mixed =
      run(read_table, "Allowed and denied connections" + rows, fwtest::context(0, &chicago, 5));
  ASSERT_EQ(mixed.conns.size(), 4u);
  EXPECT_EQ(mixed.conns[0].action, Action::unknown);
  auto allowed =
      run(read_table, "Accepted traffic, 17 Nov" + rows, fwtest::context(0, &chicago, 5));
  ASSERT_EQ(allowed.conns.size(), 4u);
  EXPECT_EQ(allowed.conns[3].action, Action::allowed);
}

// Case 2's own columns with no verdict and no title that names one: the records come through
// saying nothing of the outcome (no action, no handshake, no counts), which is what lets the
// detectors tell them from failed attempts and say "outcome unknown".
TEST(Table, VerdictlessExportLeavesTheOutcomeUnknown) {
  const absl::TimeZone chicago = fwtest::chicago();
  const std::string csv =
      "Date,Time,Protocol,Source IP,Source Port,Destination IP,Destination Port\n"
      "17-Nov-06,13:12:18,TCP,192.168.0.13,2480,72.246.53.83,80 (HTTP)\n"
      "17-Nov-06,13:12:19,TCP,192.168.0.13,2481,72.246.53.90,80 (HTTP)\n";
  auto r = run(read_table, csv, fwtest::context(0, &chicago, 5));
  ASSERT_EQ(r.conns.size(), 2u);
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_TRUE(r.report.problems.empty());  // no "read as blocked" note: nothing says so
  for (const Connection& c : r.conns) {
    EXPECT_EQ(c.action, Action::unknown);
    EXPECT_EQ(c.state, ConnState::none);
    EXPECT_FALSE(c.has_counts);
    EXPECT_FALSE(c.has_bytes);
    EXPECT_FALSE(c.has_duration);
    EXPECT_TRUE(c.history.empty());
  }
  EXPECT_EQ(r.conns[1].orig_p, 2481);
  EXPECT_EQ(r.conns[1].ts, utc(2006, 11, 17, 19, 12, 19));
}

TEST(Table, CsvQuotingActionsAndHostPortCells) {
  const std::string text =
      "\xEF\xBB\xBF\"Time Stamp\",Src,\"Dst\",Proto,Action,Comment\r\n"
      "2006-11-17T13:12:50Z,192.168.0.13:2499,72.246.53.81:80,tcp,Blocked,\"a, b\"\r\n"
      "2006-11-17 13:12:51+01:00,[2001:db8::1]:5353,[2001:db8::2]:53,UDP,Allowed,\"said "
      "\"\"hi\"\"\"\r\n"
      "1163769172,10.0.0.1,10.0.0.2,1,deny,\"multi\nline\ncomment\"\r\n"
      "1163769173500,10.0.0.1,10.0.0.2,6,PERMIT,\r\n"
      "\"Time Stamp\",Src,\"Dst\",Proto,Action,Comment\r\n"
      "11/17/2006 1:12:54 PM,10.0.0.1,10.0.0.2,tcp,,\r\n";
  auto r = run(read_table, text, fwtest::context(0));
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.conns.size(), 5u);
  EXPECT_EQ(r.conns[0].ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(r.conns[0].orig_p, 2499);
  EXPECT_EQ(r.conns[0].resp_p, 80);
  EXPECT_EQ(r.conns[0].action, Action::blocked);
  EXPECT_EQ(r.conns[1].ts, utc(2006, 11, 17, 12, 12, 51));
  EXPECT_EQ(addr(r.conns[1].orig_h), "2001:db8::1");
  EXPECT_EQ(r.conns[1].resp_p, 53);
  EXPECT_EQ(r.conns[1].action, Action::allowed);
  EXPECT_EQ(r.conns[2].ts, 1163769172.0);
  EXPECT_EQ(r.conns[2].ip_proto, kProtoIcmp);
  EXPECT_EQ(r.conns[2].action, Action::blocked);
  EXPECT_EQ(r.conns[2].first.ref, 4u);  // the row starts here, its quoted field spans lines
  EXPECT_EQ(r.conns[3].ts, 1163769173.5);
  EXPECT_EQ(r.conns[3].first.ref, 7u);
  EXPECT_EQ(r.conns[4].ts, utc(2006, 11, 17, 13, 12, 54));
  EXPECT_EQ(r.conns[4].first.ref, 9u);
  EXPECT_EQ(r.conns[4].action, Action::unknown);
}

TEST(Table, AmbiguousDatesWaitForTheFileToTell) {
  const std::string text =
      "date;time;source address;destination address;dport\n"
      "05/06/2007;10:00:00;10.0.0.1;10.0.0.2;80\n"
      "07/06/2007;10:00:01;10.0.0.1;10.0.0.2;80\n"
      "17/06/2007;10:00:02;10.0.0.1;10.0.0.2;80\n"  // day 17: day/month
      "01/02/2007;10:00:03;10.0.0.1;10.0.0.2;80\n"
      "17.11.2006;10:00:04;10.0.0.1;10.0.0.2;80\n"
      "31/02/2007;10:00:05;10.0.0.1;10.0.0.2;80\n";
  auto r = run(read_table, text, fwtest::context(0));
  ASSERT_EQ(r.conns.size(), 5u);
  EXPECT_EQ(r.conns[0].ts, utc(2007, 6, 5, 10, 0, 0));
  EXPECT_EQ(r.conns[1].ts, utc(2007, 6, 7, 10, 0, 1));
  EXPECT_EQ(r.conns[2].ts, utc(2007, 6, 17, 10, 0, 2));
  EXPECT_EQ(r.conns[3].ts, utc(2007, 2, 1, 10, 0, 3));
  EXPECT_EQ(r.conns[4].ts, utc(2006, 11, 17, 10, 0, 4));
  EXPECT_EQ(r.conns[0].first.ref, 2u);  // order and provenance kept through the wait
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_EQ(r.report.problems[0].ref, 7u);

  // Nothing tells: month/day, and the report says so.
  auto us = run(read_table, "date,time,src,dst\n05/06/2007,10:00:00,10.0.0.1,10.0.0.2\n",
                fwtest::context(0));
  ASSERT_EQ(us.conns.size(), 1u);
  EXPECT_EQ(us.conns[0].ts, utc(2007, 5, 6, 10, 0, 0));
  ASSERT_EQ(us.report.problems.size(), 1u);
  EXPECT_NE(us.report.problems[0].what.find("month/day"), std::string::npos);
}

TEST(Table, ArgusBinetflowWithCountsAndNonIpRows) {
  const std::string text =
      "StartTime\tDur\tProto\tSrcAddr\tSport\tDir\tDstAddr\tDport\tState\tsTos\tdTos\tTotPkts\t"
      "TotBytes\tSrcBytes\tSrcPkts\tLabel\n"
      "2019/04/04 16:24:47.672448\t63.822830\ttcp\t10.8.0.69\t56101\t   ->\t14.1.11.113\t999\t"
      "S0\t0\t0\t31\t8764\t1887\t15\t\n"
      "2019/04/04 16:30:10.234728\t1.262451\ticmp\t10.8.0.69\t0x0008\t   ->\t110.128.128.128\t"
      "0x7208\tECO\t0\t\t2\t144\t144\t2\t\n"
      "1970/01/01 01:00:08.156845\t3554.205811\tarp\t10.0.2.15\t\t  who\t10.0.2.2\t\tCON\t\t\t22"
      "\t924\t462\t11\tflow=Background-ARP\n"
      "2019/04/04 16:30:11.000000\t0\tudp\t10.8.0.69\t5353\t  <->\t8.8.8.8\t53\tCON\t0\t0\t2\t"
      "1\t144\t1\t\n";
  auto r = run(read_table, text, fwtest::context(0));
  ASSERT_EQ(r.conns.size(), 3u);
  const auto& tcp = r.conns[0];
  EXPECT_NEAR(tcp.ts, utc(2019, 4, 4, 16, 24, 47) + 0.672448, 1e-6);
  EXPECT_TRUE(tcp.has_duration);
  EXPECT_DOUBLE_EQ(tcp.duration, 63.82283);
  EXPECT_TRUE(tcp.has_counts);
  EXPECT_EQ(tcp.orig_pkts, 15u);
  EXPECT_EQ(tcp.resp_pkts, 16u);
  EXPECT_EQ(tcp.orig_ip_bytes, 1887u);
  EXPECT_EQ(tcp.resp_ip_bytes, 8764u - 1887u);
  EXPECT_EQ(tcp.state, ConnState::none);
  const auto& icmp = r.conns[1];
  EXPECT_EQ(icmp.orig_p, 8);
  EXPECT_EQ(icmp.resp_p, 0);
  EXPECT_FALSE(r.conns[2].has_counts);  // SrcBytes above TotBytes: not believed
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_NE(r.report.problems[0].what.find("1 rows of non-IP"), std::string::npos);
}

TEST(Table, HostileCellsAndBadRows) {
  const std::string text =
      "src,dst,sport,dport,timestamp,action\n"
      "10.0.0.1,10.0.0.2,1,2,2006-11-17 13:12:50,\x1b[31mdrop\n"
      "<script>,10.0.0.2,1,2,2006-11-17 13:12:50,drop\n"
      "10.0.0.1,10.0.0.2,99999,2,2006-11-17 13:12:50,drop\n"
      "10.0.0.1,10.0.0.2,1,2,yesterday,drop\n"
      "10.0.0.1,10.0.0.2,1,2,2006-02-30 13:12:50,drop\n"
      "\"10.0.0.1,10.0.0.2,1,2,2006-11-17 13:12:50,drop\n" +  // never closes
      std::string(70000, 'x') +
      "\n"
      "\0\0\0\n"s;
  auto r = run(read_table, text, fwtest::context(0));
  ASSERT_EQ(r.conns.size(), 1u);
  EXPECT_EQ(r.conns[0].action, Action::unknown);  // "\x1b[31mdrop" is not a verdict word
  EXPECT_EQ(r.report.rejected, 6u);
  ASSERT_EQ(r.report.problems.size(), 6u);
  const uint64_t lines[] = {3, 4, 5, 6, 7, 9};  // 8 was swallowed by line 7's open quote
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(r.report.problems[i].ref, lines[i]);
  EXPECT_NE(r.report.problems[4].what.find("never closes"), std::string::npos);
}

TEST(Table, SniffNeedsHeaderAndAParsableRow) {
  EXPECT_EQ(sniff_table("src,dst,sport\n"), 0);               // no data row
  EXPECT_EQ(sniff_table("src,dst,sport\nfoo,bar,1\n"), 0);    // addresses do not parse
  EXPECT_EQ(sniff_table("a,b,c\n10.0.0.1,10.0.0.2,3\n"), 0);  // no address columns
  EXPECT_GE(sniff_table("src,dst,sport\n10.0.0.1,10.0.0.2,3\n"), 60);
  EXPECT_EQ(sniff_table("#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\n"
                        "1331901000.000000\tCHhAvVGS1DHFjwGM9\t192.168.202.79\t50465\t"
                        "192.168.229.251\n"),
            0);
}

}  // namespace
}  // namespace callhome
