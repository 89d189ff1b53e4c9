// The compact connection tracker against records produced by the tracker it replaced (a
// std::string history and uid per connection, absl map, one timer heap): long histories that
// leave the inline buffer, SYN-ACK flips, two inputs, tunnel parents, and a churn of IPv4/IPv6
// TCP, UDP and ICMP connections with clock jumps whose every field is fingerprinted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "flow/conn_tracker.h"

namespace callhome {
namespace {
using namespace tcp_flag;

struct Collect : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

DecodedPacket tcp(const Address& s, uint16_t sp, const Address& d, uint16_t dp, uint8_t flags,
                  uint32_t seq, uint32_t ack, uint32_t len = 0, uint16_t window = 8192) {
  DecodedPacket p;
  p.src = s;
  p.dst = d;
  p.src_port = sp;
  p.dst_port = dp;
  p.ip_proto = kProtoTcp;
  p.tcp_flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.window = window;
  p.payload_len = p.payload_caplen = len;
  p.ip_len = 40 + len;
  p.transport_ok = true;
  return p;
}

// The tunnel parents as the tracker's predecessor kept them: one string, comma-joined.
std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

// A record as one line: every field the tracker fills.
std::string line(const Connection& c) {
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "%.6f %s %s:%u %s:%u %u st=%d dur=%.6f/%d bytes=%llu/%llu/%d miss=%llu h=%s "
      "pk=%llu/%llu ipb=%llu/%llu tp=%s first=%u/%llu last=%u/%llu",
      c.ts, c.uid.c_str(), c.orig_h.to_string().c_str(), c.orig_p, c.resp_h.to_string().c_str(),
      c.resp_p, c.ip_proto, int(c.state), c.duration, int(c.has_duration),
      (unsigned long long)c.orig_bytes, (unsigned long long)c.resp_bytes, int(c.has_bytes),
      (unsigned long long)c.missed_bytes, c.history.c_str(), (unsigned long long)c.orig_pkts,
      (unsigned long long)c.resp_pkts, (unsigned long long)c.orig_ip_bytes,
      (unsigned long long)c.resp_ip_bytes, join(c.tunnel_parents).c_str(), c.first.input,
      (unsigned long long)c.first.ref, c.last.input, (unsigned long long)c.last.ref);
  return buf;
}

uint64_t fnv(const std::vector<std::string>& lines) {
  uint64_t h = 1469598103934665603ULL;
  for (const auto& l : lines) {
    for (char ch : l + "\n") h = (h ^ uint8_t(ch)) * 1099511628211ULL;
  }
  return h;
}
uint64_t fnv(const std::vector<Connection>& cs) {
  std::vector<std::string> lines;
  for (const auto& c : cs) lines.push_back(line(c));
  return fnv(lines);
}
// The same set of records in any order.
uint64_t fnv_unordered(const std::vector<Connection>& cs) {
  std::vector<std::string> lines;
  for (const auto& c : cs) lines.push_back(line(c));
  std::sort(lines.begin(), lines.end());
  return fnv(lines);
}

// A long history (more letters than fit inline), over two inputs, inside a tunnel.
std::vector<Connection> long_history() {
  Collect out;
  ConnTracker t{TrackerOptions{}, out};
  const Address a = *Address::parse("10.0.0.1"), b = *Address::parse("10.0.0.2");
  double ts = 100;
  uint64_t n = 0;
  auto feed = [&](const DecodedPacket& p, uint32_t input = 0) {
    t.packet(p, ts += 0.01, Provenance{input, ++n}, "CParentTunnelUid0001");
  };
  feed(tcp(a, 40000, b, 443, kSyn, 1000, 0));
  feed(tcp(b, 443, a, 40000, kSyn | kAck, 5000, 1001));
  feed(tcp(a, 40000, b, 443, kAck, 1001, 5001));
  feed(tcp(a, 40000, b, 443, kAck | kPsh, 1001, 5001, 10));
  feed(tcp(b, 443, a, 40000, kAck | kPsh, 5001, 1011, 20));
  feed(tcp(a, 40000, b, 443, kAck | kPsh, 1001, 5021, 10));  // retransmit
  feed(tcp(b, 443, a, 40000, kAck | kPsh, 5001, 1011, 20));  // retransmit
  feed(tcp(a, 40000, b, 443, kAck, 1011, 5021, 0, 0), 1);    // zero window, other input
  feed(tcp(b, 443, a, 40000, kAck, 5021, 1011, 0, 0), 1);
  for (int i = 0; i < 12; ++i) feed(tcp(a, 40000, b, 443, kAck | kPsh, 1001, 5021, 10));
  feed(tcp(a, 40000, b, 443, kFin | kAck, 1011, 5021));
  feed(tcp(b, 443, a, 40000, kFin | kAck, 5021, 1012));
  feed(tcp(a, 40000, b, 443, kRst, 1012, 0));
  // A SYN-ACK first, then the ack that flips it (from port 888: one from a likely server port
  // would be flipped on arrival).
  feed(tcp(b, 888, a, 40001, kSyn | kAck, 7000, 2001));
  feed(tcp(a, 40001, b, 888, kAck, 2001, 7001));
  for (int i = 0; i < 3; ++i) feed(tcp(a, 40001, b, 888, kAck | kPsh, 2001, 7001, 5));
  for (int i = 0; i < 11; ++i) feed(tcp(a, 40001, b, 888, kAck, 2006, 7001, 0, 0));
  t.flush();
  return out.conns;
}

// Many interleaved connections (IPv4 and IPv6, TCP, UDP, ICMP both ways and one-way), ports
// reused, clock jumps: the table grows, shrinks and probes, timers fire in bulk.
std::vector<Connection> churn(uint32_t seed) {
  Collect out;
  ConnTracker t{TrackerOptions{}, out};
  std::mt19937 rng(seed);
  std::vector<Address> hosts;
  for (int i = 0; i < 60; ++i) {
    hosts.push_back(i % 3 == 0 ? *Address::parse("2001:db8::" + std::to_string(i + 1))
                               : Address::v4(0x0a000000u + uint32_t(i)));
  }
  double ts = 1000;
  for (uint64_t n = 1; n <= 40000; ++n) {
    ts += (rng() % 100 == 0) ? double(rng() % 400) : (rng() % 1000) * 1e-4;
    const Address& s = hosts[rng() % hosts.size()];
    const Address& d = hosts[rng() % hosts.size()];
    DecodedPacket p;
    const unsigned kind = rng() % 10;
    if (kind < 6) {
      static const uint8_t kFlags[] = {kSyn, kSyn | kAck, kAck, kAck | kPsh, kFin | kAck,
                                       kRst, kRst | kAck, kAck, kAck | kPsh, kSyn};
      // One draw per statement: argument evaluation order differs between compilers.
      const auto sp = uint16_t(1024 + rng() % 6);
      const auto dp = uint16_t(rng() % 2 ? 80 : 1030 + rng() % 3);
      const uint8_t flags = kFlags[rng() % 10];
      const uint32_t seq = rng() % 50 * 100;
      const uint32_t ack = rng() % 50 * 100;
      const uint32_t len = rng() % 3 * 100;
      const auto window = uint16_t(rng() % 8 == 0 ? 0 : 512);
      p = tcp(s, sp, d, dp, flags, seq, ack, len, window);
    } else if (kind < 8) {
      p.src = s;
      p.dst = d;
      p.ip_proto = kProtoUdp;
      p.src_port = uint16_t(rng() % 2 ? 53 : 5000 + rng() % 4);
      p.dst_port = uint16_t(rng() % 2 ? 53 : 5000 + rng() % 4);
      p.payload_len = p.payload_caplen = rng() % 200;
      p.ip_len = 28 + p.payload_len;
      p.transport_ok = true;
    } else {
      p.src = s;
      p.dst = d;
      const bool v6 = !s.is_v4() || !d.is_v4();
      p.ip_proto = v6 ? kProtoIcmp6 : kProtoIcmp;
      static const uint8_t k4[] = {8, 0, 3, 11, 13, 14}, k6[] = {128, 129, 1, 135, 136, 3};
      p.icmp_type = v6 ? k6[rng() % 6] : k4[rng() % 6];
      p.icmp_code = uint8_t(rng() % 2);
      p.src_port = p.icmp_type;
      p.payload_len = p.payload_caplen = 56;
      p.ip_len = 84;
      p.transport_ok = true;
    }
    p.checksum_bad = rng() % 50 == 0;
    t.packet(p, ts, Provenance{uint32_t(n > 30000), n}, n % 7 == 0 ? "CTunnel" : "");
  }
  t.flush();
  return out.conns;
}

TEST(ConnTrackerCompact, LongHistoriesFlipsInputsAndTunnelParentsAsBefore) {
  const auto conns = long_history();
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(line(conns[0]),
            "100.010000 C8RJInmW61PxDoiZJTJ 10.0.0.1:40000 10.0.0.2:443 6 st=3 dur=0.220000/1 "
            "bytes=10/20/1 miss=0 h=ShADdTtWawTFfR pk=19/5 ipb=900/240 tp=CParentTunnelUid0001 "
            "first=0/1 last=0/24");
  EXPECT_EQ(line(conns[1]),
            "100.250000 CJJrmZ5i0p507ZeACiY 10.0.0.1:40001 10.0.0.2:888 6 st=13 dur=0.150000/1 "
            "bytes=5/0/1 miss=0 h=^hADTWW pk=15/1 ipb=615/40 tp=CParentTunnelUid0001 first=0/25 "
            "last=0/40");
}

// Fingerprints of the records the previous tracker wrote for the same packets: the set of
// records is theirs; the order differs only among connections ended by timers due at the same
// instant, which now end in the order the timers were set (the previous heap's order there
// depended on its shape), and is pinned so that it stays deterministic.
TEST(ConnTrackerCompact, ChurnMatchesThePreviousTrackerRecordForRecord) {
  const struct {
    uint32_t seed;
    size_t records;
    uint64_t records_fnv;  // sorted: the previous tracker's
    uint64_t order_fnv;    // as emitted: FIFO among timers due together
  } kExpected[] = {{1, 39957, 9056599197075723991ULL, 11809362188303183731ULL},
                   {2, 39965, 11836731093515587799ULL, 7785614761919151117ULL},
                   {3, 39962, 10916637746421127619ULL, 17071533816428792095ULL}};
  for (const auto& e : kExpected) {
    const auto conns = churn(e.seed);
    EXPECT_EQ(conns.size(), e.records) << "seed " << e.seed;
    EXPECT_EQ(fnv_unordered(conns), e.records_fnv) << "seed " << e.seed;
    EXPECT_EQ(fnv(conns), e.order_fnv) << "seed " << e.seed;
  }
}

}  // namespace
}  // namespace callhome
