#include "logs/zeek_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/owned_http.h"

namespace callhome {
namespace {

struct Collect : EventSink {
  std::vector<Connection> conns;
  std::vector<OwnedHttp> http;
  std::vector<DnsEvent> dns;
  std::vector<NameEvent> names;
  void on_connection(const Connection& e) override { conns.push_back(e); }
  void on_http(const HttpEvent& e) override { http.emplace_back(e); }
  void on_dns(const DnsEvent& e) override { dns.push_back(e); }
  void on_name(const NameEvent& e) override { names.push_back(e); }
};

struct Result {
  Collect sink;
  InputReport report;
};

Result read(const std::string& text) {
  Result r;
  auto src = ByteSource::from_memory(text);
  LineReader lines(*src);
  ReadContext ctx;
  ctx.input_index = 5;
  read_zeek(lines, ctx, r.sink, r.report);
  return r;
}

Address addr(const char* s) {
  return *Address::parse(s);
}

std::string header(const char* path, const char* fields) {
  return std::string("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n") +
         "#unset_field\t-\n#path\t" + path + "\n#open\t2020-10-06-17-32-56\n#fields\t" + fields +
         "\n#types\tignored\n";
}

const char* kConnFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
    "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\t"
    "orig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents";

TEST(ZeekReader, TsvConnLogWithEveryField) {
  auto r =
      read(header("conn", kConnFields) +
           "1601998366.785668\tCNgrt04tHika5Pgpfi\t2001:718:2:1663:dc58:6d9:ef13:51a5\t54170\t"
           "2001:718:2:1611:0:1:0:90\t53\tudp\tdns\t0.007707\t37\t77\tSF\t-\t-\t0\tDd\t1\t85\t"
           "1\t125\t-\n"
           "1677024003.714845\tC6SgKom3WB2KEL2ae\t192.168.1.107\t65164\t66.63.168.35\t5888\t"
           "tcp\t-\t0.037629\t0\t0\tREJ\tT\tF\t0\tSr\t2\t104\t2\t80\t-\n"
           "1601998400.000000\tCicmp\t10.0.0.1\t8\t8.8.8.8\t0\ticmp\t-\t-\t-\t-\tOTH\t-\t-\t0\t"
           "-\t1\t84\t0\t0\tCHhAvVGS1DHFjwGM9,CXWfTK3LRdiuQxBbM6\n"
           "#close\t2020-10-06-17-33-00\n");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 3u);
  ASSERT_EQ(r.sink.conns.size(), 3u);
  const Connection& c = r.sink.conns[0];
  EXPECT_DOUBLE_EQ(c.ts, 1601998366.785668);
  EXPECT_EQ(c.uid, "CNgrt04tHika5Pgpfi");
  EXPECT_EQ(c.orig_h, addr("2001:718:2:1663:dc58:6d9:ef13:51a5"));
  EXPECT_EQ(c.orig_p, 54170);
  EXPECT_EQ(c.resp_h, addr("2001:718:2:1611:0:1:0:90"));
  EXPECT_EQ(c.resp_p, 53);
  EXPECT_EQ(c.ip_proto, kProtoUdp);
  EXPECT_EQ(c.service, "dns");
  EXPECT_TRUE(c.has_duration);
  EXPECT_DOUBLE_EQ(c.duration, 0.007707);
  EXPECT_TRUE(c.has_bytes);
  EXPECT_EQ(c.orig_bytes, 37u);
  EXPECT_EQ(c.resp_bytes, 77u);
  EXPECT_EQ(c.state, ConnState::SF);
  EXPECT_EQ(c.missed_bytes, 0u);
  EXPECT_EQ(c.history, "Dd");
  EXPECT_TRUE(c.has_counts);
  EXPECT_EQ(c.orig_pkts, 1u);
  EXPECT_EQ(c.orig_ip_bytes, 85u);
  EXPECT_EQ(c.resp_pkts, 1u);
  EXPECT_EQ(c.resp_ip_bytes, 125u);
  EXPECT_TRUE(c.tunnel_parents.empty());
  EXPECT_EQ(c.action, Action::unknown);
  EXPECT_EQ(c.first, (Provenance{5, 9}));
  EXPECT_EQ(c.last, (Provenance{5, 9}));

  const Connection& rej = r.sink.conns[1];
  EXPECT_EQ(rej.ip_proto, kProtoTcp);
  EXPECT_EQ(rej.state, ConnState::REJ);
  EXPECT_EQ(rej.service, "");
  EXPECT_EQ(rej.action, Action::unknown);
  EXPECT_TRUE(is_failed_attempt(rej));

  const Connection& icmp = r.sink.conns[2];
  EXPECT_EQ(icmp.ip_proto, kProtoIcmp);
  EXPECT_FALSE(icmp.has_duration);
  EXPECT_FALSE(icmp.has_bytes);
  EXPECT_TRUE(icmp.has_counts);
  EXPECT_EQ(icmp.history, "");
  EXPECT_EQ(icmp.tunnel_parents,
            (std::vector<std::string>{"CHhAvVGS1DHFjwGM9", "CXWfTK3LRdiuQxBbM6"}));
}

// D16: set fields keep their elements whichever syntax they came in: split at the set
// separator before unescaping (so \x2c inside an element stays a comma), "(empty)" an empty
// set, "-" unset, JSON arrays element by element.
TEST(ZeekReader, TunnelParentsKeepTheirElements) {
  auto r = read(header("conn",
                       "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
                       "tunnel_parents") +
                "1.0\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tCabcA,CdefB\n"
                "2.0\tC2\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t(empty)\n"
                "3.0\tC3\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-\n"
                "4.0\tC4\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\ta\\x2cb,Cx\n"
                "5.0\tC5\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tConly\n");
  auto j = read(
      R"({"ts":6,"uid":"C6","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2,"proto":"tcp","conn_state":"SF","tunnel_parents":["CabcA","CdefB"]})"
      "\n"
      R"({"ts":7,"uid":"C7","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":2,"proto":"tcp","conn_state":"SF","tunnel_parents":[]})"
      "\n");
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.sink.conns.size(), 5u);
  using V = std::vector<std::string>;
  EXPECT_EQ(r.sink.conns[0].tunnel_parents, (V{"CabcA", "CdefB"}));
  EXPECT_EQ(r.sink.conns[1].tunnel_parents, V{});
  EXPECT_EQ(r.sink.conns[2].tunnel_parents, V{});
  EXPECT_EQ(r.sink.conns[3].tunnel_parents, (V{"a,b", "Cx"}));
  EXPECT_EQ(r.sink.conns[4].tunnel_parents, V{"Conly"});
  EXPECT_EQ(j.report.rejected, 0u);
  ASSERT_EQ(j.sink.conns.size(), 2u);
  EXPECT_EQ(j.sink.conns[0].tunnel_parents, (V{"CabcA", "CdefB"}));
  EXPECT_EQ(j.sink.conns[1].tunnel_parents, V{});
}

TEST(ZeekReader, RelativeTimesAndIpProtoColumn) {
  auto r = read(header("conn",
                       "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
                       "conn_state\tip_proto") +
                "928.94\tC1\t10.0.2.112\t44444\t10.0.2.1\t80\ttcp\tS0\t6\n"
                "929.5\tC2\tfe80::1\t135\tff02::1\t136\ticmp\tOTH\t58\n"
                "930\tC3\t10.0.0.1\t0\t10.0.0.2\t0\tunknown_transport\tOTH\t132\n");
  ASSERT_EQ(r.sink.conns.size(), 3u);
  EXPECT_DOUBLE_EQ(r.sink.conns[0].ts, 928.94);  // accepted as given
  EXPECT_FALSE(r.sink.conns[0].has_counts);
  EXPECT_EQ(r.sink.conns[1].ip_proto, kProtoIcmp6);
  EXPECT_EQ(r.sink.conns[2].ip_proto, 132);
  EXPECT_DOUBLE_EQ(r.report.first_ts, 928.94);
  EXPECT_DOUBLE_EQ(r.report.last_ts, 930);
}

TEST(ZeekReader, TsvEscapesSetsAndEmptyFields) {
  auto r = read(header("dns",
                       "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype\t"
                       "rcode_name\tanswers\tTTLs") +
                "1.0\tC1\t10.0.0.5\t5000\t10.0.0.1\t53\tudp\twww.google.com\t1\tNOERROR\t"
                "www.l.google.com,142.250.1.1,2001:db8::8\t60.0,60.0,60.0\n"
                "2.0\tC2\t10.0.0.5\t5001\t10.0.0.1\t53\tudp\tsupernode1.streamcastnetworks.com\t1\t"
                "NXDOMAIN\t-\t-\n"
                "3.0\tC3\t10.0.0.5\t5002\t10.0.0.1\t53\tudp\ttab\\x09and\\x2ccomma.example\t16\t"
                "NOERROR\tTXT 12 a\\x2cb,(empty)\t-\n"
                "4.0\tC4\t10.0.0.5\t5003\t10.0.0.1\t53\tudp\t-\t-\t-\t(empty)\t(empty)\n");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 4u);
  ASSERT_EQ(r.sink.dns.size(), 3u);  // the last has no query: a record, not a lookup
  const auto& d = r.sink.dns;
  EXPECT_EQ(d[0].query, "www.google.com");
  EXPECT_EQ(d[0].qtype, 1);
  EXPECT_EQ(d[0].rcode, "NOERROR");
  EXPECT_EQ(d[0].client, addr("10.0.0.5"));
  EXPECT_EQ(d[0].server, addr("10.0.0.1"));
  EXPECT_EQ(d[0].cnames, (std::vector<std::string>{"www.l.google.com"}));
  EXPECT_EQ(d[0].addresses, (std::vector<Address>{addr("142.250.1.1"), addr("2001:db8::8")}));
  EXPECT_EQ(d[1].rcode, "NXDOMAIN");
  EXPECT_TRUE(d[1].addresses.empty());
  EXPECT_TRUE(d[1].cnames.empty());
  EXPECT_EQ(d[2].query, "tab\tand,comma.example");
  EXPECT_EQ(d[2].cnames, (std::vector<std::string>{"TXT 12 a,b", "(empty)"}));
  EXPECT_EQ(d[2].prov.ref, 11u);
}

TEST(ZeekReader, HttpAndSslTsv) {
  auto r = read(
      header("http",
             "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\t"
             "referrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\t"
             "status_code\tstatus_msg\tresp_mime_types") +
      "1672843056.914972\tCX\t10.136.0.18\t55548\t10.136.0.16\t3128\t1\tCONNECT\twww.google.com\t"
      "www.google.com:443\t-\t1.1\tModzilla/-2.0 (Atari 7800)\t-\t0\t0\t200\tConnection "
      "established\t-\n"
      "1672843057.0\tCY\t10.136.0.18\t55549\t93.184.216.34\t80\t1\tGET\texample.com\t"
      "/<script>\\x1b[31m\t-\t1.1\t\\x00evil\\x5cagent\t-\t0\t1256\t200\tOK\t"
      "text/html,image/png\n" +
      header("ssl",
             "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\t"
             "server_name") +
      "1672843056.941541\tCX\t10.136.0.18\t55548\t10.136.0.16\t3128\tTLSv13\tTLS_AES\t"
      "www.google.com\n"
      "1672843056.99\tCZ\t10.136.0.18\t55550\t10.136.0.16\t3128\tTLSv13\tTLS_AES\t-\n");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 4u);
  ASSERT_EQ(r.sink.http.size(), 2u);
  const OwnedHttp& h = r.sink.http[0];
  EXPECT_EQ(h.method, "CONNECT");
  EXPECT_EQ(h.host, "www.google.com");
  EXPECT_EQ(h.url, "www.google.com:443");
  EXPECT_EQ(h.user_agent, "Modzilla/-2.0 (Atari 7800)");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.bytes, 0u);
  EXPECT_EQ(h.server, addr("10.136.0.16"));
  EXPECT_EQ(h.server_port, 3128);
  EXPECT_FALSE(h.via_proxy);
  EXPECT_EQ(h.content_type, "");
  const OwnedHttp& g = r.sink.http[1];
  EXPECT_EQ(g.url, "/<script>\x1b[31m");
  EXPECT_EQ(g.user_agent, std::string("\0evil\\agent", 11));
  EXPECT_EQ(g.bytes, 1256u);
  EXPECT_EQ(g.content_type, "text/html");
  ASSERT_EQ(r.sink.names.size(), 1u);
  EXPECT_EQ(r.sink.names[0].name, "www.google.com");
  EXPECT_EQ(r.sink.names[0].source, "tls_sni");
  EXPECT_EQ(r.sink.names[0].server_port, 3128);
}

TEST(ZeekReader, JsonFlatNestedAndIsoTimes) {
  auto r = read(
      R"({"ts":22.335172,"uid":"C6ce9q3xECAsonga21","id.orig_h":"fe80::1cf4:44d2:904a:14f7","id.orig_p":61099,"id.resp_h":"ff02::1:3","id.resp_p":5355,"proto":"udp","service":"dns","duration":0.09628199999999865,"orig_bytes":50,"resp_bytes":0,"conn_state":"S0","missed_bytes":0,"history":"D","orig_pkts":2,"orig_ip_bytes":146,"resp_pkts":0,"resp_ip_bytes":0})"
      "\n"
      R"({"_path":"conn","ts":"2020-01-01T00:00:00.5Z","uid":"C2","id":{"orig_h":"10.0.0.1","orig_p":1234,"resp_h":"10.0.0.2","resp_p":80},"proto":"tcp","conn_state":"SF","tunnel_parents":["Ca","Cb"]})"
      "\n"
      R"({"ts":29.557741,"uid":"CT","id.orig_h":"10.0.2.15","id.orig_p":54330,"id.resp_h":"147.32.80.9","id.resp_p":53,"proto":"udp","trans_id":31185,"query":"isatap.felk.cvut.cz","qtype":1,"rcode_name":"NXDOMAIN","answers":["cname.example","1.2.3.4"]})"
      "\n"
      R"({"ts":30.044629,"uid":"CeX","id.orig_h":"10.0.2.15","id.orig_p":49158,"id.resp_h":"195.113.232.73","id.resp_p":80,"trans_depth":1,"method":"GET","host":"103.41.26.58","uri":"/Mozi.m","user_agent":"Microsoft NCSI","response_body_len":14,"status_code":200,"resp_mime_types":["text/plain"]})"
      "\n"
      R"({"ts":95.036038,"uid":"Cmj","id.orig_h":"10.0.2.15","id.orig_p":49194,"id.resp_h":"204.79.197.200","id.resp_p":443,"version":"TLSv10","cipher":"TLS_ECDHE","server_name":"ieonline.microsoft.com"})"
      "\n"
      R"({"ts":29.869534,"fuid":"FqhaAy4xsmJ3AR63A3","tx_hosts":["147.32.80.7"],"source":"HTTP"})"
      "\n");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 5u);  // the files.log line is skipped: nothing callhome reads
  ASSERT_EQ(r.sink.conns.size(), 2u);
  EXPECT_DOUBLE_EQ(r.sink.conns[0].ts, 22.335172);
  EXPECT_EQ(r.sink.conns[0].orig_h, addr("fe80::1cf4:44d2:904a:14f7"));
  EXPECT_EQ(r.sink.conns[0].state, ConnState::S0);
  EXPECT_EQ(r.sink.conns[0].orig_ip_bytes, 146u);
  EXPECT_DOUBLE_EQ(r.sink.conns[1].ts, 1577836800.5);
  EXPECT_EQ(r.sink.conns[1].orig_h, addr("10.0.0.1"));
  EXPECT_EQ(r.sink.conns[1].resp_p, 80);
  EXPECT_EQ(r.sink.conns[1].tunnel_parents, (std::vector<std::string>{"Ca", "Cb"}));
  EXPECT_FALSE(r.sink.conns[1].has_counts);
  ASSERT_EQ(r.sink.dns.size(), 1u);
  EXPECT_EQ(r.sink.dns[0].rcode, "NXDOMAIN");
  EXPECT_EQ(r.sink.dns[0].cnames, (std::vector<std::string>{"cname.example"}));
  EXPECT_EQ(r.sink.dns[0].addresses, (std::vector<Address>{addr("1.2.3.4")}));
  ASSERT_EQ(r.sink.http.size(), 1u);
  EXPECT_EQ(r.sink.http[0].content_type, "text/plain");
  EXPECT_EQ(r.sink.http[0].url, "/Mozi.m");
  ASSERT_EQ(r.sink.names.size(), 1u);
  EXPECT_EQ(r.sink.names[0].name, "ieonline.microsoft.com");
  EXPECT_EQ(r.sink.names[0].prov.ref, 5u);
}

TEST(ZeekReader, MalformedLinesAreRejected) {
  auto r = read(
      "1.0\tC0\t10.0.0.1\n" +  // data before any header
      header("conn", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state") +
      "XXXXXXXXXX.XXXXXX\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tS0\n"  // btest-canonified time
      "1.0\tC2\t10.0.0.300\t1\t10.0.0.2\t2\ttcp\tS0\n"
      "1.0\tC3\t10.0.0.1\tport\t10.0.0.2\t2\ttcp\tS0\n"
      "1.0\tC4\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n"
      "1.0\tC5\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tS0\textra\n"
      "1.0\tC6\t-\t1\t10.0.0.2\t2\ttcp\tS0\n"
      "{\"ts\":1.0,\"uid\":\"C7\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_h\n"
      "{\"ts\":\"yesterday\",\"uid\":\"C8\",\"id.orig_h\":\"10.0.0.1\",\"conn_state\":\"S0\"}\n" +
      std::string("\0\0\0\xff", 4) + "\n" + std::string(100, '\t') + "\n" +
      "1.0\tC9\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tS0\n");
  ASSERT_EQ(r.sink.conns.size(), 1u);
  EXPECT_EQ(r.sink.conns[0].uid, "C9");
  EXPECT_EQ(r.report.records, 1u);
  EXPECT_EQ(r.report.rejected, 10u);
  ASSERT_EQ(r.report.problems.size(), 10u);
  EXPECT_EQ(r.report.problems[0].what, "data before any #fields header");
  EXPECT_EQ(r.report.problems[1].what, "ts is not a time");
  EXPECT_EQ(r.report.problems[2].what, "id.orig_h is not an address");
  EXPECT_EQ(r.report.problems[3].what, "id.orig_p is not a count");
  EXPECT_EQ(r.report.problems[4].what, "7 columns where #fields names 8");
  EXPECT_EQ(r.report.problems[5].what, "9 columns where #fields names 8");
  EXPECT_EQ(r.report.problems[6].what, "no id.orig_h");
  EXPECT_EQ(r.report.problems[7].what.rfind("not JSON", 0), 0u);
  EXPECT_EQ(r.report.problems[8].what, "ts is not a time");
}

// Found by fuzzing: a negative duration is no duration, and a time that is no finite number
// rejects the line.
TEST(ZeekReader, NegativeDurationsAndInfiniteTimes) {
  auto r =
      read(header("conn", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration") +
           "928.94\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-.037629\n"
           "inf\tC2\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t1.0\n"
           "929.0\tC3\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t0.5\n");
  ASSERT_EQ(r.sink.conns.size(), 2u);
  EXPECT_FALSE(r.sink.conns[0].has_duration);
  EXPECT_TRUE(r.sink.conns[1].has_duration);
  EXPECT_DOUBLE_EQ(r.sink.conns[1].duration, 0.5);
  EXPECT_EQ(r.report.rejected, 1u);
}

TEST(ZeekReader, OtherLogsAndCutHeadersAndStrayBlanks) {
  auto r = read(
      "### BTest baseline data generated by btest-diff. Do not edit.\n"
      "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thistory\n"
      "1.5\tCHhAvVGS1DHFjwGM9\t192.168.1.1\t40190\t255.255.255.255\t7437\tD\n"
      "\t#separator \\x09\n" +  // a stray tab before the directive, as in a real Slips file
      header("files", "ts\tfuid\ttx_hosts\trx_hosts") +
      "1.0\tF1\t1.2.3.4\t5.6.7.8\n");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_EQ(r.report.records, 1u);
  ASSERT_EQ(r.sink.conns.size(), 1u);
  EXPECT_EQ(r.sink.conns[0].history, "D");
  EXPECT_EQ(r.sink.conns[0].state, ConnState::none);
  // The files log is left for the caller to mention once for all inputs, not as a problem.
  EXPECT_TRUE(r.report.problems.empty());
  EXPECT_EQ(r.report.unread_zeek_logs, std::vector<std::string>{"files"});
}

TEST(ZeekReader, Sniffer) {
  EXPECT_EQ(sniff_zeek(header("conn", kConnFields)), 95);
  EXPECT_EQ(sniff_zeek("\t#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\n"), 95);
  EXPECT_EQ(sniff_zeek(R"({"ts":1.0,"uid":"C","id.orig_h":"1.2.3.4"})"), 85);
  EXPECT_EQ(sniff_zeek("ts\tuid\tid.orig_h\n1.0\tC\t1.2.3.4\n"), 80);  // zeek-cut
  EXPECT_EQ(sniff_zeek("ts\tsrc\tdst\n1.0\t1.2.3.4\t5.6.7.8\n"), 0);   // any TSV
  EXPECT_EQ(sniff_zeek(R"({"timestamp":"x","event_type":"flow","ts":1,"uid":"x"})"), 0);
  EXPECT_EQ(sniff_zeek("ts,uid,id.orig_h\n"), 0);
  EXPECT_EQ(sniff_zeek(""), 0);
}

}  // namespace
}  // namespace callhome
