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

}  // namespace
}  // namespace callhome
