// What the tracker keeps for scans without SYNs: the flags each side sent (Zeek's history
// cannot tell FIN, XMAS and Maimon probes apart) and the ICMP error that refused a UDP or
// IP-protocol probe (Zeek logs it as a connection of its own).
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "flow/conn_tracker.h"

namespace callhome {
namespace {

using namespace tcp_flag;

struct Collect : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

const Address kScanner = *Address::parse("192.168.1.10");
const Address kTarget = *Address::parse("192.168.1.25");

DecodedPacket probe(uint8_t flags, uint16_t port) {
  DecodedPacket p;
  p.src = kScanner;
  p.dst = kTarget;
  p.src_port = 61234;
  p.dst_port = port;
  p.ip_proto = kProtoTcp;
  p.tcp_flags = flags;
  p.seq = 7000;
  p.ack = flags & kAck ? 9000 : 0;
  p.window = 1024;
  p.ip_len = 40;
  p.transport_ok = true;
  return p;
}

DecodedPacket rst_answer(uint16_t port) {
  DecodedPacket p = probe(kRst | kAck, port);
  std::swap(p.src, p.dst);
  std::swap(p.src_port, p.dst_port);
  p.seq = 0;
  p.ack = 7001;
  p.window = 0;
  return p;
}

class ProbeTrackerTest : public ::testing::Test {
 protected:
  Collect out;
  ConnTracker tracker{TrackerOptions{}, out};
  uint64_t n = 0;
  void feed(const DecodedPacket& p, double ts) { tracker.packet(p, ts, Provenance{0, ++n}, ""); }
};

TEST_F(ProbeTrackerTest, StealthProbesAnsweredByRstKeepTheirFlagsAndZeeksHistory) {
  struct Case {
    uint8_t flags;
    uint16_t port;
    const char* history;  // as Zeek writes it
    ConnState state;
  };
  const Case cases[] = {
      {0, 1001, "r", ConnState::RSTRH},                   // NULL
      {kFin, 1002, "Fr", ConnState::RSTR},                // FIN
      {kFin | kPsh | kUrg, 1003, "Fr", ConnState::RSTR},  // XMAS
      {kFin | kAck, 1004, "Fr", ConnState::RSTR},         // Maimon
  };
  double t = 10;
  for (const Case& k : cases) {
    feed(probe(k.flags, k.port), t);
    feed(rst_answer(k.port), t + 0.001);
    t += 0.01;
  }
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 4u);
  for (const Case& k : cases) {
    const Connection* c = nullptr;
    for (const auto& x : out.conns) {
      if (x.resp_p == k.port) c = &x;
    }
    ASSERT_NE(c, nullptr) << k.port;
    EXPECT_EQ(c->orig_h, kScanner);
    EXPECT_EQ(c->history, k.history) << k.port;
    EXPECT_EQ(c->state, k.state) << k.port;
    EXPECT_TRUE(c->has_tcp_flags);
    EXPECT_EQ(c->orig_tcp_flags, k.flags) << k.port;
    EXPECT_EQ(c->resp_tcp_flags, kRst | kAck) << k.port;
  }
}

TEST_F(ProbeTrackerTest, FlagsFollowTheRolesWhenASynAckFirstIsFlipped) {
  // Port 888 is no likely server port: the SYN-ACK is not flipped when it arrives (as one from
  // port 80 would be), the packet after it decides.
  DecodedPacket synack = rst_answer(888);
  synack.tcp_flags = kSyn | kAck;
  synack.seq = 5000;
  synack.window = 8192;
  feed(synack, 1.0);
  feed(probe(kAck, 888), 1.1);  // the ack that makes Zeek flip
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 1u);
  EXPECT_EQ(out.conns[0].history, "^hA");
  EXPECT_EQ(out.conns[0].orig_tcp_flags, kAck);
  EXPECT_EQ(out.conns[0].resp_tcp_flags, kSyn | kAck);
}

// An ICMP destination unreachable from the target quoting the probe's IPv4 header and the
// first eight bytes of its payload.
DecodedPacket unreachable(uint8_t code, uint8_t proto, uint16_t port, std::array<uint8_t, 28>& q) {
  q = {0x45,
       0,
       0,
       28,
       0,
       0,
       0,
       0,
       64,
       proto,
       0,
       0,
       192,
       168,
       1,
       10,
       192,
       168,
       1,
       25,
       0xef,
       0x32,
       uint8_t(port >> 8),
       uint8_t(port),
       0,
       8,
       0,
       0};
  DecodedPacket p;
  p.src = kTarget;
  p.dst = kScanner;
  p.ip_proto = kProtoIcmp;
  p.icmp_type = 3;
  p.icmp_code = code;
  p.src_port = 3;
  p.dst_port = code;
  p.payload = q.data();
  p.payload_len = p.payload_caplen = uint32_t(q.size());
  p.ip_len = 56;
  p.transport_ok = true;
  return p;
}

TEST_F(ProbeTrackerTest, IcmpUnreachableIsLinkedToTheProbeItRefuses) {
  DecodedPacket udp;
  udp.src = kScanner;
  udp.dst = kTarget;
  udp.src_port = 0xef32;
  udp.dst_port = 1434;
  udp.ip_proto = kProtoUdp;
  udp.ip_len = 28;
  udp.transport_ok = true;
  feed(udp, 5.0);
  DecodedPacket gre = udp;  // an IP protocol probe: protocol 47, no ports
  gre.ip_proto = 47;
  gre.src_port = gre.dst_port = 0;
  gre.ip_len = 20;
  feed(gre, 5.1);
  std::array<uint8_t, 28> q1, q2;
  feed(unreachable(3, kProtoUdp, 1434, q1), 5.01);
  feed(unreachable(2, 47, 0, q2), 5.11);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 4u);
  int linked = 0;
  for (const auto& c : out.conns) {
    if (c.ip_proto == kProtoUdp) {
      EXPECT_EQ(c.state, ConnState::S0);  // as Zeek: the UDP connection itself got no answer
      EXPECT_EQ(c.resp_pkts, 0u);
      ASSERT_TRUE(c.has_icmp_error);
      EXPECT_EQ(c.icmp_error_type, 3);
      EXPECT_EQ(c.icmp_error_code, 3);
      ++linked;
    } else if (c.ip_proto == 47) {
      ASSERT_TRUE(c.has_icmp_error);
      EXPECT_EQ(c.icmp_error_code, 2);
      ++linked;
    } else {
      EXPECT_EQ(c.ip_proto, kProtoIcmp);  // the unreachables stay connections of their own
      EXPECT_EQ(c.orig_h, kTarget);
      EXPECT_FALSE(c.has_icmp_error);
    }
  }
  EXPECT_EQ(linked, 2);
}

}  // namespace
}  // namespace callhome
