#include "flow/payload_names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callhome {
namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(uint8_t(b));
  return out;
}

void put_name(std::vector<uint8_t>& m, const std::string& name) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    m.push_back(uint8_t(dot - start));
    m.insert(m.end(), name.begin() + long(start), name.begin() + long(dot));
    start = dot + 1;
  }
  m.push_back(0);
}

TEST(PayloadNames, DnsAnswerWithCnameChain) {
  auto m = bytes({0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0});
  put_name(m, "supernode1.streamcastnetworks.com");
  m.insert(m.end(), {0, 1, 0, 1});
  // CNAME, name compressed to the question.
  m.insert(m.end(), {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60});
  std::vector<uint8_t> target;
  put_name(target, "edge.example.net");
  m.push_back(0);
  m.push_back(uint8_t(target.size()));
  m.insert(m.end(), target.begin(), target.end());
  // A record.
  m.insert(m.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 206, 142, 53, 27});
  auto d = parse_dns(m.data(), m.size());
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->response);
  EXPECT_EQ(d->query, "supernode1.streamcastnetworks.com");
  ASSERT_EQ(d->cnames.size(), 1u);
  EXPECT_EQ(d->cnames[0], "edge.example.net");
  ASSERT_EQ(d->addresses.size(), 1u);
  EXPECT_EQ(d->addresses[0].to_string(), "206.142.53.27");
}

TEST(PayloadNames, DnsCompressionLoopAndTruncationAreRejectedQuietly) {
  auto loop = bytes({0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1});
  EXPECT_FALSE(parse_dns(loop.data(), loop.size()));
  auto m = bytes({0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
  put_name(m, "a.example");
  m.insert(m.end(), {0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2});  // cut answer
  auto d = parse_dns(m.data(), m.size());
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->addresses.empty());
}

TEST(PayloadNames, HttpHostAndTlsSni) {
  std::string req =
      "GET /x HTTP/1.1\r\nUser-Agent: <script>\r\nHOST:  updaterservice.wildtangent.com \r\n\r\n";
  auto host = parse_http_host(reinterpret_cast<const uint8_t*>(req.data()), req.size());
  ASSERT_TRUE(host);
  EXPECT_EQ(*host, "updaterservice.wildtangent.com");
  std::string not_http = "HELLO world\r\nHost: x\r\n\r\n";
  EXPECT_FALSE(parse_http_host(reinterpret_cast<const uint8_t*>(not_http.data()), not_http.size()));

  std::string sni = "tile-service.weather.microsoft.com";
  std::vector<uint8_t> ext = {
      0, 0, 0, uint8_t(sni.size() + 5), 0, uint8_t(sni.size() + 3), 0, 0, uint8_t(sni.size())};
  ext.insert(ext.end(), sni.begin(), sni.end());
  std::vector<uint8_t> hello = {0x16, 3, 1, 0, 0, 1, 0, 0, 0, 3, 3};
  hello.insert(hello.end(), 32, 0xaa);                     // random
  hello.insert(hello.end(), {0, 0, 2, 0x13, 0x01, 1, 0});  // session id, suites, compression
  hello.push_back(0);
  hello.push_back(uint8_t(ext.size()));
  hello.insert(hello.end(), ext.begin(), ext.end());
  auto name = parse_tls_sni(hello.data(), hello.size());
  ASSERT_TRUE(name);
  EXPECT_EQ(*name, sni);
  for (size_t cut = 0; cut < hello.size(); ++cut) parse_tls_sni(hello.data(), cut);  // no crash
}

TEST(PayloadNames, HttpRequestHeadFromNmapScriptingEngine) {
  const std::string req =
      "PROPFIND / HTTP/1.1\r\nHost: 130.211.223.103\r\nDepth: 0\r\nConnection: close\r\n"
      "User-Agent: Mozilla/5.0 (compatible; Nmap Scripting Engine; "
      "https://nmap.org/book/nse.html)\r\n\r\n";
  auto h = parse_http_request(reinterpret_cast<const uint8_t*>(req.data()), req.size());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->method, "PROPFIND");
  EXPECT_EQ(h->target, "/");
  EXPECT_EQ(h->host, "130.211.223.103");
  EXPECT_EQ(h->user_agent,
            "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)");
  // Cut inside the request line: still a request (the Host may come later), no method/target.
  auto cut = parse_http_request(reinterpret_cast<const uint8_t*>(req.data()), 12);
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->method.empty());
  EXPECT_TRUE(cut->target.empty());
  for (size_t n = 0; n < req.size(); ++n) {
    parse_http_request(reinterpret_cast<const uint8_t*>(req.data()), n);  // no crash
  }
  const std::string not_request = "GET_READY /x HTTP/1.1\r\n\r\n";
  EXPECT_FALSE(
      parse_http_request(reinterpret_cast<const uint8_t*>(not_request.data()), not_request.size()));
}

struct Collect : EventSink {
  std::vector<std::string> http;  // "client>server:port METHOD target | agent | host"
  std::vector<std::string> names;
  void on_http(const HttpEvent& e) override {
    http.push_back(e.client.to_string() + ">" + e.server.to_string() + ":" +
                   std::to_string(e.server_port) + " " + std::string(e.method) + " " +
                   std::string(e.url) + " | " + std::string(e.user_agent) + " | " +
                   std::string(e.host) + " @" + std::to_string(e.prov.ref));
  }
  void on_name(const NameEvent& e) override { names.push_back(e.source + " " + e.name); }
};

TEST(PayloadNames, CaptureRequestBecomesAnHttpEventBesideItsHostName) {
  const std::string req =
      "GET /nmaplowercheck1596347380 HTTP/1.1\r\nConnection: close\r\nUser-Agent: "
      "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)\r\n"
      "Host: 130.211.223.103\r\n\r\n";
  DecodedPacket p;
  p.src = *Address::parse("10.87.1.10");
  p.dst = *Address::parse("130.211.223.103");
  p.ip_proto = 6;
  p.src_port = 41000;
  p.dst_port = 80;
  p.transport_ok = true;
  p.payload = reinterpret_cast<const uint8_t*>(req.data());
  p.payload_len = p.payload_caplen = uint32_t(req.size());
  Collect c;
  emit_payload_names(p, 1596347380.5, Provenance{0, 17}, c);
  ASSERT_EQ(c.http.size(), 1u);
  // The Host goes out once, as the name; the HttpEvent leaves it empty (see events.h).
  EXPECT_EQ(c.http[0],
            "10.87.1.10>130.211.223.103:80 GET /nmaplowercheck1596347380 | Mozilla/5.0 "
            "(compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html) |  @17");
  ASSERT_EQ(c.names.size(), 1u);
  EXPECT_EQ(c.names[0], "http_host 130.211.223.103");

  // A response or a body segment is no request.
  const std::string resp = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n";
  p.payload = reinterpret_cast<const uint8_t*>(resp.data());
  p.payload_len = p.payload_caplen = uint32_t(resp.size());
  emit_payload_names(p, 1, Provenance{0, 18}, c);
  EXPECT_EQ(c.http.size(), 1u);
}

}  // namespace
}  // namespace callhome
