#include "flow/packet_decoder.h"

#include <gtest/gtest.h>

#include "frames.h"

namespace callhome {
namespace {
using namespace frames;

class DecoderTest : public ::testing::Test {
 protected:
  PacketDecoder decoder{PacketDecoder::Options{true}};
  DecodedLayers layers;
  std::string why;
  PacketDecoder::Result decode(const Bytes& frame, uint32_t linktype = kLinkEthernet,
                               double ts = 1.0) {
    RawPacket raw;
    raw.data = frame.data();
    raw.caplen = raw.wirelen = uint32_t(frame.size());
    raw.linktype = linktype;
    raw.ts = ts;
    why.clear();
    return decoder.decode(raw, layers, &why);
  }
};

TEST_F(DecoderTest, EthernetIpv4Tcp) {
  auto f = ethernet(ipv4("192.168.1.3", "206.142.53.27", 6, tcp(1100, 1214, 77, 0, 0x02)));
  ASSERT_EQ(decode(f), PacketDecoder::Result::ok);
  ASSERT_EQ(layers.count, 1);
  const auto& p = layers.layer[0];
  EXPECT_EQ(p.src.to_string(), "192.168.1.3");
  EXPECT_EQ(p.dst.to_string(), "206.142.53.27");
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.src_port, 1100);
  EXPECT_EQ(p.dst_port, 1214);
  EXPECT_EQ(p.seq, 77u);
  EXPECT_EQ(p.tcp_flags, 0x02);
  EXPECT_EQ(p.ip_len, 40u);
  EXPECT_EQ(p.payload_len, 0u);
  EXPECT_TRUE(p.transport_ok);
  EXPECT_FALSE(p.checksum_bad);
}

TEST_F(DecoderTest, VlanQinQMplsAndPppoeAreStripped) {
  Bytes ip = ipv4("10.0.0.1", "10.0.0.2", 17, udp(5000, 53, Bytes(12, 0)));
  Bytes qinq = {0,  1,    2,    3, 4,  5,    6,    7, 8,  9,    10,
                11, 0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00};
  qinq.insert(qinq.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(qinq), PacketDecoder::Result::ok);
  EXPECT_EQ(layers.layer[0].dst_port, 53);

  Bytes mpls = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0x47, 0, 1, 0, 64, 0, 2, 1, 64};
  mpls.insert(mpls.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(mpls), PacketDecoder::Result::ok);
  EXPECT_EQ(layers.layer[0].src.to_string(), "10.0.0.1");

  Bytes pppoe = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x88, 0x64, 0x11, 0, 0, 1, 0, 0, 0, 0x21};
  pppoe.insert(pppoe.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(pppoe), PacketDecoder::Result::ok);
  EXPECT_EQ(layers.layer[0].ip_proto, 17);
}

TEST_F(DecoderTest, CookedNullAndRawLinkTypes) {
  Bytes ip = ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0));
  Bytes sll(16, 0);
  sll[14] = 0x08;
  sll.insert(sll.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(sll, kLinkLinuxSll), PacketDecoder::Result::ok);
  EXPECT_EQ(layers.layer[0].icmp_type, 8);
  Bytes sll2(20, 0);
  sll2[0] = 0x08;
  sll2.insert(sll2.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(sll2, kLinkLinuxSll2), PacketDecoder::Result::ok);
  Bytes null = {2, 0, 0, 0};
  null.insert(null.end(), ip.begin(), ip.end());
  ASSERT_EQ(decode(null, kLinkNull), PacketDecoder::Result::ok);
  ASSERT_EQ(decode(ip, kLinkRaw), PacketDecoder::Result::ok);
  EXPECT_EQ(layers.layer[0].payload_len, 4u);
}

TEST_F(DecoderTest, ArpIsNotIpAndUnknownLinkIsMalformed) {
  Bytes arp = ethernet(Bytes(28, 0), 0x0806);
  EXPECT_EQ(decode(arp), PacketDecoder::Result::not_ip);
  EXPECT_EQ(decode(arp, 9999), PacketDecoder::Result::malformed);
  EXPECT_NE(why.find("unsupported link type"), std::string::npos);
}

TEST_F(DecoderTest, OutOfOrderFragmentsAreReassembledIntoOnePacket) {
  // A UDP datagram of 8 + 40 bytes cut into three fragments (payload offsets 0, 16, 32).
  Bytes whole = ipv4("10.1.1.1", "10.2.2.2", 17, udp(4000, 4001, Bytes(40, 'x')), 99);
  Bytes l4(whole.begin() + 20, whole.end());
  auto frag = [&](size_t off, size_t len, bool more) {
    Bytes part(l4.begin() + long(off), l4.begin() + long(off + len));
    return ethernet(
        ipv4("10.1.1.1", "10.2.2.2", 17, part, 99, uint16_t((more ? 0x2000 : 0) | off / 8), false));
  };
  EXPECT_EQ(decode(frag(32, 16, false)), PacketDecoder::Result::fragment_held);
  EXPECT_EQ(decode(frag(0, 16, true)), PacketDecoder::Result::fragment_held);
  ASSERT_EQ(decode(frag(16, 16, true)), PacketDecoder::Result::ok);
  const auto& p = layers.layer[0];
  EXPECT_EQ(p.ip_len, 68u);
  EXPECT_EQ(p.src_port, 4000);
  EXPECT_EQ(p.payload_len, 40u);
  EXPECT_FALSE(p.checksum_bad);
}

TEST_F(DecoderTest, BadChecksumsAreFlaggedOnlyWhenVerifying) {
  auto f = ethernet(ipv4("192.168.1.3", "1.2.3.4", 6, tcp(1, 2, 3, 0, 0x02)));
  f.back() ^= 0xff;  // corrupt the TCP urgent pointer: the checksum no longer matches
  ASSERT_EQ(decode(f), PacketDecoder::Result::ok);
  EXPECT_TRUE(layers.layer[0].checksum_bad);
  PacketDecoder lenient{PacketDecoder::Options{false}};
  RawPacket raw;
  raw.data = f.data();
  raw.caplen = raw.wirelen = uint32_t(f.size());
  ASSERT_EQ(lenient.decode(raw, layers, &why), PacketDecoder::Result::ok);
  EXPECT_FALSE(layers.layer[0].checksum_bad);
  f[14 + 10] ^= 0xff;  // corrupt the IP header checksum: Zeek drops the packet
  EXPECT_EQ(decode(f), PacketDecoder::Result::malformed);
  EXPECT_EQ(why, "bad IPv4 header checksum");
}

TEST_F(DecoderTest, Ipv6WithExtensionHeaders) {
  uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  Bytes t = tcp(40000, 443, 1, 0, 0x02);
  // Hop-by-hop (8 bytes) then TCP; the checksum covers only the TCP part.
  Bytes inner = ipv6(a, b, 6, t);
  Bytes withext(inner.begin(), inner.begin() + 40);
  withext[6] = 0;  // next header: hop-by-hop
  withext[5] = uint8_t(withext[5] + 8);
  Bytes hop = {6, 0, 1, 4, 0, 0, 0, 0};
  withext.insert(withext.end(), hop.begin(), hop.end());
  withext.insert(withext.end(), inner.begin() + 40, inner.end());
  ASSERT_EQ(decode(ethernet(withext, 0x86dd)), PacketDecoder::Result::ok) << why;
  const auto& p = layers.layer[0];
  EXPECT_EQ(p.ip_version, 6);
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.dst_port, 443);
  EXPECT_EQ(p.ip_len, 68u);
  EXPECT_FALSE(p.checksum_bad);
  EXPECT_EQ(p.dst.to_string(), "2001:db8::2");
}

TEST_F(DecoderTest, TeredoKeepsTheOuterUdpAndAddsTheInnerIpv6) {
  uint8_t a[16] = {0x20, 0x01, 0,    0,    0x41, 0x37, 0x9e, 0x50,
                   0x80, 0,    0xf1, 0x2a, 0xb9, 0xc8, 0x28, 0x15};
  uint8_t b[16] = {0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x68};
  Bytes inner = ipv6(a, b, 58, icmp(128, 0));
  auto f = ethernet(ipv4("192.168.2.16", "65.55.158.80", 17, udp(3797, 3544, inner)));
  ASSERT_EQ(decode(f), PacketDecoder::Result::ok);
  ASSERT_EQ(layers.count, 2);
  EXPECT_EQ(layers.layer[0].dst_port, 3544);
  EXPECT_EQ(layers.layer[1].ip_version, 6);
  EXPECT_EQ(layers.layer[1].icmp_type, 128);
  EXPECT_EQ(layers.layer[1].tunnel_depth, 1);
}

TEST_F(DecoderTest, IpInIpAndGreYieldOnlyTheInnerPacket) {
  Bytes inner = ipv4("10.9.9.9", "10.8.8.8", 6, tcp(1, 80, 5, 0, 0x02));
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 4, inner))), PacketDecoder::Result::ok);
  ASSERT_EQ(layers.count, 1);
  EXPECT_EQ(layers.layer[0].src.to_string(), "10.9.9.9");
  Bytes gre = {0, 0, 0x08, 0x00};
  gre.insert(gre.end(), inner.begin(), inner.end());
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre))), PacketDecoder::Result::ok);
  ASSERT_EQ(layers.count, 1);
  EXPECT_EQ(layers.layer[0].dst_port, 80);
  EXPECT_EQ(layers.layer[0].tunnel_depth, 1);
}

TEST_F(DecoderTest, VxlanCarriesAnEthernetFrame) {
  Bytes inner = ethernet(ipv4("172.16.0.1", "172.16.0.2", 17, udp(1, 2, Bytes(4, 0))));
  Bytes vx = {0x08, 0, 0, 0, 0, 0, 1, 0};
  vx.insert(vx.end(), inner.begin(), inner.end());
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 4789, vx)))),
            PacketDecoder::Result::ok);
  ASSERT_EQ(layers.count, 2);
  EXPECT_EQ(layers.layer[1].src.to_string(), "172.16.0.1");
}

TEST_F(DecoderTest, EveryTruncationIsMalformedOrHeldNeverACrash) {
  auto f = ethernet(ipv4("192.168.1.3", "1.2.3.4", 6, tcp(1, 2, 3, 0, 0x18, "hello")));
  for (size_t cut = 0; cut < f.size(); ++cut) {
    RawPacket raw;
    raw.data = f.data();
    raw.caplen = uint32_t(cut);
    raw.wirelen = uint32_t(f.size());
    auto r = decoder.decode(raw, layers, &why);
    if (cut < 14 + 20 + 20) {
      EXPECT_EQ(r, PacketDecoder::Result::malformed) << cut;
    } else {
      // A snap length inside the payload still gives the headers and the true lengths.
      ASSERT_EQ(r, PacketDecoder::Result::ok) << cut;
      EXPECT_EQ(layers.layer[0].payload_len, 5u);
      EXPECT_EQ(layers.layer[0].payload_caplen, cut - 54);
    }
  }
}

}  // namespace
}  // namespace callhome
