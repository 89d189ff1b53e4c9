// Link layers: every supported framing around the same IP packet must yield the same decoded
// packet; non-IP frames are not_ip; damaged link headers are malformed with a reason.
#include <gtest/gtest.h>

#include "decoder_fixture.h"
#include "flow/link_layer.h"

namespace callhome {
namespace {
using namespace test_frames;

class LinkLayerTest : public DecoderFixture {
 protected:
  Bytes ip4 = ipv4("192.0.2.10", "198.51.100.7", 17, udp(5353, 53, text("query")));
  Bytes ip6 = ipv6("2001:db8::10", "2001:db8::53", 6, tcp({.sp = 40000, .dp = 443}));

  void expect_ip4_udp() {
    ASSERT_EQ(layers.count, 1);
    const DecodedPacket& p = layer();
    EXPECT_EQ(p.ip_version, 4);
    EXPECT_EQ(p.src.to_string(), "192.0.2.10");
    EXPECT_EQ(p.dst.to_string(), "198.51.100.7");
    EXPECT_EQ(p.ip_proto, 17);
    EXPECT_EQ(p.src_port, 5353);
    EXPECT_EQ(p.dst_port, 53);
    EXPECT_EQ(p.ip_len, 20u + 8u + 5u);
    EXPECT_EQ(p.payload_len, 5u);
    EXPECT_EQ(payload(), "query");
    EXPECT_TRUE(p.transport_ok);
    EXPECT_FALSE(p.checksum_bad);
    EXPECT_EQ(p.tunnel_depth, 0);
  }
  void expect_ip6_tcp() {
    ASSERT_EQ(layers.count, 1);
    const DecodedPacket& p = layer();
    EXPECT_EQ(p.ip_version, 6);
    EXPECT_EQ(p.src.to_string(), "2001:db8::10");
    EXPECT_EQ(p.dst.to_string(), "2001:db8::53");
    EXPECT_EQ(p.ip_proto, 6);
    EXPECT_EQ(p.src_port, 40000);
    EXPECT_EQ(p.dst_port, 443);
    EXPECT_EQ(p.ip_len, 60u);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn);
    EXPECT_FALSE(p.checksum_bad);
  }
};

TEST_F(LinkLayerTest, EthernetTwoCarriesIpv4AndIpv6) {
  ASSERT_EQ(decode(ethernet(ip4)), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(ethernet(ip6)), Result::ok) << why;
  expect_ip6_tcp();
}

TEST_F(LinkLayerTest, Ieee8023WithLlcSnapCarriesIp) {
  ASSERT_EQ(decode(ieee8023(ip4)), Result::ok) << why;
  expect_ip4_udp();
  // Plain LLC (spanning tree: DSAP/SSAP 0x42) carries no IP.
  Bytes stp = macs();
  put16(stp, 38);
  stp.insert(stp.end(), {0x42, 0x42, 0x03, 0, 0, 0, 0, 0});
  stp.resize(14 + 38, 0);
  EXPECT_EQ(decode(stp), Result::not_ip);
  // SNAP with a vendor OUI is not an EtherType.
  Bytes vendor = ieee8023(ip4);
  vendor[17] = 0x0c;
  EXPECT_EQ(decode(vendor), Result::not_ip);
}

TEST_F(LinkLayerTest, VlanTagsAtAnyDepth) {
  ASSERT_EQ(decode(tagged({tag(0x8100, 10)}, 0x0800, ip4)), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(tagged({tag(0x88a8, 100), tag(0x8100, 20)}, 0x86dd, ip6)), Result::ok) << why;
  expect_ip6_tcp();
  ASSERT_EQ(decode(tagged({tag(0x9100, 1), tag(0x88a8, 2), tag(0x8100, 3)}, 0x0800, ip4)),
            Result::ok)
      << why;
  expect_ip4_udp();
  // A tag followed by a length and LLC/SNAP.
  Bytes llc = cat({snap(0x0800), ip4});
  ASSERT_EQ(decode(tagged({tag(0x8100, 7)}, uint16_t(llc.size()), llc)), Result::ok) << why;
  expect_ip4_udp();
  // ARP inside a VLAN.
  EXPECT_EQ(decode(tagged({tag(0x8100, 7)}, 0x0806, Bytes(28, 0))), Result::not_ip);
}

// D14: frames stacked deeper than any network does are damage, counted with a reason, not
// "not IP" frames dropped without a word.
TEST_F(LinkLayerTest, TooManyTagsOrLabelsAreMalformedWithAReason) {
  std::vector<Bytes> tags(31, tag(0x8100, 1));
  ASSERT_EQ(decode(tagged(tags, 0x0800, ip4)), Result::ok) << why;
  tags.resize(40, tag(0x8100, 1));
  EXPECT_EQ(decode(tagged(tags, 0x0800, ip4)), Result::malformed);
  EXPECT_EQ(why, "more than 32 VLAN tags or MPLS labels");
  std::vector<uint32_t> labels(32, 16);
  ASSERT_EQ(decode(mpls(labels, ip4)), Result::ok) << why;
  labels.resize(33, 16);
  EXPECT_EQ(decode(mpls(labels, ip4)), Result::malformed);
  EXPECT_EQ(why, "more than 32 VLAN tags or MPLS labels");
}

TEST_F(LinkLayerTest, MplsLabelStackThenIpByVersionNibble) {
  ASSERT_EQ(decode(mpls({16, 17}, ip4)), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(mpls({1000}, ip6)), Result::ok) << why;
  expect_ip6_tcp();
  // An Ethernet pseudowire control word (nibble 0) is not IP.
  EXPECT_EQ(decode(mpls({16}, cat({Bytes{0, 0, 0, 0}, ethernet(ip4)}))), Result::not_ip);
  // MPLS inside a VLAN.
  Bytes labels;
  put32(labels, 16u << 12 | 0x100 | 64);
  ASSERT_EQ(decode(tagged({tag(0x8100, 5)}, 0x8847, cat({labels, ip4}))), Result::ok) << why;
  expect_ip4_udp();
}

TEST_F(LinkLayerTest, PppoeSessionCarriesIpv4AndIpv6Only) {
  ASSERT_EQ(decode(ethernet(pppoe_session(0x0021, ip4), 0x8864)), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(ethernet(pppoe_session(0x0057, ip6), 0x8864)), Result::ok) << why;
  expect_ip6_tcp();
  EXPECT_EQ(decode(ethernet(pppoe_session(0xc021, Bytes(10, 1)), 0x8864)), Result::not_ip);
  EXPECT_EQ(decode(ethernet(Bytes(20, 0), 0x8863)), Result::not_ip);  // discovery
  ASSERT_EQ(decode(pppoe_session(0x0021, ip4), kLinkPppoe), Result::ok) << why;
  expect_ip4_udp();
  // Protocol field compression: a one-byte PPP protocol.
  Bytes pfc = pppoe_session(0x0021, ip4);
  pfc.erase(pfc.begin() + 6);
  pfc[5] = uint8_t(pfc[5] - 1);
  ASSERT_EQ(decode(ethernet(pfc, 0x8864)), Result::ok) << why;
  expect_ip4_udp();
}

TEST_F(LinkLayerTest, LinuxCookedCaptures) {
  ASSERT_EQ(decode(sll(0x0800, ip4), kLinkLinuxSll), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(sll2(0x86dd, ip6), kLinkLinuxSll2), Result::ok) << why;
  expect_ip6_tcp();
  EXPECT_EQ(decode(sll(0x0806, Bytes(28, 0)), kLinkLinuxSll), Result::not_ip);
  EXPECT_EQ(decode(sll2(0x0806, Bytes(28, 0)), kLinkLinuxSll2), Result::not_ip);
}

TEST_F(LinkLayerTest, BsdNullAndLoopAddressFamilies) {
  ASSERT_EQ(decode(null_le(2, ip4), kLinkNull), Result::ok) << why;
  expect_ip4_udp();
  for (uint32_t af : {24u, 28u, 30u}) {
    ASSERT_EQ(decode(null_le(af, ip6), kLinkNull), Result::ok) << af;
    expect_ip6_tcp();
  }
  // Written on a big-endian host.
  ASSERT_EQ(decode(null_be(2, ip4), kLinkNull), Result::ok) << why;
  expect_ip4_udp();
  EXPECT_EQ(decode(null_le(7, ip4), kLinkNull), Result::not_ip);  // AF_ISO
  ASSERT_EQ(decode(null_be(2, ip4), kLinkLoop), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(null_be(24, ip6), kLinkLoop), Result::ok) << why;
  expect_ip6_tcp();
  EXPECT_EQ(decode(null_le(2, ip4), kLinkLoop), Result::not_ip);  // loop is network order
}

TEST_F(LinkLayerTest, RawIpLinkTypes) {
  for (uint32_t lt : {kLinkRaw, kLinkDltRaw12, kLinkDltRaw14, kLinkIpv4}) {
    ASSERT_EQ(decode(ip4, lt), Result::ok) << lt;
    expect_ip4_udp();
  }
  for (uint32_t lt : {kLinkRaw, kLinkIpv6}) {
    ASSERT_EQ(decode(ip6, lt), Result::ok) << lt;
    expect_ip6_tcp();
  }
  Bytes v5 = ip4;
  v5[0] = 0x55;
  EXPECT_EQ(decode(v5, kLinkRaw), Result::malformed);
  EXPECT_EQ(why, "IP version is neither 4 nor 6");
}

TEST_F(LinkLayerTest, Ieee80211DataFramesOnly) {
  const Bytes body = cat({snap(0x0800), ip4});
  ASSERT_EQ(decode(wifi(2, 0, 1, 0, body), kLinkIeee80211), Result::ok) << why;
  expect_ip4_udp();
  ASSERT_EQ(decode(wifi(2, 8, 2, 0, body), kLinkIeee80211), Result::ok) << why;  // QoS data
  expect_ip4_udp();
  ASSERT_EQ(decode(wifi(2, 8, 3, 0, body), kLinkIeee80211), Result::ok) << why;  // 4 addresses
  expect_ip4_udp();
  ASSERT_EQ(decode(wifi(2, 8, 1, 0x80, body), kLinkIeee80211), Result::ok) << why;  // +HTC
  expect_ip4_udp();
  ASSERT_EQ(decode(wifi(2, 0, 3, 0, cat({snap(0x86dd), ip6})), kLinkIeee80211), Result::ok);
  expect_ip6_tcp();
  EXPECT_EQ(decode(wifi(2, 0, 1, 0x40, body), kLinkIeee80211), Result::not_ip);     // protected
  EXPECT_EQ(decode(wifi(2, 8, 1, 0x40, body), kLinkIeee80211), Result::not_ip);     // protected
  EXPECT_EQ(decode(wifi(0, 8, 0, 0, body), kLinkIeee80211), Result::not_ip);        // beacon
  EXPECT_EQ(decode(wifi(1, 13, 0, 0, body), kLinkIeee80211), Result::not_ip);       // ack
  EXPECT_EQ(decode(wifi(2, 4, 1, 0, body), kLinkIeee80211), Result::not_ip);        // null data
  EXPECT_EQ(decode(wifi(2, 8, 1, 0, body, 0x80), kLinkIeee80211), Result::not_ip);  // A-MSDU
  EXPECT_EQ(decode(wifi(2, 0, 1, 0, cat({snap(0x888e), Bytes(20, 0)})), kLinkIeee80211),
            Result::not_ip);  // EAPOL
}

TEST_F(LinkLayerTest, RadiotapThenIeee80211) {
  ASSERT_EQ(decode(radiotap(wifi(2, 8, 1, 0, cat({snap(0x86dd), ip6}))), kLinkIeee80211Radiotap),
            Result::ok)
      << why;
  expect_ip6_tcp();
  Bytes bad_len = radiotap(wifi(2, 0, 1, 0, cat({snap(0x0800), ip4})));
  bad_len[2] = 0xff;
  bad_len[3] = 0x7f;
  EXPECT_EQ(decode(bad_len, kLinkIeee80211Radiotap), Result::malformed);
  EXPECT_EQ(why, "radiotap header truncated");
}

TEST_F(LinkLayerTest, NonIpFramesAndUnknownLinkTypes) {
  EXPECT_EQ(decode(ethernet(Bytes(28, 0), 0x0806)), Result::not_ip);  // ARP
  EXPECT_EQ(decode(ethernet(Bytes(40, 0), 0x88cc)), Result::not_ip);  // LLDP
  EXPECT_EQ(decode(ethernet(Bytes(40, 0), 0x05ff)), Result::not_ip);  // neither length nor type
  EXPECT_EQ(decode(ethernet(ip4), 9999), Result::malformed);
  EXPECT_EQ(why, "unsupported link type 9999");
}

TEST_F(LinkLayerTest, TruncatedLinkHeadersAreMalformedWithAReason) {
  struct Case {
    Bytes frame;
    uint32_t linktype;
    size_t header;  // bytes before the IP header
  };
  const std::vector<Case> cases = {
      {ethernet(ip4), kLinkEthernet, 14},
      {tagged({tag(0x88a8, 1), tag(0x8100, 2)}, 0x0800, ip4), kLinkEthernet, 22},
      {mpls({1, 2, 3}, ip4), kLinkEthernet, 26},
      {ethernet(pppoe_session(0x0021, ip4), 0x8864), kLinkEthernet, 22},
      {ieee8023(ip4), kLinkEthernet, 22},
      {sll(0x0800, ip4), kLinkLinuxSll, 16},
      {sll2(0x0800, ip4), kLinkLinuxSll2, 20},
      {null_le(2, ip4), kLinkNull, 4},
      {null_be(2, ip4), kLinkLoop, 4},
      {wifi(2, 8, 3, 0, cat({snap(0x0800), ip4})), kLinkIeee80211, 40},
      {radiotap(wifi(2, 0, 1, 0, cat({snap(0x0800), ip4}))), kLinkIeee80211Radiotap, 42},
  };
  for (const Case& c : cases) {
    for (size_t cut = 0; cut <= c.header; ++cut) {
      const Result r = decode_cut(c.frame, cut, c.linktype);
      EXPECT_EQ(r, Result::malformed) << "link " << c.linktype << " cut " << cut;
      EXPECT_FALSE(why.empty()) << "link " << c.linktype << " cut " << cut;
    }
    ASSERT_EQ(decode(c.frame, c.linktype), Result::ok) << c.linktype << ": " << why;
    expect_ip4_udp();
  }
}

TEST(LinkLayerOffsets, StripLinkPointsAtTheIpHeader) {
  const Bytes ip = ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0));
  EXPECT_EQ(strip_link(kLinkEthernet, ethernet(ip).data(), ethernet(ip).size()).offset, 14u);
  const Bytes q = tagged({tag(0x88a8, 1), tag(0x8100, 2)}, 0x0800, ip);
  EXPECT_EQ(strip_link(kLinkEthernet, q.data(), q.size()).offset, 22u);
  const Bytes m = mpls({1, 2}, ip);
  EXPECT_EQ(strip_link(kLinkEthernet, m.data(), m.size()).offset, 22u);
  const Bytes w = radiotap(wifi(2, 8, 3, 0x80, cat({snap(0x0800), ip})));
  EXPECT_EQ(strip_link(kLinkIeee80211Radiotap, w.data(), w.size()).offset, 10u + 36u + 8u);
  const Bytes s = sll2(0x0800, ip);
  EXPECT_EQ(strip_link(kLinkLinuxSll2, s.data(), s.size()).offset, 20u);
}

}  // namespace
}  // namespace callhome
