#include "logs/snort_reader.h"

#include <absl/time/time.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callhome {
namespace {

struct Collect : EventSink {
  std::vector<AlertEvent> alerts;
  void on_alert(const AlertEvent& e) override { alerts.push_back(e); }
};

struct Result {
  Collect sink;
  InputReport report;
};

Result read(const std::string& text, int year = 2011, const absl::TimeZone* tz = nullptr) {
  Result r;
  auto src = ByteSource::from_memory(text);
  LineReader lines(*src);
  ReadContext ctx;
  ctx.input_index = 2;
  ctx.year = year;
  ctx.tz = tz;
  read_snort(lines, ctx, r.sink, r.report);
  return r;
}

Address addr(const char* s) {
  return *Address::parse(s);
}

TEST(SnortReader, Snort2FastLine) {
  auto r = read(
      "05/30-19:09:28.472094  [**] [1:2012811:2] ET DNS DNS Query to a .tk domain - Likely "
      "Hostile [**] [Classification: Potentially Bad Traffic] [Priority: 2] {UDP} "
      "192.168.88.10:1029 -> 4.2.2.3:53\n");
  ASSERT_EQ(r.sink.alerts.size(), 1u);
  const AlertEvent& a = r.sink.alerts[0];
  EXPECT_NEAR(a.ts, 1306782568.472094, 1e-6);  // 2011-05-30 19:09:28.472094 UTC
  EXPECT_EQ(a.gid, 1u);
  EXPECT_EQ(a.sid, 2012811u);
  EXPECT_EQ(a.rev, 2u);
  EXPECT_EQ(a.signature, "ET DNS DNS Query to a .tk domain - Likely Hostile");
  EXPECT_EQ(a.classification, "Potentially Bad Traffic");
  EXPECT_EQ(a.priority, 2);
  EXPECT_EQ(a.ip_proto, kProtoUdp);
  EXPECT_EQ(a.src, addr("192.168.88.10"));
  EXPECT_EQ(a.src_port, 1029);
  EXPECT_EQ(a.dst, addr("4.2.2.3"));
  EXPECT_EQ(a.dst_port, 53);
  EXPECT_EQ(a.action, Action::unknown);  // an IDS line says nothing of the packet's fate
  EXPECT_EQ(a.prov, (Provenance{2, 1}));
  EXPECT_EQ(r.report.records, 1u);
}

TEST(SnortReader, Snort3QuotedMessageActionAndAppId) {
  auto r = read(
      "01/23-12:34:56.123456 [drop] [**] [1:2000:3] \"MALWARE beacon [x]\" [**] "
      "[Classification: A Network Trojan was Detected] [Priority: 1] [AppID: http] {TCP} "
      "10.1.1.1:1234 -> 10.2.2.2:80\n"
      "01/23-12:34:57.000001 [wDrop] [**] [1:2001:1] \"would drop\" [**] [Priority: 3] {TCP} "
      "10.1.1.1:1235 -> 10.2.2.2:80\n"
      "01/23-12:34:58 [**] [1:2002:1] \"no fraction\" [**] {ICMP} 10.1.1.1 -> 10.2.2.2\n");
  ASSERT_EQ(r.sink.alerts.size(), 3u) << r.report.problems[0].what;
  const auto& a = r.sink.alerts;
  EXPECT_EQ(a[0].signature, "MALWARE beacon [x]");
  EXPECT_EQ(a[0].action, Action::blocked);
  EXPECT_EQ(a[0].priority, 1);
  EXPECT_EQ(a[0].dst_port, 80);
  EXPECT_EQ(a[1].action, Action::allowed);
  EXPECT_EQ(a[1].classification, "");
  EXPECT_EQ(a[2].ip_proto, kProtoIcmp);
  EXPECT_EQ(a[2].src, addr("10.1.1.1"));
  EXPECT_EQ(a[2].src_port, 0);
  EXPECT_EQ(a[2].priority, 0);
  EXPECT_NEAR(a[2].ts - a[0].ts, 1.876544, 1e-6);
}

TEST(SnortReader, SuricataFastWithYearIpv6AndProtocolNumbers) {
  auto r = read(
      "08/02/2014-10:50:25.823699  [**] [1:6:1] (null) [**] [Classification: (null)] "
      "[Priority: 3] {TCP} 0000:0000:0000:0000:0000:0000:0000:0001:3000 -> "
      "0000:0000:0000:0000:0000:0000:0000:0001:56508\n"
      "07/13/2016-22:42:07.573103  [**] [1:2100498:7] GPL ATTACK_RESPONSE id check returned "
      "root [**] [Classification: Potentially Bad Traffic] [Priority: 2] {6} "
      "82.165.177.154:80 -> 10.16.1.11:54186\n"
      "07/13/16-22:42:08.000000  [**] [1:1:1] v6 ping [**] {IPV6-ICMP} fe80::1 -> ff02::1\n"
      "07/13/16-22:42:09.000000  [**] [1:1:1] gre [**] {PROTO:047} 1.2.3.4 -> 5.6.7.8\n"
      "07/13/16-22:42:10.000000  [**] [1:1:1] v6 web [**] {TCP} [2001:db8::1]:443 -> "
      "[2001:db8::2]:50000\n",
      1999);
  ASSERT_EQ(r.sink.alerts.size(), 5u) << r.report.problems[0].what;
  const auto& a = r.sink.alerts;
  EXPECT_NEAR(a[0].ts, 1406976625.823699, 1e-6);  // the line's year wins over the context's
  EXPECT_EQ(a[0].signature, "");
  EXPECT_EQ(a[0].classification, "");
  EXPECT_EQ(a[0].src, addr("::1"));
  EXPECT_EQ(a[0].src_port, 3000);
  EXPECT_EQ(a[0].dst_port, 56508);
  EXPECT_EQ(a[1].ip_proto, kProtoTcp);
  EXPECT_EQ(a[1].sid, 2100498u);
  EXPECT_EQ(a[2].ip_proto, kProtoIcmp6);
  EXPECT_EQ(a[2].src, addr("fe80::1"));  // no port: the last group stays in the address
  EXPECT_EQ(a[2].dst, addr("ff02::1"));
  EXPECT_EQ(a[3].ip_proto, 47);
  EXPECT_EQ(a[4].src, addr("2001:db8::1"));
  EXPECT_EQ(a[4].src_port, 443);
  EXPECT_EQ(a[4].dst_port, 50000);
  EXPECT_NEAR(a[4].ts - a[2].ts, 2, 1e-9);
}

TEST(SnortReader, LocalTimeInADstZone) {
  absl::TimeZone chicago;
  ASSERT_TRUE(absl::LoadTimeZone("America/Chicago", &chicago));
  auto r = read(
      "07/04-12:00:00.500000 [**] [1:1:1] summer [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
      "01/15-12:00:00.000000 [**] [1:1:1] winter [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
      "03/12-02:30:00.000000 [**] [1:1:1] in the spring gap [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
      "11/05-01:30:00.000000 [**] [1:1:1] repeated hour [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n",
      2023, &chicago);
  ASSERT_EQ(r.sink.alerts.size(), 4u);
  EXPECT_DOUBLE_EQ(r.sink.alerts[0].ts, 1688490000.5);  // CDT, UTC-5
  EXPECT_DOUBLE_EQ(r.sink.alerts[1].ts, 1673805600);    // CST, UTC-6
  EXPECT_DOUBLE_EQ(r.sink.alerts[2].ts, 1678608000);    // a skipped time maps to the change (absl)
  EXPECT_DOUBLE_EQ(r.sink.alerts[3].ts, 1699165800);    // the first 01:30 (CDT)
}

TEST(SnortReader, YearRollsOverFromDecemberToJanuary) {
  auto r = read(
      "12/31-23:59:59.000000 [**] [1:1:1] a [**] {UDP} 1.2.3.4:1 -> 5.6.7.8:2\n"
      "01/01-00:00:01.000000 [**] [1:1:1] b [**] {UDP} 1.2.3.4:1 -> 5.6.7.8:2\n",
      2022);
  ASSERT_EQ(r.sink.alerts.size(), 2u);
  EXPECT_DOUBLE_EQ(r.sink.alerts[1].ts - r.sink.alerts[0].ts, 2);
}

TEST(SnortReader, AlertFullBlocks) {
  auto r = read(
      "[**] [1:2925:3] INFO web bug 0x0 gif attempt [**]\n"
      "[Classification: Misc activity] [Priority: 3] \n"
      "07/17-12:45:36.580434 64.233.161.99:80 -> 192.168.1.101:1031\n"
      "TCP TTL:237 TOS:0x0 ID:40719 IpLen:20 DgmLen:1053\n"
      "***AP*** Seq: 0x8AC3C3A8  Ack: 0x95E5D68F  Win: 0x5CB  TcpLen: 20\n"
      "[Xref => http://www.webbugs.org/]\n"
      "\n"
      "=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+\n"
      "\n"
      "[**] [1:10000:0] \"v6 ping\" [**]\n"
      "[Priority: 0]\n"
      "07/17-12:45:37.000000 fe80::1 -> ff02::1\n"
      "IPV6-ICMP TTL:255\n"
      "\n"
      "[**] [1:3:1] no time line [**]\n"
      "\n"
      "[**] [1:4:1] last, no protocol line [**]\n"
      "07/17-12:45:38.000000 10.0.0.1:5 -> 10.0.0.2:6\n");
  ASSERT_EQ(r.sink.alerts.size(), 3u);
  const auto& a = r.sink.alerts;
  EXPECT_EQ(a[0].sid, 2925u);
  EXPECT_EQ(a[0].signature, "INFO web bug 0x0 gif attempt");
  EXPECT_EQ(a[0].classification, "Misc activity");
  EXPECT_EQ(a[0].priority, 3);
  EXPECT_EQ(a[0].ip_proto, kProtoTcp);
  EXPECT_EQ(a[0].src, addr("64.233.161.99"));
  EXPECT_EQ(a[0].src_port, 80);
  EXPECT_EQ(a[0].dst_port, 1031);
  EXPECT_EQ(a[0].prov.ref, 1u);  // the block's first line
  EXPECT_EQ(a[1].signature, "v6 ping");
  EXPECT_EQ(a[1].src, addr("fe80::1"));
  EXPECT_EQ(a[1].prov.ref, 10u);
  EXPECT_EQ(a[2].src_port, 5);
  EXPECT_EQ(a[2].prov.ref, 17u);
  EXPECT_EQ(r.report.records, 3u);
  EXPECT_EQ(r.report.rejected, 1u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_EQ(r.report.problems[0].ref, 15u);
  EXPECT_EQ(r.report.problems[0].what, "alert block without its time line");
}

TEST(SnortReader, HostileMessagesAndMalformedLines) {
  const std::string evil = "<script>alert(1)</script> \x1b[31mRED\x1b[0m ' OR 1=1 --";
  auto r = read("05/30-19:09:10.917356  [**] [1:1:1] " + evil +
                " [**] [Priority: 1] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
                "05/30-19:09:10.917356  [**] [1:x:1] bad ids [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
                "05/30-19:09:10.917356  [**] [1:1:1] no close {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
                "05/30-19:09:10.917356  [**] [1:1:1] no proto [**] 1.2.3.4:1 -> 5.6.7.8:2\n"
                "05/30-19:09:10.917356  [**] [1:1:1] bad addr [**] {TCP} 1.2.3.400:1 -> 5.6.7.8:2\n"
                "13/30-19:09:10.917356  [**] [1:1:1] month 13 [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
                "02/30-19:09:10.917356  [**] [1:1:1] feb 30 [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n"
                "garbage\n" +
                std::string("\0\0\xff\xfe", 4) + "\n");
  ASSERT_EQ(r.sink.alerts.size(), 1u);
  EXPECT_EQ(r.sink.alerts[0].signature, evil);
  EXPECT_EQ(r.report.rejected, 8u);
  ASSERT_EQ(r.report.problems.size(), 8u);
  EXPECT_EQ(r.report.problems[0].what, "rule id is not gid:sid:rev");
  EXPECT_EQ(r.report.problems[1].what, "message not closed by [**]");
  EXPECT_EQ(r.report.problems[2].what, "no {protocol}");
  EXPECT_EQ(r.report.problems[3].what, "source or destination is not an address");
  EXPECT_EQ(r.report.problems[4].what, "no MM/DD-HH:MM:SS.uuuuuu time at the start");
  EXPECT_EQ(r.report.problems[5].what, "no such date");
}

TEST(SnortReader, WithoutAYearTheCurrentOneIsAssumedAndSaid) {
  auto r = read("05/30-19:09:10.917356 [**] [1:1:1] x [**] {UDP} 1.2.3.4:1 -> 5.6.7.8:2\n", 0);
  ASSERT_EQ(r.sink.alerts.size(), 1u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_NE(r.report.problems[0].what.find("assumed"), std::string::npos);
  EXPECT_EQ(r.report.rejected, 0u);
}

}  // namespace
}  // namespace callhome
