#include "flow/dns_transactions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/payload_names.h"

namespace callhome {
namespace {

struct Sink : EventSink {
  std::vector<DnsEvent> dns;
  void on_dns(const DnsEvent& e) override { dns.push_back(e); }
};

// A DNS message: header, one question, and for a response one A answer (when `answer`).
std::vector<uint8_t> message(uint16_t id, bool response, const std::string& name, uint16_t qtype,
                             uint8_t rcode = 0, const char* answer = nullptr) {
  std::vector<uint8_t> m = {uint8_t(id >> 8),
                            uint8_t(id),
                            uint8_t(response ? 0x81 : 0x01),
                            uint8_t(response ? 0x80 | rcode : 0),
                            0,
                            1,
                            0,
                            uint8_t(answer ? 1 : 0),
                            0,
                            0,
                            0,
                            0};
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    m.push_back(uint8_t(dot - start));
    m.insert(m.end(), name.begin() + long(start), name.begin() + long(dot));
    start = dot + 1;
  }
  m.push_back(0);
  m.insert(m.end(), {uint8_t(qtype >> 8), uint8_t(qtype), 0, 1});
  if (answer) {
    auto a = Address::parse(answer)->bytes();
    m.insert(m.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, a[12], a[13], a[14], a[15]});
  }
  return m;
}

struct Packet {
  std::vector<uint8_t> bytes;
  DecodedPacket p;
};

Packet udp(const char* src, uint16_t sport, const char* dst, uint16_t dport,
           std::vector<uint8_t> payload) {
  Packet k{std::move(payload), {}};
  k.p.src = *Address::parse(src);
  k.p.dst = *Address::parse(dst);
  k.p.ip_proto = 17;
  k.p.src_port = sport;
  k.p.dst_port = dport;
  k.p.transport_ok = true;
  k.p.payload = k.bytes.data();
  k.p.payload_len = k.p.payload_caplen = uint32_t(k.bytes.size());
  return k;
}

void feed(const Packet& k, double ts, uint64_t ref, Sink& sink, DnsTransactions& dns) {
  emit_payload_names(k.p, ts, {0, ref}, sink, &dns);
}

TEST(DnsTransactions, ManyLookupsOverOneSocketAreEachOneEvent) {
  // dnscat2-idle: every query from the same source port to the same resolver.
  Sink sink;
  DnsTransactions dns(sink);
  uint64_t ref = 0;
  for (uint16_t i = 0; i < 50; ++i) {
    const std::string name = "651e03c2a1" + std::to_string(1000 + i) + ".hacker-dnscat.com";
    feed(udp("192.168.7.7", 51835, "8.8.8.8", 53, message(i, false, name, 1)), i, ++ref, sink, dns);
    feed(udp("8.8.8.8", 53, "192.168.7.7", 51835, message(i, true, name, 1, 0, "1.2.3.4")),
         i + 0.05, ++ref, sink, dns);
  }
  dns.flush();
  ASSERT_EQ(sink.dns.size(), 50u);
  for (size_t i = 0; i < sink.dns.size(); ++i) {
    const DnsEvent& e = sink.dns[i];
    EXPECT_EQ(e.client.to_string(), "192.168.7.7");
    EXPECT_EQ(e.server.to_string(), "8.8.8.8");
    EXPECT_EQ(e.rcode, "NOERROR");
    EXPECT_DOUBLE_EQ(e.ts, double(i));  // the query's time, as Zeek logs it
    EXPECT_EQ(e.prov.ref, 2 * i + 1);   // and the query's packet
    ASSERT_EQ(e.addresses.size(), 1u);
  }
}

TEST(DnsTransactions, UnansweredQueriesOfAnyTypeAreReported) {
  Sink sink;
  DnsTransactions dns(sink);
  // dns2tcp: TXT queries, most never answered; iodine: NULL; and MX, CNAME.
  const uint16_t types[] = {16, 10, 15, 5};
  for (uint16_t i = 0; i < 4; ++i) {
    feed(udp("192.168.1.17", 48963, "192.168.1.210", 53,
             message(uint16_t(0x100 + i), false, "oncAAAABBA.dns2tcp.hsc.fr", types[i])),
         0.01 * i, i + 1, sink, dns);
  }
  feed(udp("192.168.1.210", 53, "192.168.1.17", 48963,
           message(0x100, true, "oncAAAABBA.dns2tcp.hsc.fr", 16, 3)),
       0.05, 9, sink, dns);
  ASSERT_EQ(sink.dns.size(), 1u);  // only the answered one so far
  EXPECT_EQ(sink.dns[0].rcode, "NXDOMAIN");
  dns.flush();
  ASSERT_EQ(sink.dns.size(), 4u);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(sink.dns[i].qtype, types[i]);
    EXPECT_TRUE(sink.dns[i].rcode.empty());
    EXPECT_EQ(sink.dns[i].prov.ref, i + 1);
  }
}

TEST(DnsTransactions, AQueryWithoutAnswerIsReportedOnceItsTimeIsUp) {
  Sink sink;
  DnsTransactions dns(sink);
  feed(udp("192.168.1.5", 40000, "8.8.8.8", 53, message(7, false, "lost.example.com", 1)), 100, 1,
       sink, dns);
  EXPECT_TRUE(sink.dns.empty());
  // Any later DNS packet past the timeout lets it go.
  feed(udp("192.168.1.5", 40001, "8.8.8.8", 53, message(8, false, "next.example.com", 1)),
       100 + DnsTransactions::kTimeout + 1, 2, sink, dns);
  ASSERT_EQ(sink.dns.size(), 1u);
  EXPECT_EQ(sink.dns[0].query, "lost.example.com");
  // A late answer then stands alone rather than being lost.
  feed(udp("8.8.8.8", 53, "192.168.1.5", 40000,
           message(7, true, "lost.example.com", 1, 0, "1.1.1.1")),
       115, 3, sink, dns);
  ASSERT_EQ(sink.dns.size(), 2u);
  EXPECT_EQ(sink.dns[1].prov.ref, 3u);
}

TEST(DnsTransactions, ARepeatedIdIsASecondLookup) {
  Sink sink;
  DnsTransactions dns(sink);
  feed(udp("192.168.1.5", 40000, "8.8.8.8", 53, message(7, false, "a.example.com", 1)), 1, 1, sink,
       dns);
  feed(udp("192.168.1.5", 40000, "8.8.8.8", 53, message(7, false, "a.example.com", 1)), 2, 2, sink,
       dns);
  feed(udp("8.8.8.8", 53, "192.168.1.5", 40000, message(7, true, "a.example.com", 1, 0, "1.1.1.1")),
       2.1, 3, sink, dns);
  dns.flush();
  ASSERT_EQ(sink.dns.size(), 2u);
  EXPECT_TRUE(sink.dns[0].rcode.empty());  // the first went unanswered
  EXPECT_EQ(sink.dns[1].rcode, "NOERROR");
  EXPECT_EQ(sink.dns[1].prov.ref, 2u);
}

TEST(DnsTransactions, WithoutPairingOnlyResponsesAreReportedAsBefore) {
  Sink sink;
  auto q = udp("192.168.1.5", 40000, "8.8.8.8", 53, message(7, false, "a.example.com", 1));
  auto r =
      udp("8.8.8.8", 53, "192.168.1.5", 40000, message(7, true, "a.example.com", 1, 0, "1.1.1.1"));
  emit_payload_names(q.p, 1, {0, 1}, sink);
  emit_payload_names(r.p, 2, {0, 2}, sink);
  ASSERT_EQ(sink.dns.size(), 1u);
  EXPECT_EQ(sink.dns[0].client.to_string(), "192.168.1.5");
}

}  // namespace
}  // namespace callhome
