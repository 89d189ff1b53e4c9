// Connections the capture saw only part of, as Zeek records them: roles guessed from the ports
// when the first packet is not a plain SYN, and content gaps found from acknowledgements of
// data that was never captured.
#include <gtest/gtest.h>

#include <vector>

#include "flow/conn_tracker.h"

namespace callhome {
namespace {

using namespace tcp_flag;

struct Collect : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

const Address kClient = *Address::parse("192.168.1.3");
const Address kServer = *Address::parse("206.142.53.27");

class PartialTest : public ::testing::Test {
 protected:
  Collect out;
  ConnTracker tracker{TrackerOptions{}, out};
  uint64_t n = 0;
  double ts = 1.0;
  uint16_t client_port = 40000, server_port = 80;

  void send(bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len = 0,
            uint32_t caplen = UINT32_MAX) {
    DecodedPacket p;
    p.src = from_client ? kClient : kServer;
    p.dst = from_client ? kServer : kClient;
    p.src_port = from_client ? client_port : server_port;
    p.dst_port = from_client ? server_port : client_port;
    p.ip_proto = kProtoTcp;
    p.tcp_flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.window = 8192;
    p.payload_len = len;
    p.payload_caplen = caplen == UINT32_MAX ? len : caplen;
    p.ip_len = 40 + len;
    p.transport_ok = true;
    tracker.packet(p, ts += 0.01, Provenance{0, ++n}, "");
  }
  const Connection& only() {
    tracker.flush();
    EXPECT_EQ(out.conns.size(), 1u);
    return out.conns.at(0);
  }
  // The client's handshake, seen whole: client ISN 1000, server ISN 5000.
  void handshake() {
    send(true, kSyn, 1000, 0);
    send(false, kSyn | kAck, 5000, 1001);
    send(true, kAck, 1001, 5001);
  }
  void close() {
    send(true, kFin | kAck, 1401, 5001);
    send(false, kFin | kAck, 5001, 1402);
    send(true, kAck, 1402, 5002);
  }
};

// Backscatter and captures that start mid-handshake: Zeek's WantConnection flips a SYN-ACK
// from a likely server port at once, whatever follows.
TEST_F(PartialTest, SynAckFromALikelyServerPortMakesTheOtherSideTheOriginator) {
  send(false, kSyn | kAck, 5000, 1001);
  const Connection& c = only();
  EXPECT_EQ(c.orig_h, kClient);
  EXPECT_EQ(c.orig_p, 40000);
  EXPECT_EQ(c.resp_p, 80);
  EXPECT_EQ(c.history, "^h");
  EXPECT_EQ(c.state, ConnState::OTH);
  EXPECT_EQ(c.orig_pkts, 0u);
  EXPECT_EQ(c.resp_pkts, 1u);
}

TEST_F(PartialTest, SynAckFromALikelyServerPortAnsweredByRstIsTheClientsAbort) {
  send(false, kSyn | kAck, 5000, 1001);
  send(true, kRst, 1001, 0);  // the spoofed "client" never sent the SYN
  const Connection& c = only();
  EXPECT_EQ(c.orig_h, kClient);
  EXPECT_EQ(c.history, "^hR");
  EXPECT_EQ(c.state, ConnState::RSTO);
}

// Between two likely server ports Zeek leaves a SYN-ACK alone (stealth scans), so the port of
// the SYN-ACK alone decides nothing there.
TEST_F(PartialTest, SynAckBetweenTwoLikelyServerPortsIsFlippedOnlyWhenFromOne) {
  client_port = 443;
  send(false, kSyn | kAck, 5000, 1001);
  client_port = 40001;
  send(false, kSyn | kAck, 6000, 2001);
  tracker.flush();
  ASSERT_EQ(out.conns.size(), 2u);
  for (const Connection& c : out.conns) {
    if (c.orig_p == 80 || c.resp_p == 443) {  // 80 -> 443: kept as seen
      EXPECT_EQ(c.orig_h, kServer);
      EXPECT_EQ(c.resp_p, 443);
      EXPECT_EQ(c.history, "H");
    } else {  // 80 -> 40001: flipped
      EXPECT_EQ(c.orig_h, kClient);
      EXPECT_EQ(c.orig_p, 40001);
      EXPECT_EQ(c.history, "^h");
    }
  }
}

// One segment lost to the capture while the next was captured: the ack covering both makes
// only the lost segment a gap, because Zeek's reassembler holds the one above the hole.
TEST_F(PartialTest, AckOverALostSegmentCountsOnlyTheLostBytes) {
  handshake();
  send(true, kAck | kPsh, 1001, 5001, 100);
  // 1101..1300 never captured
  send(true, kAck | kPsh, 1301, 5001, 100);
  send(false, kAck, 5001, 1401);
  close();
  const Connection& c = only();
  EXPECT_EQ(c.missed_bytes, 200u);
  EXPECT_EQ(c.history, "ShADaGFf");
  EXPECT_EQ(c.orig_bytes, 400u);
  EXPECT_EQ(c.state, ConnState::SF);
}

// A retransmission fills the hole before the ack arrives: nothing was missed.
TEST_F(PartialTest, HoleFilledByARetransmissionIsNoGap) {
  handshake();
  send(true, kAck | kPsh, 1001, 5001, 100);
  send(true, kAck | kPsh, 1301, 5001, 100);
  send(true, kAck | kPsh, 1101, 5001, 200);  // the missing bytes, late
  send(false, kAck, 5001, 1401);
  close();
  const Connection& c = only();
  EXPECT_EQ(c.missed_bytes, 0u);
  EXPECT_EQ(c.history.find('G'), std::string::npos) << c.history;
}

// Acks that stop inside the hole, then pass it: one hole, counted once, in two steps.
TEST_F(PartialTest, AckIntoTheHoleThenPastItCountsTheHoleOnce) {
  handshake();
  send(true, kAck | kPsh, 1001, 5001, 100);
  send(true, kAck | kPsh, 1301, 5001, 100);
  send(false, kAck, 5001, 1201);  // 1101..1200 missing
  send(false, kAck, 5001, 1401);  // 1201..1300 missing, 1301..1400 seen
  close();
  const Connection& c = only();
  EXPECT_EQ(c.missed_bytes, 200u);
  EXPECT_EQ(c.history, "ShADaGFf");  // G is scaled: the second gap earns no letter
}

// A segment cut short by the snaplen never reaches Zeek's reassembler: the ack over it and a
// short segment captured whole after it makes a gap of the cut segment only.
TEST_F(PartialTest, SegmentCutBySnaplenIsAGapButTheWholeOneAfterItIsNot) {
  handshake();
  send(true, kAck | kPsh, 1001, 5001, 300, 60);  // 1001..1300 cut to 60 bytes
  send(true, kAck | kPsh, 1301, 5001, 100);
  send(false, kAck, 5001, 1401);
  close();
  const Connection& c = only();
  EXPECT_EQ(c.missed_bytes, 300u);
  EXPECT_EQ(c.orig_bytes, 400u);
}

}  // namespace
}  // namespace callhome
