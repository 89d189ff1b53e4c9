#include "logs/eve_reader.h"

#include <absl/time/time.h>
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
  std::vector<AlertEvent> alerts;
  void on_connection(const Connection& e) override { conns.push_back(e); }
  void on_http(const HttpEvent& e) override { http.emplace_back(e); }
  void on_dns(const DnsEvent& e) override { dns.push_back(e); }
  void on_name(const NameEvent& e) override { names.push_back(e); }
  void on_alert(const AlertEvent& e) override { alerts.push_back(e); }
};

struct Result {
  Collect sink;
  InputReport report;
};

Result read(const std::string& text, const absl::TimeZone* tz = nullptr) {
  Result r;
  auto src = ByteSource::from_memory(text);
  LineReader lines(*src);
  ReadContext ctx;
  ctx.input_index = 4;
  ctx.tz = tz;
  read_eve(lines, ctx, r.sink, r.report);
  return r;
}

Address addr(const char* s) {
  return *Address::parse(s);
}

constexpr double k20210606_135946 = 1622987986;  // 2021-06-06T13:59:46Z

TEST(EveReader, Alert) {
  auto r = read(
      R"({"timestamp":"2021-06-06T15:59:46.457984+0200","flow_id":1,"event_type":"alert",)"
      R"("src_ip":"78.36.196.213","src_port":51698,"dest_ip":"192.168.1.129","dest_port":445,)"
      R"("proto":"TCP","alert":{"action":"blocked","gid":1,"signature_id":2403388,"rev":66418,)"
      R"("signature":"ET CINS Active Threat Intelligence <b>Poor</b>","category":"Misc Attack",)"
      R"("severity":2,"metadata":{"tag":["CINS"]}}})"
      "\n");
  ASSERT_EQ(r.sink.alerts.size(), 1u);
  const AlertEvent& a = r.sink.alerts[0];
  EXPECT_NEAR(a.ts, k20210606_135946 + 0.457984, 1e-6);
  EXPECT_EQ(a.src, addr("78.36.196.213"));
  EXPECT_EQ(a.src_port, 51698);
  EXPECT_EQ(a.dst, addr("192.168.1.129"));
  EXPECT_EQ(a.dst_port, 445);
  EXPECT_EQ(a.ip_proto, kProtoTcp);
  EXPECT_EQ(a.gid, 1u);
  EXPECT_EQ(a.sid, 2403388u);
  EXPECT_EQ(a.rev, 66418u);
  EXPECT_EQ(a.signature, "ET CINS Active Threat Intelligence <b>Poor</b>");
  EXPECT_EQ(a.classification, "Misc Attack");
  EXPECT_EQ(a.priority, 2);
  EXPECT_EQ(a.action, Action::blocked);
  EXPECT_EQ(a.prov, (Provenance{4, 1}));
  EXPECT_EQ(r.report.records, 1u);
}

TEST(EveReader, FlowsAndTheirStates) {
  auto r = read(
      // refused: SYN, answered by RST/ACK
      R"({"timestamp":"2021-06-06T15:57:37.272281+0200","event_type":"flow","src_ip":"91.238.203.56","src_port":48938,"dest_ip":"192.168.1.129","dest_port":445,"proto":"TCP","flow":{"pkts_toserver":2,"pkts_toclient":2,"bytes_toserver":120,"bytes_toclient":120,"start":"2021-06-06T17:34:31.140759+0200","end":"2021-06-06T17:34:31.141012+0200","age":0,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"16","tcp_flags_ts":"02","tcp_flags_tc":"14","syn":true,"rst":true,"ack":true,"state":"closed"}})"
      "\n"
      // a lone SYN (suricata-verify bug-6733)
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","src_ip":"147.183.77.73","src_port":38212,"dest_ip":"155.166.235.43","dest_port":25,"proto":"TCP","flow":{"pkts_toserver":1,"pkts_toclient":0,"bytes_toserver":66,"bytes_toclient":0,"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:00:00Z","state":"new"},"tcp":{"tcp_flags":"02","tcp_flags_ts":"02","tcp_flags_tc":"00","syn":true,"state":"syn_sent"}})"
      "\n"
      // a complete exchange
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","src_ip":"10.0.0.1","src_port":5,"dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP","flow":{"pkts_toserver":5,"pkts_toclient":4,"bytes_toserver":500,"bytes_toclient":4000,"start":"2024-01-01T00:00:00.25Z","end":"2024-01-01T00:00:02.5Z"},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b"}})"
      "\n"
      // UDP one way, IPv6
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","src_ip":"2001:db8::1","src_port":1900,"dest_ip":"ff02::c","dest_port":1900,"proto":"UDP","flow":{"pkts_toserver":12,"pkts_toclient":0,"bytes_toserver":4056,"bytes_toclient":0,"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:00:01Z","state":"new"}})"
      "\n"
      // ICMP echo with its reply
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"flow","src_ip":"10.0.0.1","dest_ip":"8.8.8.8","proto":"ICMP","icmp_type":8,"icmp_code":0,"response_icmp_type":0,"response_icmp_code":0,"flow":{"pkts_toserver":1,"pkts_toclient":1,"bytes_toserver":98,"bytes_toclient":98,"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:00:00Z","action":"drop"}})"
      "\n");
  ASSERT_EQ(r.sink.conns.size(), 5u) << r.report.problems[0].what;
  const auto& c = r.sink.conns;
  EXPECT_NEAR(c[0].ts, 1622993671.140759, 1e-6);  // flow.start, not the event's timestamp
  EXPECT_TRUE(c[0].has_duration);
  EXPECT_NEAR(c[0].duration, 0.000253, 1e-9);
  EXPECT_EQ(c[0].orig_h, addr("91.238.203.56"));
  EXPECT_EQ(c[0].orig_p, 48938);
  EXPECT_EQ(c[0].resp_h, addr("192.168.1.129"));
  EXPECT_EQ(c[0].resp_p, 445);
  EXPECT_EQ(c[0].ip_proto, kProtoTcp);
  EXPECT_EQ(c[0].state, ConnState::REJ);
  EXPECT_TRUE(c[0].has_counts);
  EXPECT_FALSE(c[0].has_bytes);  // Suricata's bytes are whole frames, not payload
  EXPECT_EQ(c[0].orig_pkts, 2u);
  EXPECT_EQ(c[0].resp_pkts, 2u);
  EXPECT_EQ(c[0].orig_ip_bytes, 120u);
  EXPECT_EQ(c[0].resp_ip_bytes, 120u);
  EXPECT_EQ(c[0].orig_bytes, 0u);
  EXPECT_EQ(c[0].action, Action::unknown);
  EXPECT_EQ(c[0].first, (Provenance{4, 1}));
  EXPECT_EQ(c[0].last, (Provenance{4, 1}));
  EXPECT_TRUE(is_failed_attempt(c[0]));

  EXPECT_EQ(c[1].state, ConnState::S0);
  EXPECT_EQ(c[1].orig_ip_bytes, 66u);
  EXPECT_EQ(c[2].state, ConnState::SF);
  EXPECT_DOUBLE_EQ(c[2].duration, 2.25);
  EXPECT_EQ(c[3].state, ConnState::S0);
  EXPECT_EQ(c[3].ip_proto, kProtoUdp);
  EXPECT_EQ(c[3].orig_h, addr("2001:db8::1"));
  EXPECT_EQ(c[4].ip_proto, kProtoIcmp);
  EXPECT_EQ(c[4].orig_p, 8);  // Zeek's convention: type, then the counterpart type
  EXPECT_EQ(c[4].resp_p, 0);
  EXPECT_EQ(c[4].state, ConnState::OTH);
  EXPECT_EQ(c[4].action, Action::blocked);
}

TEST(EveReader, DnsAnswersInEveryVersion) {
  auto r = read(
      // v2, detailed answers with a CNAME chain (and "grouped" beside them)
      R"({"timestamp":"2021-06-06T16:15:30.868948+0200","event_type":"dns","src_ip":"192.168.1.129","src_port":39422,"dest_ip":"192.168.1.1","dest_port":53,"proto":"UDP","dns":{"version":2,"type":"answer","id":2,"flags":"8180","rrname":"www.myedimax.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"www.myedimax.com","rrtype":"CNAME","ttl":580,"rdata":"ddns.myedimax.com"},{"rrname":"ddns.myedimax.com","rrtype":"CNAME","ttl":280,"rdata":"ns.myedimax.com"},{"rrname":"ns.myedimax.com","rrtype":"A","ttl":580,"rdata":"122.248.252.67"}],"grouped":{"A":["122.248.252.67"],"CNAME":["ddns.myedimax.com","ns.myedimax.com"]}}})"
      "\n"
      // the query that came before it: a record, no event
      R"({"timestamp":"2021-06-06T16:15:30.860000+0200","event_type":"dns","src_ip":"192.168.1.129","src_port":39422,"dest_ip":"192.168.1.1","dest_port":53,"proto":"UDP","dns":{"type":"query","id":2,"rrname":"www.myedimax.com","rrtype":"A","tx_id":0}})"
      "\n"
      // v2, grouped only, AAAA
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"dns","src_ip":"10.0.0.5","src_port":5000,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":2,"type":"answer","rrname":"v6.example","rrtype":"AAAA","rcode":"NOERROR","grouped":{"AAAA":["2001:db8::7"]}}})"
      "\n"
      // v1: one event per answer record, logged in the answer's direction
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"10.0.0.5","dest_port":5001,"proto":"UDP","dns":{"type":"answer","id":7,"rcode":"NOERROR","rrname":"supernode1.streamcastnetworks.com","rrtype":"A","ttl":60,"rdata":"206.142.53.27"}})"
      "\n"
      // v1 NXDOMAIN
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"dns","src_ip":"10.0.0.5","src_port":5002,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"type":"answer","id":8,"rcode":"NXDOMAIN","rrname":"supernode.kazaa.com"}})"
      "\n"
      // v3: the question in "queries"
      R"({"timestamp":"2024-01-01T00:00:00Z","event_type":"dns","src_ip":"10.0.0.5","src_port":5003,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"version":3,"type":"response","queries":[{"rrname":"musiccity.com","rrtype":"A"}],"rcode":"NOERROR","answers":[{"rrname":"musiccity.com","rrtype":"A","rdata":"64.124.41.10"}]}})"
      "\n");
  EXPECT_EQ(r.report.records, 6u);
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.sink.dns.size(), 5u);
  const auto& d = r.sink.dns;
  EXPECT_EQ(d[0].query, "www.myedimax.com");
  EXPECT_EQ(d[0].qtype, 1);
  EXPECT_EQ(d[0].rcode, "NOERROR");
  EXPECT_EQ(d[0].client, addr("192.168.1.129"));
  EXPECT_EQ(d[0].server, addr("192.168.1.1"));
  EXPECT_EQ(d[0].cnames, (std::vector<std::string>{"ddns.myedimax.com", "ns.myedimax.com"}));
  EXPECT_EQ(d[0].addresses, (std::vector<Address>{addr("122.248.252.67")}));
  EXPECT_EQ(d[0].prov.ref, 1u);
  EXPECT_EQ(d[1].addresses, (std::vector<Address>{addr("2001:db8::7")}));
  EXPECT_EQ(d[1].qtype, 28);
  EXPECT_EQ(d[2].query, "supernode1.streamcastnetworks.com");
  EXPECT_EQ(d[2].client, addr("10.0.0.5"));  // turned round: the client asked
  EXPECT_EQ(d[2].server, addr("10.0.0.1"));
  EXPECT_EQ(d[2].addresses, (std::vector<Address>{addr("206.142.53.27")}));
  EXPECT_EQ(d[3].rcode, "NXDOMAIN");
  EXPECT_TRUE(d[3].addresses.empty());
  EXPECT_EQ(d[4].query, "musiccity.com");
  EXPECT_EQ(d[4].addresses, (std::vector<Address>{addr("64.124.41.10")}));
}

TEST(EveReader, HttpAndTls) {
  auto r = read(
      R"({"timestamp":"2016-06-08T20:01:52.875791+0000","flow_id":1,"event_type":"http","src_ip":"10.16.1.11","src_port":59908,"dest_ip":"188.40.238.250","dest_port":80,"proto":"TCP","http":{"hostname":"www.eicar.org","url":"\/download\/eicar.com?<script>","http_user_agent":"curl\/7.43.0 \u001b[31m","http_content_type":"application\/octet-stream","http_method":"GET","protocol":"HTTP\/1.1","status":200,"length":68}})"
      "\n"
      R"({"timestamp":"2021-06-06T16:54:00.074627+0200","event_type":"tls","src_ip":"192.168.1.129","src_port":60316,"dest_ip":"122.248.252.67","dest_port":55443,"proto":"TCP","tls":{"subject":"CN=www.myedimax.com","sni":"www.myedimax.com","version":"TLS 1.1"}})"
      "\n"
      R"({"timestamp":"2021-06-06T16:54:00.074627+0200","event_type":"tls","src_ip":"192.168.1.129","src_port":60317,"dest_ip":"122.248.252.67","dest_port":443,"proto":"TCP","tls":{"version":"TLS 1.2"}})"
      "\n");
  ASSERT_EQ(r.sink.http.size(), 1u);
  const OwnedHttp& h = r.sink.http[0];
  EXPECT_NEAR(h.ts, 1465416112.875791, 1e-6);
  EXPECT_EQ(h.client, addr("10.16.1.11"));
  EXPECT_EQ(h.server, addr("188.40.238.250"));
  EXPECT_EQ(h.server_port, 80);
  EXPECT_EQ(h.host, "www.eicar.org");
  EXPECT_EQ(h.url, "/download/eicar.com?<script>");
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.user_agent, "curl/7.43.0 \x1b[31m");
  EXPECT_EQ(h.content_type, "application/octet-stream");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.bytes, 68u);
  EXPECT_FALSE(h.via_proxy);
  EXPECT_EQ(h.action, Action::unknown);

  ASSERT_EQ(r.sink.names.size(), 1u);  // the second TLS record has no SNI
  const NameEvent& n = r.sink.names[0];
  EXPECT_EQ(n.name, "www.myedimax.com");
  EXPECT_EQ(n.source, "tls_sni");
  EXPECT_EQ(n.client, addr("192.168.1.129"));
  EXPECT_EQ(n.server, addr("122.248.252.67"));
  EXPECT_EQ(n.server_port, 55443);
  EXPECT_EQ(n.prov.ref, 2u);
  EXPECT_EQ(r.report.records, 3u);
}

TEST(EveReader, UnknownTypesAreRecordsAndJunkIsRejected) {
  std::string nul_in_string = R"({"timestamp":"2021-06-07T12:37:29Z","event_type":"x?"})";
  nul_in_string[nul_in_string.find('?')] = '\0';
  auto r = read(
      R"({"timestamp":"2021-06-07T12:37:29.781936+0200","event_type":"anomaly","src_ip":"86.105.49.243","anomaly":{"type":"applayer"}})"
      "\n"
      R"({"timestamp":"2021-06-07T12:37:29Z","event_type":"stats","stats":{"uptime":5}})"
      "\n"
      "\n"
      "this is not json\n"  // 4
      R"(["an","array"])"   // 5
      "\n"
      R"({"timestamp":"2021-06-07T12:37:29Z","event_type":"fl)"  // 6: cut short
      "\n"
      R"({"event_type":"alert"})"  // 7: no timestamp
      "\n"
      R"({"timestamp":"2021-06-07T12:37:29Z"})"  // 8: no event_type
      "\n"
      R"({"timestamp":"2021-06-07T12:37:29Z","event_type":"alert","src_ip":"999.1.1.1","dest_ip":"1.1.1.1","alert":{}})"
      "\n" +
      nul_in_string + "\n" + std::string("\xff\xfe\x00\x01", 4) + "\n");
  EXPECT_EQ(r.report.records, 2u);
  EXPECT_EQ(r.report.rejected, 8u);
  ASSERT_EQ(r.report.problems.size(), 8u);
  EXPECT_EQ(r.report.problems[0].ref, 4u);
  EXPECT_EQ(r.report.problems[0].what.rfind("not JSON", 0), 0u);
  EXPECT_EQ(r.report.problems[1].what, "not a JSON object");
  EXPECT_EQ(r.report.problems[2].what.rfind("not JSON", 0), 0u);
  EXPECT_EQ(r.report.problems[3].what, "timestamp is not ISO 8601");
  EXPECT_EQ(r.report.problems[4].what, "no event_type");
  EXPECT_EQ(r.report.problems[5].what, "src_ip or dest_ip is not an IP address");
  EXPECT_EQ(r.sink.alerts.size(), 0u);
}

// D15: alerts that name no rule, or whose ports are not ports, are damage: each is rejected
// by line, never reported as an IDS raising "" under sid 0 with ports cut to 16 bits.
TEST(EveReader, AlertsWithoutARuleOrWithImpossiblePortsAreRejected) {
  const std::string head =
      R"({"timestamp":"2021-06-06T15:59:10Z","event_type":"alert","src_ip":"192.168.1.51",)"
      R"("dest_ip":"1.2.3.4","proto":"TCP",)";
  const auto line = [&](const std::string& ports, const std::string& alert) {
    return head + ports + R"("alert":{)" + alert + "}}\n";
  };
  const std::string ok_ports = R"("src_port":1,"dest_port":80,)";
  const std::string ok_alert = R"("signature_id":7,"signature":"x")";
  auto r = read(line(ok_ports, ok_alert) +                                        // 1
                line(ok_ports, R"("signature_id":7,"signature":null)") +          // 2
                line(ok_ports, R"("signature_id":7)") +                           // 3
                line(ok_ports, R"("signature_id":7,"signature":"")") +            // 4
                line(ok_ports, R"("signature_id":-1,"signature":"x")") +          // 5
                line(ok_ports, R"("signature_id":0,"signature":"x")") +           // 6
                line(ok_ports, R"("signature":"x")") +                            // 7
                line(ok_ports, R"("signature_id":4294967296,"signature":"x")") +  // 8
                line(R"("src_port":99999999,"dest_port":80,)", ok_alert) +        // 9
                line(R"("src_port":1,"dest_port":-5,)", ok_alert) +               // 10
                line(R"("src_port":"1","dest_port":80,)", ok_alert) +             // 11
                line(R"("src_port":65535,"dest_port":0,)", ok_alert) +            // 12
                line(R"("src_port":null,)", ok_alert));                           // 13
  ASSERT_EQ(r.sink.alerts.size(), 3u);
  EXPECT_EQ(r.sink.alerts[1].src_port, 65535);
  EXPECT_EQ(r.sink.alerts[1].dst_port, 0);
  EXPECT_EQ(r.sink.alerts[2].src_port, 0);
  EXPECT_EQ(r.report.records, 3u);
  EXPECT_EQ(r.report.rejected, 10u);
  ASSERT_EQ(r.report.problems.size(), 10u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.report.problems[i].ref, i + 2);
    EXPECT_EQ(r.report.problems[i].what, "alert.signature is missing, null or empty");
  }
  for (size_t i = 3; i < 7; ++i) {
    EXPECT_EQ(r.report.problems[i].ref, i + 2);
    EXPECT_EQ(r.report.problems[i].what,
              "alert.signature_id is missing or not a rule id (1..4294967295)");
  }
  for (size_t i = 7; i < 10; ++i) {
    EXPECT_EQ(r.report.problems[i].ref, i + 2);
    EXPECT_EQ(r.report.problems[i].what, "src_port or dest_port is not a port number (0..65535)");
  }
}

// Ports out of range are damage in every event type, not only in alerts.
TEST(EveReader, FlowWithAnImpossiblePortIsRejected) {
  auto r = read(R"({"timestamp":"2021-06-06T15:59:10Z","event_type":"flow","src_ip":"192.168.1.5",)"
                R"("src_port":70000,"dest_ip":"1.2.3.4","dest_port":80,"proto":"UDP",)"
                R"("flow":{"pkts_toserver":1,"pkts_toclient":0}})"
                "\n");
  EXPECT_EQ(r.sink.conns.size(), 0u);
  EXPECT_EQ(r.report.rejected, 1u);
}

TEST(EveReader, Iso8601Forms) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  double t = 0;
  ASSERT_TRUE(parse_iso8601("2021-06-06T15:59:46+0200", utc, t));
  EXPECT_DOUBLE_EQ(t, k20210606_135946);
  ASSERT_TRUE(parse_iso8601("2021-06-06T15:59:46+02:00", utc, t));
  EXPECT_DOUBLE_EQ(t, k20210606_135946);
  ASSERT_TRUE(parse_iso8601("2021-06-06 13:59:46.5Z", utc, t));
  EXPECT_DOUBLE_EQ(t, k20210606_135946 + 0.5);
  ASSERT_TRUE(parse_iso8601("2021-06-06T08:29:46-0530", utc, t));
  EXPECT_DOUBLE_EQ(t, k20210606_135946);
  absl::TimeZone chicago;
  ASSERT_TRUE(absl::LoadTimeZone("America/Chicago", &chicago));
  ASSERT_TRUE(parse_iso8601("2021-06-06T08:59:46", chicago, t));  // no zone: the local one
  EXPECT_DOUBLE_EQ(t, k20210606_135946);
  for (const char* bad : {"", "2021-06-06", "2021-13-06T00:00:00Z", "2021-02-30T00:00:00Z",
                          "2021-06-06T24:00:00Z", "2021-06-06T00:00:00+2", "2021-06-06T00:00:00.Z",
                          "2021-06-06T00:00:00 junk", "2021-06-06X00:00:00Z"}) {
    EXPECT_FALSE(parse_iso8601(bad, utc, t)) << bad;
  }
}

}  // namespace
}  // namespace callhome
