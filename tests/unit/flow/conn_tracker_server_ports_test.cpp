// The tracker's likely server ports come from its options (Zeek's likely_server_ports, which
// `zeek -b` fills only with the ports of the analyzers it loaded): a connection seen without its
// SYN is flipped by the ports in the set it was given, and by no others.
#include <gtest/gtest.h>

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

const Address kClient = *Address::parse("192.168.1.28");
const Address kServer = *Address::parse("35.221.46.9");
const Address kBroadcast = *Address::parse("255.255.255.255");

LikelyServerPorts ports(const std::string& list) {
  std::string error;
  auto p = LikelyServerPorts::parse(list, error);
  EXPECT_TRUE(p.has_value()) << error;
  return p.value_or(LikelyServerPorts{});
}

// Feeds the packets to a tracker with the given likely server ports; returns its records.
struct Packet {
  Address src, dst;
  uint16_t sp, dp;
  uint8_t proto, flags = 0;
  uint32_t seq = 0, ack = 0, len = 0;
};
std::vector<Connection> track(const std::string& list, const std::vector<Packet>& packets) {
  Collect out;
  TrackerOptions options;
  options.likely_server_ports = ports(list);
  ConnTracker tracker(options, out);
  double ts = 1.0;
  uint64_t n = 0;
  for (const Packet& k : packets) {
    DecodedPacket p;
    p.src = k.src;
    p.dst = k.dst;
    p.src_port = k.sp;
    p.dst_port = k.dp;
    p.ip_proto = k.proto;
    p.tcp_flags = k.flags;
    p.seq = k.seq;
    p.ack = k.ack;
    p.window = 8192;
    p.payload_len = p.payload_caplen = k.len;
    p.ip_len = (k.proto == kProtoTcp ? 40 : 28) + k.len;
    p.transport_ok = true;
    tracker.packet(p, ts += 0.01, Provenance{0, ++n}, "");
  }
  tracker.flush();
  return out.conns;
}

const Packet kSynAckFrom80{kServer, kClient, 80, 53246, kProtoTcp, kSyn | kAck, 5000, 1001};

// Default: port 80 is a likely server port, so its SYN-ACK makes the other side the originator.
// With no likely server ports (`zeek -b` loading base/protocols/conn alone) it stays as seen,
// as in Zeek's conn-failed.log of the checksums_ignore_nets btest ("HcADF" from port 80).
TEST(ConnTrackerServerPorts, SynAckIsFlippedOnlyWhenItsPortIsInTheSet) {
  auto flipped = track("default", {kSynAckFrom80});
  ASSERT_EQ(flipped.size(), 1u);
  EXPECT_EQ(flipped[0].orig_h, kClient);
  EXPECT_EQ(flipped[0].history, "^h");
  for (const char* list : {"none", "8080/tcp", "80/udp"}) {
    auto kept = track(list, {kSynAckFrom80});
    ASSERT_EQ(kept.size(), 1u) << list;
    EXPECT_EQ(kept[0].orig_h, kServer) << list;
    EXPECT_EQ(kept[0].orig_p, 80) << list;
    EXPECT_EQ(kept[0].history, "H") << list;
  }
  auto listed = track("80/tcp", {kSynAckFrom80});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].orig_h, kClient);
}

// A capture that starts mid-stream: data from a likely server port flips; from a port that is
// not in the set it does not.
TEST(ConnTrackerServerPorts, MidStreamDataIsFlippedByTheSetsPortsOnly) {
  const Packet data{kServer, kClient, 8080, 53246, kProtoTcp, kAck | kPsh, 5001, 1001, 100};
  auto with = track("8080/tcp", {data});
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].orig_h, kClient);
  EXPECT_EQ(with[0].resp_p, 8080);
  auto without = track("80/tcp,53/udp", {data});
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].orig_h, kServer);
  EXPECT_EQ(without[0].orig_p, 8080);
}

// The udp-broadcast-no-flip btest: `redef likely_server_ports += { 40190/udp }`, and a datagram
// from 40190 to the broadcast address is still not flipped (nothing answers from broadcast).
// To a unicast address it is; without 40190 in the set it is not.
TEST(ConnTrackerServerPorts, UdpFromAnAddedPortFlipsExceptTowardsBroadcast) {
  const Packet to_broadcast{kClient, kBroadcast, 40190, 7437, kProtoUdp, 0, 0, 0, 173};
  const Packet to_host{kClient, kServer, 40190, 7437, kProtoUdp, 0, 0, 0, 173};
  auto b = track("default,40190/udp", {to_broadcast});
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].orig_p, 40190);
  EXPECT_EQ(b[0].history, "D");
  auto u = track("default,40190/udp", {to_host});
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].orig_h, kServer);
  EXPECT_EQ(u[0].orig_p, 7437);
  EXPECT_EQ(u[0].history, "^d");
  auto d = track("default", {to_host});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].orig_p, 40190);
}

}  // namespace
}  // namespace callhome
