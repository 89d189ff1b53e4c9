#include "logs/squid_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/owned_http.h"

namespace callhome {
namespace {

struct Collect : EventSink {
  std::vector<OwnedHttp> http;
  void on_http(const HttpEvent& e) override { http.emplace_back(e); }
};

struct Result {
  Collect sink;
  InputReport report;
};

Result read(const std::string& text, size_t max_line = size_t(1) << 20) {
  Result r;
  auto src = ByteSource::from_memory(text);
  LineReader lines(*src, max_line);
  ReadContext ctx;
  ctx.input_index = 7;
  read_squid(lines, ctx, r.sink, r.report);
  return r;
}

Address addr(const char* s) {
  return *Address::parse(s);
}

TEST(SquidReader, Case1NativeLine) {
  auto r = read(
      "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST "
      "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss - "
      "DIRECT/updaterservice.wildtangent.com text/plain\n");
  ASSERT_EQ(r.sink.http.size(), 1u);
  const OwnedHttp& e = r.sink.http[0];
  EXPECT_DOUBLE_EQ(e.ts, 990049564.625);
  EXPECT_DOUBLE_EQ(e.elapsed, 0.873);
  EXPECT_EQ(e.client, addr("192.168.1.3"));
  EXPECT_EQ(e.result, "TCP_MISS");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.bytes, 303u);
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.url, "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss");
  EXPECT_EQ(e.host, "updaterservice.wildtangent.com");
  EXPECT_EQ(e.hierarchy, "DIRECT/updaterservice.wildtangent.com");
  EXPECT_TRUE(e.server.is_unspecified());  // the peer is a name, not an address
  EXPECT_EQ(e.server_port, 0);
  EXPECT_EQ(e.content_type, "text/plain");
  EXPECT_TRUE(e.user_agent.empty());
  EXPECT_TRUE(e.via_proxy);
  EXPECT_EQ(e.action, Action::allowed);
  EXPECT_EQ(e.prov, (Provenance{7, 1}));
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_DOUBLE_EQ(r.report.first_ts, 990049564.625);
}

TEST(SquidReader, DeniedConnectAndErrorLines) {
  auto r = read(
      "1157689312.049   5006 10.105.21.199 TCP_MISS/200 19763 CONNECT login.yahoo.com:443 "
      "badeyek DIRECT/209.73.177.115 -\n"
      "1157689324.105      0 10.105.21.199 TCP_DENIED/407 1759 GET "
      "http://us.mcafee.com/x.asp - NONE/- text/html\n"
      "1157689325.000      1 10.105.21.199 TCP_DENIED/403 1500 GET http://bad.example/ - "
      "NONE/- text/html\n"
      "1157689326.000      2 10.105.21.199 NONE/503 0 GET http://down.example/ - HIER_NONE/- -\n"
      "1157689327.000      3 10.105.21.199 NONE_NONE/000 0 - "
      "error:transaction-end-before-headers - HIER_NONE/- -\n"
      "1157689328.000      4 10.105.21.199 TCP_MISS/407 10 GET http://auth.example/ - "
      "FIRST_UP_PARENT/10.0.0.1 -\n");
  ASSERT_EQ(r.sink.http.size(), 6u);
  const auto& h = r.sink.http;
  EXPECT_EQ(h[0].method, "CONNECT");
  EXPECT_EQ(h[0].host, "login.yahoo.com");
  EXPECT_EQ(h[0].server, addr("209.73.177.115"));
  EXPECT_EQ(h[0].server_port, 443);
  EXPECT_EQ(h[0].action, Action::allowed);
  EXPECT_TRUE(h[0].content_type.empty());

  EXPECT_EQ(h[1].result, "TCP_DENIED");
  EXPECT_EQ(h[1].status, 407);
  EXPECT_EQ(h[1].action, Action::blocked);
  EXPECT_EQ(h[1].host, "us.mcafee.com");
  EXPECT_TRUE(h[1].server.is_unspecified());
  EXPECT_EQ(h[2].action, Action::blocked);

  EXPECT_EQ(h[3].result, "NONE");
  EXPECT_EQ(h[3].status, 503);
  EXPECT_EQ(h[3].action, Action::allowed);
  EXPECT_EQ(h[3].hierarchy, "HIER_NONE/-");

  EXPECT_EQ(h[4].result, "NONE_NONE");
  EXPECT_EQ(h[4].status, 0);
  EXPECT_EQ(h[4].method, "-");
  EXPECT_EQ(h[4].url, "error:transaction-end-before-headers");
  EXPECT_TRUE(h[4].host.empty());

  // A parent proxy: its address is the server contacted, the URL's port is not its port.
  EXPECT_EQ(h[5].server, addr("10.0.0.1"));
  EXPECT_EQ(h[5].server_port, 0);
  EXPECT_EQ(h[5].action, Action::blocked);  // a 407 from upstream is still a refusal
}

TEST(SquidReader, Ipv6ClientsAndPeersAndUrlPorts) {
  auto r = read(
      "1525344856.899  16867 2001:db8::5 TCP_TUNNEL/200 6256 CONNECT [2001:db8::80]:8443 - "
      "HIER_DIRECT/2001:db8::80 -\n"
      "1525344857.000 12 ::ffff:10.1.2.3 TCP_MISS/200 10 GET http://user:pw@Example.COM:8080/a?b "
      "- ORIGINAL_DST/93.184.216.34 text/html\n"
      "1525344858.000 12 10.1.2.3 TCP_MISS/200 10 GET https://secure.example/ - "
      "DIRECT/93.184.216.35 -\n");
  ASSERT_EQ(r.sink.http.size(), 3u);
  const auto& h = r.sink.http;
  EXPECT_EQ(h[0].client, addr("2001:db8::5"));
  EXPECT_EQ(h[0].host, "2001:db8::80");
  EXPECT_EQ(h[0].server, addr("2001:db8::80"));
  EXPECT_EQ(h[0].server_port, 8443);
  EXPECT_EQ(h[0].result, "TCP_TUNNEL");
  EXPECT_EQ(h[1].client, addr("10.1.2.3"));  // v4-mapped is the same address
  EXPECT_EQ(h[1].host, "Example.COM");       // kept as logged
  EXPECT_EQ(h[1].server_port, 8080);
  EXPECT_EQ(h[2].server_port, 443);
}

TEST(SquidReader, OddWhitespaceExtraFieldsAndUrlsWithBlanks) {
  auto r = read(
      "1525334330.556\t     3\t120.65.1.1 TCP_REFRESH_MISS/200 2014 GET "
      "http://www.sample.com/hellow_world.txt public-user DIRECT/www.sample.com text/plain "
      "902351708.872\r\n"
      "\n   \n"
      "  1525334331.000 3 120.65.1.1 TCP_MISS/200 1 GET http://a.example/with space/x - "
      "DIRECT/1.2.3.4 text/plain  \n");
  ASSERT_EQ(r.sink.http.size(), 2u);
  const auto& h = r.sink.http;
  EXPECT_EQ(h[0].content_type, "text/plain");  // the trailing extra field is ignored
  EXPECT_EQ(h[0].prov.ref, 1u);
  EXPECT_EQ(h[1].url, "http://a.example/with space/x");
  EXPECT_EQ(h[1].host, "a.example");
  EXPECT_EQ(h[1].server, addr("1.2.3.4"));
  EXPECT_EQ(h[1].prov.ref, 4u);  // blank lines still count as lines
  EXPECT_EQ(r.report.rejected, 0u);
}

// The shapes the reader's fast paths take apart: Squid's own "ten digits, a dot, three" time,
// authorities longer than one 16-byte step (with user:password@ and a port inside or across
// it), and lines whose tokens end on a 64-byte block boundary, shorter than one block, and with
// exactly the most tokens kept.
TEST(SquidReader, FastPathShapes) {
  const std::string tail = " - DIRECT/93.184.216.34 text/html\n";
  std::string text =
      "1709251200.082 7 10.0.0.1 TCP_MISS/200 10 GET http://a.example/" + tail +  // 1
      "1709251200.08x 7 10.0.0.1 TCP_MISS/200 10 GET http://a.example/" + tail +  // 2
      "170925120x.082 7 10.0.0.1 TCP_MISS/200 10 GET http://a.example/" + tail +  // 3
      "1709251200.999 7 10.0.0.1 TCP_MISS/200 10 GET "
      "http://someone:secret@a-rather-long-host-name.example.com:8080/x" +
      tail +  // 4
      "1709251200.000 7 10.0.0.1 TCP_MISS/200 10 GET http://h.example:81@real.example/" +
      tail +  // 5
      "1709251200.000 7 10.0.0.1 TCP_TUNNEL/200 10 CONNECT "
      "a-very-long-connect-target.example.org:8443 - HIER_DIRECT/93.184.216.34 -\n";  // 6
  // Line 7: 64 bytes exactly, its last token ending on the block boundary.
  const std::string exact = "1.5 7 10.0.0.1 TCP_MISS/200 10 GET http://b.ex/ - DIRECT/- ";
  const std::string type(64 - exact.size(), 'x');
  text += exact + type + "\n";
  // Line 8: sixteen tokens, the most kept; line 9: seventeen.
  text += "1.5 7 10.0.0.1 TCP_MISS/200 10 GET http://c.example/ - DIRECT/- t e1 e2 e3 e4 e5 e6\n";
  text +=
      "1.5 7 10.0.0.1 TCP_MISS/200 10 GET http://c.example/ - DIRECT/- t e1 e2 e3 e4 e5 e6 e7\n";
  auto r = read(text);
  ASSERT_EQ(r.sink.http.size(), 6u);
  const auto& h = r.sink.http;
  EXPECT_DOUBLE_EQ(h[0].ts, 1709251200.082);
  EXPECT_EQ(h[0].prov.ref, 1u);
  EXPECT_EQ(h[1].prov.ref, 4u);
  EXPECT_DOUBLE_EQ(h[1].ts, 1709251200.999);
  EXPECT_EQ(h[1].host, "a-rather-long-host-name.example.com");
  EXPECT_EQ(h[1].server_port, 8080);
  EXPECT_EQ(h[2].host, "real.example");  // the ':' before the '@' is not a port
  EXPECT_EQ(h[2].server_port, 80);
  EXPECT_EQ(h[3].host, "a-very-long-connect-target.example.org");
  EXPECT_EQ(h[3].server_port, 8443);
  EXPECT_EQ(h[4].prov.ref, 7u);
  EXPECT_EQ(h[4].content_type, type);
  EXPECT_EQ(h[4].host, "b.ex");
  EXPECT_EQ(h[5].prov.ref, 8u);
  EXPECT_EQ(h[5].content_type, "t");
  ASSERT_EQ(r.report.problems.size(), 3u);
  EXPECT_EQ(r.report.problems[0].what, "time is not epoch seconds");
  EXPECT_EQ(r.report.problems[1].what, "time is not epoch seconds");
  EXPECT_EQ(r.report.problems[2].ref, 9u);
  EXPECT_EQ(r.report.problems[2].what, "more fields than a native Squid line has");
}

TEST(SquidReader, HostileDataIsKeptVerbatim) {
  const std::string url = "http://evil.example/<script>alert(1)</script>\x1b[31mred\x1b[0m";
  auto r =
      read("1.000 1 10.0.0.1 TCP_MISS/200 1 GET " + url + " - DIRECT/1.2.3.4 text/html\n" +
           "10.0.0.1 - - [17/Nov/2006:13:12:50 +0100] \"GET http://x.example/ HTTP/1.1\" "
           "200 5 \"<img src=x>\" \"Mozilla \\\"quoted\\\" <b>\x1b[2J</b>\" TCP_MISS:DIRECT\n");
  ASSERT_EQ(r.sink.http.size(), 2u);
  EXPECT_EQ(r.sink.http[0].url, url);
  EXPECT_EQ(r.sink.http[0].host, "evil.example");
  EXPECT_EQ(r.sink.http[1].user_agent, "Mozilla \\\"quoted\\\" <b>\x1b[2J</b>");
}

TEST(SquidReader, CommonAndCombinedFormats) {
  auto r = read(
      "192.168.0.13 - - [17/Nov/2006:13:12:50 +0100] \"GET http://x.example/ HTTP/1.0\" 200 1234 "
      "TCP_MISS:DIRECT\n"
      "192.168.0.14 - alice [17/Nov/2006:13:12:51 -0030] \"CONNECT www.example.com:443 HTTP/1.1\" "
      "407 0 \"-\" \"Microsoft-CryptoAPI/5.131\" TCP_DENIED:HIER_NONE\n"
      "192.168.0.15 - - [29/Feb/2008:00:00:00 +0000] \"GET http://y.example/ HTTP/1.1\" 200 - "
      "\"http://ref.example/\" \"-\" TCP_HIT:NONE\n");
  ASSERT_EQ(r.sink.http.size(), 3u) << (r.report.problems.empty() ? "" : r.report.problems[0].what);
  const auto& h = r.sink.http;
  EXPECT_DOUBLE_EQ(h[0].ts, 1163765570);  // 12:12:50 UTC
  EXPECT_EQ(h[0].client, addr("192.168.0.13"));
  EXPECT_EQ(h[0].method, "GET");
  EXPECT_EQ(h[0].url, "http://x.example/");
  EXPECT_EQ(h[0].host, "x.example");
  EXPECT_EQ(h[0].status, 200);
  EXPECT_EQ(h[0].bytes, 1234u);
  EXPECT_EQ(h[0].result, "TCP_MISS");
  EXPECT_EQ(h[0].hierarchy, "DIRECT");
  EXPECT_EQ(h[0].action, Action::allowed);
  EXPECT_TRUE(h[0].via_proxy);

  EXPECT_DOUBLE_EQ(h[1].ts, 1163765571 + 5400);  // 13:12:51 at -00:30 is 13:42:51 UTC
  EXPECT_EQ(h[1].method, "CONNECT");
  EXPECT_EQ(h[1].host, "www.example.com");
  EXPECT_EQ(h[1].user_agent, "Microsoft-CryptoAPI/5.131");
  EXPECT_EQ(h[1].action, Action::blocked);

  EXPECT_EQ(h[2].bytes, 0u);
  EXPECT_TRUE(h[2].user_agent.empty());
  EXPECT_DOUBLE_EQ(h[2].ts, 1204243200);
}

TEST(SquidReader, MalformedLinesAreRejectedAndTheRunGoesOn) {
  std::string text =
      "not a squid line at all\n"                                                     // 1
      "abc 873 192.168.1.3 TCP_MISS/200 303 GET http://a/ - DIRECT/a text/plain\n"    // 2
      "1.5 873 host.example TCP_MISS/200 303 GET http://a/ - DIRECT/a text/plain\n"   // 3
      "1.5 873 192.168.1.3 TCP_MISS 303 GET http://a/ - DIRECT/a text/plain\n"        // 4
      "1.5 873 192.168.1.3 TCP_MISS/2x0 303 GET http://a/ - DIRECT/a text/plain\n"    // 5
      "1.5 873 192.168.1.3 TCP_MISS/200 3.3 GET http://a/ - DIRECT/a text/plain\n"    // 6
      "1.5 873 192.168.1.3 TCP_MISS/200 303 GET http://a/ - direct text/plain\n"      // 7
      "inf 873 192.168.1.3 TCP_MISS/200 303 GET http://a/ - DIRECT/a text/plain\n"    // 8
      "10.0.0.1 - - [31/Feb/2006:13:12:50 +0100] \"GET http://x/ HTTP/1.0\" 200 1\n"  // 9
      "10.0.0.1 - - [17/Nov/2006:13:12:50 +0100] \"GET http://x/ HTTP/1.0 200 1\n"    // 10
      "1.5 873 192.168.1.3 TCP_MISS/200 303 GET http://a/ - DIRECT/a text/plain\n";   // 11
  auto r = read(text);
  ASSERT_EQ(r.sink.http.size(), 1u);
  EXPECT_EQ(r.sink.http[0].prov.ref, 11u);
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 10u);
  ASSERT_EQ(r.report.problems.size(), 10u);
  EXPECT_EQ(r.report.problems[0].ref, 1u);
  EXPECT_EQ(r.report.problems[0].offset, 0u);
  EXPECT_EQ(r.report.problems[1].ref, 2u);
  EXPECT_EQ(r.report.problems[1].offset, 24u);
  EXPECT_EQ(r.report.problems[1].what, "time is not epoch seconds");
  EXPECT_EQ(r.report.problems[2].what, "client is not an IP address");
  EXPECT_EQ(r.report.problems[3].what, "result code is not CODE/status");
  EXPECT_EQ(r.report.problems[4].what, "HTTP status is not a number");
  EXPECT_EQ(r.report.problems[5].what, "byte count is not a number");
  EXPECT_EQ(r.report.problems[6].what, "no hierarchy/peer field");
  EXPECT_EQ(r.report.problems[8].what, "time is not dd/Mon/yyyy:HH:MM:SS +zzzz");
  EXPECT_EQ(r.report.problems[9].what, "unterminated request");
}

TEST(SquidReader, NulBytesBinaryJunkAndOverlongLines) {
  std::string text = "1.5 873 192.168.1.3";
  text += '\0';
  text += " TCP_MISS/200 303 GET http://a/ - DIRECT/a text/plain\n";
  static const char kPng[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe";
  text += std::string(kPng, sizeof kPng - 1) + "\n";  // three lines of binary
  text += "1.5 873 192.168.1.3 TCP_MISS/200 303 GET http://a/" + std::string(500, 'a') +
          " - DIRECT/a text/plain\n";
  text += "1.5 873 192.168.1.3 TCP_MISS/200 303 GET http://ok/ - DIRECT/a text/plain\n";
  auto r = read(text, 200);
  ASSERT_EQ(r.sink.http.size(), 1u);
  EXPECT_EQ(r.sink.http[0].host, "ok");
  EXPECT_EQ(r.report.rejected, 5u);  // the NUL line, three of binary, the overlong one
  bool saw_too_long = false;
  for (const auto& p : r.report.problems) saw_too_long |= p.what == "line too long";
  EXPECT_TRUE(saw_too_long);
}

TEST(SquidReader, SnifferScoresByShareOfMatchingLines) {
  const std::string line =
      "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST http://a.example/ - DIRECT/a -\n";
  EXPECT_EQ(sniff_squid(line + line + line), 95);
  EXPECT_EQ(sniff_squid(line), 80);
  EXPECT_EQ(sniff_squid(""), 0);
  EXPECT_EQ(sniff_squid("hello world\n"), 0);
  std::string mostly_other;
  for (int i = 0; i < 20; ++i) mostly_other += "some other log line " + std::to_string(i) + "\n";
  EXPECT_LT(sniff_squid(mostly_other + line), 5);
}

}  // namespace
}  // namespace callhome
