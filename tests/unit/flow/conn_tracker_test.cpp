#include "flow/conn_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace callhome {
namespace {

struct Collect : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

const Address kClient = *Address::parse("192.168.1.3");
const Address kServer = *Address::parse("206.142.53.27");

DecodedPacket tcp(bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len = 0) {
  DecodedPacket p;
  p.src = from_client ? kClient : kServer;
  p.dst = from_client ? kServer : kClient;
  p.src_port = from_client ? 1100 : 1214;
  p.dst_port = from_client ? 1214 : 1100;
  p.ip_proto = kProtoTcp;
  p.tcp_flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.window = 8192;
  p.payload_len = p.payload_caplen = len;
  p.ip_len = 40 + len;
  p.transport_ok = true;
  return p;
}

using namespace tcp_flag;

class TrackerTest : public ::testing::Test {
 protected:
  Collect out;
  ConnTracker tracker{TrackerOptions{}, out};
  uint64_t n = 0;
  void feed(const DecodedPacket& p, double ts) { tracker.packet(p, ts, Provenance{0, ++n}, ""); }
};

TEST_F(TrackerTest, CompleteExchangeIsSF) {
  feed(tcp(true, kSyn, 1000, 0), 100.0);
  feed(tcp(false, kSyn | kAck, 5000, 1001), 100.1);
  feed(tcp(true, kAck, 1001, 5001), 100.2);
  feed(tcp(true, kAck | kPsh, 1001, 5001, 20), 100.3);
  feed(tcp(false, kAck | kPsh, 5001, 1021, 50), 100.4);
  feed(tcp(true, kFin | kAck, 1021, 5051), 100.5);
  feed(tcp(false, kFin | kAck, 5051, 1022), 100.6);
  feed(tcp(true, kAck, 1022, 5052), 100.7);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 1u);
  const auto& c = out.conns[0];
  EXPECT_EQ(c.state, ConnState::SF);
  EXPECT_EQ(c.history, "ShADdFf");  // the responder never sent a bare ack
  EXPECT_EQ(c.orig_bytes, 20u);
  EXPECT_EQ(c.resp_bytes, 50u);
  EXPECT_EQ(c.orig_pkts, 5u);
  EXPECT_EQ(c.resp_pkts, 3u);
  EXPECT_EQ(c.orig_ip_bytes, 5 * 40u + 20);
  EXPECT_DOUBLE_EQ(c.ts, 100.0);
  EXPECT_NEAR(c.duration, 0.6, 1e-9);  // the final ack after both FINs does not count
  EXPECT_EQ(c.orig_h, kClient);
  EXPECT_EQ(c.first.ref, 1u);
}

TEST_F(TrackerTest, UnansweredSynIsS0AndRefusedSynIsREJ) {
  feed(tcp(true, kSyn, 1000, 0), 10.0);
  DecodedPacket other = tcp(true, kSyn, 2000, 0);
  other.src_port = 1101;
  feed(other, 10.5);
  DecodedPacket rst = tcp(false, kRst | kAck, 0, 2001);
  rst.dst_port = 1101;
  feed(rst, 10.6);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 2u);
  // The refused attempt closes first, five seconds after its reset at the latest.
  const Connection* s0 = out.conns[0].orig_p == 1100 ? &out.conns[0] : &out.conns[1];
  const Connection* rej = out.conns[0].orig_p == 1100 ? &out.conns[1] : &out.conns[0];
  EXPECT_EQ(s0->state, ConnState::S0);
  EXPECT_EQ(s0->history, "S");
  EXPECT_FALSE(s0->has_duration);
  EXPECT_EQ(rej->state, ConnState::REJ);
  EXPECT_EQ(rej->history, "Sr");
}

TEST_F(TrackerTest, SynRetransmittedAfterTheAttemptDelayStartsANewConnection) {
  feed(tcp(true, kSyn, 1000, 0), 0.0);
  feed(tcp(true, kSyn, 1000, 0), 3.0);  // same attempt
  feed(tcp(true, kSyn, 1000, 0), 9.0);  // attempt timer fired at 5 s: a new record
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 2u);
  EXPECT_EQ(out.conns[0].orig_pkts, 2u);
  EXPECT_EQ(out.conns[1].orig_pkts, 1u);
  EXPECT_EQ(out.conns[0].state, ConnState::S0);
}

TEST_F(TrackerTest, FirstPacketSynAckIsFlippedOnceAnAckFollows) {
  feed(tcp(false, kSyn | kAck, 5000, 1001), 1.0);
  feed(tcp(true, kAck, 1001, 5001), 1.1);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 1u);
  EXPECT_EQ(out.conns[0].orig_h, kClient);
  EXPECT_EQ(out.conns[0].history, "^hA");
  EXPECT_EQ(out.conns[0].orig_pkts, 1u);
  EXPECT_EQ(out.conns[0].resp_pkts, 1u);
}

TEST_F(TrackerTest, BadChecksumSynIsOTHWithHistoryC) {
  auto p = tcp(true, kSyn, 1000, 0);
  p.checksum_bad = true;
  feed(p, 1.0);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 1u);
  EXPECT_EQ(out.conns[0].state, ConnState::OTH);
  EXPECT_EQ(out.conns[0].history, "C");
  EXPECT_EQ(out.conns[0].orig_pkts, 0u);
}

DecodedPacket udp(bool from_client, uint32_t len) {
  DecodedPacket p;
  p.src = from_client ? kClient : kServer;
  p.dst = from_client ? kServer : kClient;
  p.src_port = from_client ? 40000 : 53;
  p.dst_port = from_client ? 53 : 40000;
  p.ip_proto = kProtoUdp;
  p.payload_len = p.payload_caplen = len;
  p.ip_len = 28 + len;
  p.transport_ok = true;
  return p;
}

TEST_F(TrackerTest, UdpExchangeIsSFAndSplitsAfterTheInactivityTimeout) {
  feed(udp(true, 30), 0.0);
  feed(udp(false, 90), 0.05);
  feed(udp(true, 30), 61.0);  // more than 60 s of silence: a new connection
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 2u);
  EXPECT_EQ(out.conns[0].state, ConnState::SF);
  EXPECT_EQ(out.conns[0].history, "Dd");
  EXPECT_EQ(out.conns[0].orig_bytes, 30u);
  EXPECT_EQ(out.conns[0].resp_bytes, 90u);
  EXPECT_EQ(out.conns[1].state, ConnState::S0);
}

// At 1e17 s a double cannot tell t from t + 6 s: periodic checks must still move forward (a
// fuzzed pcapng with a coarse time unit made the tracker loop forever here).
TEST_F(TrackerTest, TimersProgressWhereSecondsNoLongerFitTheClock) {
  const double t = 1e17;
  ASSERT_EQ(t + 6, t);
  feed(tcp(true, kSyn, 1000, 0), t);
  feed(tcp(false, kSyn | kAck, 5000, 1001), t);
  feed(tcp(true, kAck, 1001, 5001), t);
  feed(udp(true, 30), t);
  feed(udp(false, 90), t);
  feed(tcp(true, kAck | kPsh, 1001, 5001, 20), t + 64);
  feed(udp(true, 30), t + 128);
  feed(tcp(true, kFin | kAck, 1021, 5001), t + 1e6);
  tracker.flush();
  ASSERT_GE(out.conns.size(), 2u);
  for (const auto& c : out.conns) EXPECT_GE(c.ts, t);
}

TEST_F(TrackerTest, ResponseFromAServerPortIsFlipped) {
  feed(udp(false, 90), 0.0);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 1u);
  EXPECT_EQ(out.conns[0].orig_h, kClient);
  EXPECT_EQ(out.conns[0].resp_p, 53);
  EXPECT_EQ(out.conns[0].history, "^d");
  EXPECT_EQ(out.conns[0].state, ConnState::SHR);
}

TEST_F(TrackerTest, IcmpEchoAndReplyFormOneConnection) {
  DecodedPacket req;
  req.src = kClient;
  req.dst = kServer;
  req.ip_proto = kProtoIcmp;
  req.icmp_type = 8;
  req.payload_len = req.payload_caplen = 4;
  req.ip_len = 32;
  req.transport_ok = true;
  DecodedPacket rep = req;
  std::swap(rep.src, rep.dst);
  rep.icmp_type = 0;
  feed(req, 1.0);
  feed(rep, 1.2);
  DecodedPacket exceeded = rep;
  exceeded.icmp_type = 11;
  feed(exceeded, 1.3);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 2u);
  EXPECT_EQ(out.conns[0].orig_p, 8);
  EXPECT_EQ(out.conns[0].resp_p, 0);
  EXPECT_EQ(out.conns[0].orig_pkts, 1u);
  EXPECT_EQ(out.conns[0].resp_pkts, 1u);
  EXPECT_EQ(out.conns[0].state, ConnState::OTH);
  EXPECT_EQ(out.conns[1].orig_h, kServer);  // time exceeded: one-way, from the router
  EXPECT_EQ(out.conns[1].orig_p, 11);
  EXPECT_EQ(out.conns[1].resp_p, 0);
}

TEST_F(TrackerTest, MemoryIsReleasedWhenConnectionsEnd) {
  for (uint32_t i = 0; i < 1000; ++i) {
    auto p = tcp(true, kSyn, i, 0);
    p.src_port = uint16_t(2000 + i);
    feed(p, double(i) * 10);  // each attempt expires long before the next starts
  }
  EXPECT_LE(tracker.stats().peak_live, 2u);
  tracker.flush();
  EXPECT_EQ(out.conns.size(), 1000u);
}

}  // namespace
}  // namespace callhome
