// The per-host "software seen" summary: what SoftwareObserver keeps from handshakes, hellos,
// requests and pings, its caps, the "rare" flag, and the JSON the findings document carries. And
// SoftwareTap, which picks those packets out of a capture.
#include <gtest/gtest.h>

#include "fingerprint/client_hello.h"
#include "fingerprint/software_observer.h"
#include "fingerprint/software_tap.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

using fp_test::Bytes;

const char kDb[] =
    "[tcp:request]\n"
    "label = s:win:Windows:XP\n"
    "sig = *:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0\n"
    "label = s:!:NMap:SYN scan\n"
    "sig = *:64-:0:1460:1024,0:mss::0\n";

Address addr(const char* s) {
  return *Address::parse(s);
}

struct SoftwareObserverTest : ::testing::Test {
  P0fDatabase db = P0fDatabase::parse(kDb, "test.fp");
  SoftwareObserverOptions opt() {
    SoftwareObserverOptions o;
    o.internal = NetworkSet({*Cidr::parse("192.168.1.0/24")});
    o.p0f = &db;
    return o;
  }
};

fp_test::Sample syn_sample(const char* src, uint8_t ttl, uint16_t window,
                           std::vector<std::string> options, uint64_t packet, bool df = true) {
  fp_test::Sample s;
  s.kind = PacketSampleEvent::Kind::tcp_syn;
  s.src = addr(src);
  s.dst = addr("64.4.11.42");
  s.src_port = 1030;
  s.dst_port = 1214;
  s.ip = fp_test::ip4({.ttl = ttl, .df = df});
  s.transport = fp_test::tcp({.window = window, .options = std::move(options)});
  s.ts = 990049000 + double(packet);
  s.prov = {0, packet};
  return s;
}

fp_test::Sample hello_sample(const char* src, const char* dst, const std::string& sni,
                             uint16_t first_cipher) {
  fp_test::Hello h;
  h.ciphers = {first_cipher, 0x002f};
  if (!sni.empty()) h.extensions.push_back({0x0000, fp_test::sni_ext(sni)});
  fp_test::Sample s;
  s.kind = PacketSampleEvent::Kind::tls_client_hello;
  s.src = addr(src);
  s.dst = addr(dst);
  s.src_port = 50000;
  s.dst_port = 443;
  s.payload = fp_test::client_hello(h);
  s.payload_len = uint32_t(s.payload.size());
  s.prov = {0, 9};
  return s;
}

fp_test::Sample echo_sample(const char* src, const char* dst, Bytes data) {
  fp_test::Sample s;
  s.kind = PacketSampleEvent::Kind::icmp_echo_request;
  s.src = addr(src);
  s.dst = addr(dst);
  s.transport = {8, 0, 0, 0, 0, 1, 0, 1};
  s.payload = std::move(data);
  s.payload_len = uint32_t(s.payload.size());
  s.prov = {0, 3};
  return s;
}

TEST_F(SoftwareObserverTest, CollectsEachKindPerInternalHost) {
  SoftwareObserver o(opt());
  o.on_packet_sample(syn_sample("192.168.1.3", 128, 65535, {"mss", "nop", "nop", "sok"}, 1).view());
  o.on_packet_sample(syn_sample("192.168.1.3", 128, 65535, {"mss", "nop", "nop", "sok"}, 2).view());
  o.on_packet_sample(syn_sample("192.168.1.3", 50, 1024, {"mss"}, 3, false).view());  // nmap
  o.on_packet_sample(syn_sample("64.4.11.42", 128, 65535, {"mss", "nop", "nop", "sok"}, 4).view());
  o.on_packet_sample(hello_sample("192.168.1.3", "93.184.216.34", "example.com", 0xc02f).view());
  o.on_packet_sample(
      echo_sample("192.168.1.3", "204.152.197.197", fp_test::text_bytes("KaZaA")).view());
  HttpEvent http;
  http.client = addr("192.168.1.3");
  http.user_agent = "Mozilla/4.0 (compatible; MSIE 5.5; Windows 98)";
  o.on_http(http);
  o.on_http(http);

  const auto hosts = o.hosts();
  ASSERT_EQ(hosts.size(), 1u);  // the external SYN's sender is nobody's business here
  const HostSoftware& h = hosts[0];
  EXPECT_EQ(h.host, addr("192.168.1.3"));
  ASSERT_EQ(h.os.size(), 2u);
  EXPECT_EQ(h.os[0].guess, "Windows XP");  // most packets first
  EXPECT_EQ(h.os[0].packets, 2u);
  EXPECT_EQ(h.os[0].match, "exact");
  EXPECT_EQ(h.os[0].signature_line, 3u);
  EXPECT_EQ(h.os[0].first.ref, 1u);
  EXPECT_EQ(h.os[1].guess, "NMap SYN scan");
  EXPECT_TRUE(h.os[1].tool);
  EXPECT_TRUE(h.os[1].ttl_at_most);
  ASSERT_EQ(h.tls_clients.size(), 1u);
  EXPECT_EQ(h.tls_clients[0].destinations, std::vector<std::string>{"example.com"});
  EXPECT_TRUE(h.tls_clients[0].rare);  // one host, one destination
  EXPECT_EQ(h.tls_clients[0].ja3.size(), 32u);
  ASSERT_EQ(h.icmp_echo.size(), 1u);
  EXPECT_EQ(h.icmp_echo[0].origin, "crafted");
  EXPECT_EQ(h.icmp_echo[0].targets, std::vector<std::string>{"204.152.197.197"});
  ASSERT_EQ(h.user_agents.size(), 1u);
  EXPECT_EQ(h.user_agents[0].requests, 2u);
  EXPECT_EQ(h.user_agents[0].os, "Windows 98");
  EXPECT_EQ(h.user_agents[0].product, "Internet Explorer");

  const nlohmann::json j =
      to_json(h, [](const Provenance& p) { return "packet " + std::to_string(p.ref); });
  EXPECT_EQ(j["host"], "192.168.1.3");
  EXPECT_EQ(j["os"][0]["guess"], "Windows XP");
  EXPECT_EQ(j["os"][0]["signature"], "*:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0");
  EXPECT_EQ(j["os"][0]["observed"], "4:128+0:0:1460:65535,0:mss,nop,nop,sok:df,id+:0");
  EXPECT_EQ(j["os"][0]["evidence"]["ref"], "packet 1");
  EXPECT_EQ(j["tls_clients"][0]["client"], nullptr);
  EXPECT_EQ(j["icmp_echo"][0]["description"], "crafted by an application");
  EXPECT_EQ(j["user_agents"][0]["version"], "5.5");
  EXPECT_FALSE(j.contains("caps_reached"));
}

TEST_F(SoftwareObserverTest, RareOnlyForOneHostTowardsOneDestination) {
  SoftwareObserver o(opt());
  // .3 alone uses its fingerprint, towards one place; .4 uses another towards two places; .5 and
  // .6 share a third, each towards one place.
  o.on_packet_sample(hello_sample("192.168.1.3", "10.9.9.9", "rare.example", 0xc02f).view());
  o.on_packet_sample(hello_sample("192.168.1.4", "10.9.9.9", "a.example", 0xc030).view());
  o.on_packet_sample(hello_sample("192.168.1.4", "10.9.9.9", "b.example", 0xc030).view());
  o.on_packet_sample(hello_sample("192.168.1.5", "10.9.9.9", "", 0xc02c).view());
  o.on_packet_sample(hello_sample("192.168.1.6", "10.9.9.9", "", 0xc02c).view());
  const auto hosts = o.hosts();
  ASSERT_EQ(hosts.size(), 4u);
  EXPECT_TRUE(hosts[0].tls_clients[0].rare);
  EXPECT_FALSE(hosts[1].tls_clients[0].rare);  // two destinations
  EXPECT_EQ(hosts[1].tls_clients[0].connections, 2u);
  EXPECT_FALSE(hosts[2].tls_clients[0].rare);  // two hosts share it
  EXPECT_EQ(hosts[2].tls_clients[0].destinations, std::vector<std::string>{"10.9.9.9"});
}

TEST_F(SoftwareObserverTest, CapsBoundMemoryAndSaySo) {
  SoftwareObserverOptions o2 = opt();
  o2.caps.user_agents = 2;
  o2.caps.icmp_targets = 3;
  o2.caps.hosts = 1;
  SoftwareObserver o(o2);
  HttpEvent http;
  http.client = addr("192.168.1.3");
  const std::string uas[] = {"a/1", "b/1", "c/1", "d/1"};
  for (const auto& ua : uas) {
    http.user_agent = ua;
    o.on_http(http);
  }
  for (int i = 0; i < 10; ++i) {
    const std::string dst = "10.0.0." + std::to_string(i);
    o.on_packet_sample(echo_sample("192.168.1.3", dst.c_str(), Bytes(64, 0)).view());
  }
  http.client = addr("192.168.1.4");  // beyond the host cap
  o.on_http(http);
  const auto hosts = o.hosts();
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(o.hosts_dropped(), 1u);
  EXPECT_EQ(hosts[0].user_agents.size(), 2u);
  EXPECT_EQ(hosts[0].dropped.user_agents, 2u);
  EXPECT_EQ(hosts[0].icmp_echo[0].targets.size(), 3u);
  EXPECT_EQ(hosts[0].icmp_echo[0].targets_dropped, 7u);
  EXPECT_EQ(hosts[0].icmp_echo[0].packets, 10u);
  EXPECT_EQ(to_json(hosts[0])["caps_reached"]["user_agents"], 2);
}

TEST_F(SoftwareObserverTest, GarbageSamplesAreIgnored) {
  SoftwareObserver o(opt());
  fp_test::Sample s = syn_sample("192.168.1.3", 128, 65535, {"mss"}, 1);
  s.ip.resize(10);
  o.on_packet_sample(s.view());
  fp_test::Sample h = hello_sample("192.168.1.3", "10.9.9.9", "x", 0xc02f);
  h.payload.resize(30);
  o.on_packet_sample(h.view());
  fp_test::Sample e = echo_sample("192.168.1.3", "10.9.9.9", {});
  e.transport.clear();
  o.on_packet_sample(e.view());
  EXPECT_TRUE(o.hosts().empty());
}

// A decoded TCP segment carrying `payload`, as the decoder would hand it over.
struct Segment {
  Bytes ip, payload;
  DecodedPacket p;
  Segment(uint32_t seq, Bytes data, uint32_t wire_len = 0) : payload(std::move(data)) {
    ip = fp_test::ip4({});
    p.src = addr("192.168.1.3");
    p.dst = addr("10.9.9.9");
    p.ip_proto = 6;
    p.transport_ok = true;
    p.tcp_flags = 0x18;
    p.seq = seq;
    p.src_port = 50000;
    p.dst_port = 443;
    p.ip_header = ip.data();
    p.ip_header_len = uint16_t(ip.size());
    p.payload = payload.data();  // the header is not needed for a hello; only the payload is
    p.payload_caplen = uint32_t(payload.size());
    p.payload_len = wire_len ? wire_len : uint32_t(payload.size());
  }
};

TEST(SoftwareTap, JoinsAClientHelloSplitOverSegments) {
  fp_test::Hello h;
  h.ciphers = std::vector<uint16_t>(400, 0xc02f);  // a large hello
  h.extensions.push_back({0x0000, fp_test::sni_ext("split.example")});
  const Bytes hello = fp_test::client_hello(h);
  ASSERT_GT(hello.size(), 700u);
  fp_test::Collector c;
  SoftwareTap tap;
  const Bytes a(hello.begin(), hello.begin() + 500), b(hello.begin() + 500, hello.end());
  tap.packet(Segment(1000, a).p, 1.0, {0, 4}, c);
  tap.packet(Segment(1000, a).p, 1.1, {0, 5}, c);  // a retransmission of the first part
  EXPECT_TRUE(c.samples.empty());
  tap.packet(Segment(1500, b).p, 1.2, {0, 6}, c);
  ASSERT_EQ(c.samples.size(), 1u);
  EXPECT_EQ(c.samples[0].payload, hello);
  EXPECT_EQ(c.samples[0].prov.ref, 6u);  // the segment completing it, as tshark reports it
  ClientHello parsed;
  std::vector<uint8_t> scratch;
  ASSERT_TRUE(parse_client_hello(c.samples[0].payload, parsed, scratch));
  EXPECT_EQ(parsed.server_name, "split.example");
  EXPECT_EQ(tap.incomplete_hellos(), 0u);

  // A gap: the hello is given up, and said so.
  tap.packet(Segment(1000, a).p, 2.0, {0, 7}, c);
  tap.packet(Segment(1600, b).p, 2.1, {0, 8}, c);
  EXPECT_EQ(c.samples.size(), 1u);
  EXPECT_EQ(tap.incomplete_hellos(), 1u);
  // Cut short by the capture's snap length: nothing to join.
  tap.packet(Segment(1000, a, 1400).p, 3.0, {0, 9}, c);
  EXPECT_EQ(tap.incomplete_hellos(), 2u);
}

TEST(SoftwareTap, PicksOnlyHandshakesHellosAndEchoRequests) {
  fp_test::Collector c;
  SoftwareTap tap;
  DecodedPacket p;
  p.transport_ok = true;
  p.ip_proto = 6;
  p.tcp_flags = 0x10;  // a plain ACK
  tap.packet(p, 1, {}, c);
  p.tcp_flags = 0x02;
  tap.packet(p, 1, {}, c);
  p.tcp_flags = 0x12;
  tap.packet(p, 1, {}, c);
  p.tcp_flags = 0x06;  // SYN+RST: nonsense, not a handshake
  tap.packet(p, 1, {}, c);
  p.ip_proto = 1;
  p.icmp_type = 0;  // an echo reply
  tap.packet(p, 1, {}, c);
  p.icmp_type = 8;
  tap.packet(p, 1, {}, c);
  p.ip_proto = 58;
  p.icmp_type = 128;
  tap.packet(p, 1, {}, c);
  p.transport_ok = false;
  tap.packet(p, 1, {}, c);
  ASSERT_EQ(c.samples.size(), 4u);
  EXPECT_EQ(c.samples[0].kind, PacketSampleEvent::Kind::tcp_syn);
  EXPECT_EQ(c.samples[1].kind, PacketSampleEvent::Kind::tcp_syn_ack);
  EXPECT_EQ(c.samples[2].kind, PacketSampleEvent::Kind::icmp_echo_request);
  EXPECT_EQ(c.samples[3].kind, PacketSampleEvent::Kind::icmp_echo_request);
}

}  // namespace
}  // namespace callhome
