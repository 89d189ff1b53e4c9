// Tunnels as Zeek decapsulates them: IP-in-IP and GRE yield only their inner packets; UDP
// tunnels (Teredo, AYIYA, VXLAN, Geneve) keep the outer UDP packet as layer 0 and add the inner
// ones; depth and layer limits hold; a tunnel that does not parse leaves plain UDP.
#include <gtest/gtest.h>

#include "decoder_fixture.h"

namespace callhome {
namespace {
using namespace test_frames;

class TunnelTest : public DecoderFixture {
 protected:
  Bytes inner4 = ipv4("10.9.9.9", "10.8.8.8", 6, tcp({.sp = 1234, .dp = 80, .seq = 5}));
  Bytes inner6 = ipv6("2001:db8::9", "2001:db8::8", 17, udp(53000, 53, text("dns?")));

  void expect_inner4(int i, uint8_t depth) {
    ASSERT_GT(layers.count, i);
    const DecodedPacket& p = layer(i);
    EXPECT_EQ(p.ip_version, 4);
    EXPECT_EQ(p.src.to_string(), "10.9.9.9");
    EXPECT_EQ(p.dst.to_string(), "10.8.8.8");
    EXPECT_EQ(p.src_port, 1234);
    EXPECT_EQ(p.dst_port, 80);
    EXPECT_EQ(p.seq, 5u);
    EXPECT_EQ(p.ip_len, 40u);
    EXPECT_EQ(p.tunnel_depth, depth);
    EXPECT_FALSE(p.checksum_bad);
  }
  void expect_inner6(int i, uint8_t depth) {
    ASSERT_GT(layers.count, i);
    const DecodedPacket& p = layer(i);
    EXPECT_EQ(p.ip_version, 6);
    EXPECT_EQ(p.src.to_string(), "2001:db8::9");
    EXPECT_EQ(p.dst.to_string(), "2001:db8::8");
    EXPECT_EQ(p.src_port, 53000);
    EXPECT_EQ(p.dst_port, 53);
    EXPECT_EQ(p.payload_len, 4u);
    EXPECT_EQ(p.tunnel_depth, depth);
    EXPECT_FALSE(p.checksum_bad);
  }
  void expect_outer_udp(uint16_t sp, uint16_t dp) {
    ASSERT_GE(layers.count, 1);
    EXPECT_EQ(layer(0).ip_proto, 17);
    EXPECT_EQ(layer(0).src_port, sp);
    EXPECT_EQ(layer(0).dst_port, dp);
    EXPECT_EQ(layer(0).tunnel_depth, 0);
  }
};

TEST_F(TunnelTest, IpInIpYieldsOnlyTheInnerPacket) {
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 4, inner4))), Result::ok) << why;
  ASSERT_EQ(layers.count, 1);
  expect_inner4(0, 1);
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 41, inner6))), Result::ok) << why;
  ASSERT_EQ(layers.count, 1);
  expect_inner6(0, 1);
  ASSERT_EQ(decode(ethernet(ipv6("2001:db8:1::1", "2001:db8:2::2", 4, inner4))), Result::ok);
  ASSERT_EQ(layers.count, 1);
  expect_inner4(0, 1);
  // A damaged inner packet makes the frame malformed: there is no outer connection to keep.
  Bytes broken = inner4;
  broken[0] = 0x35;
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 4, broken))), Result::malformed);
  EXPECT_EQ(why, "IP version is neither 4 nor 6");
}

TEST_F(TunnelTest, NestingIsLimitedToFourTunnels) {
  Bytes ip = inner4;
  for (int i = 0; i < 4; ++i) ip = ipv4("1.1.1.1", "2.2.2.2", 4, ip);
  ASSERT_EQ(decode(ethernet(ip)), Result::ok) << why;
  expect_inner4(0, 4);
  ip = ipv4("1.1.1.1", "2.2.2.2", 4, ip);
  EXPECT_EQ(decode(ethernet(ip)), Result::malformed);
  EXPECT_EQ(why, "tunnels nested too deep");
}

TEST_F(TunnelTest, GreVersionZeroWithOptionalFields) {
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x0800, inner4)))), Result::ok);
  ASSERT_EQ(layers.count, 1);
  expect_inner4(0, 1);
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x86dd, inner6, true, true, true)))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 1);
  expect_inner6(0, 1);
  ASSERT_EQ(decode(ethernet(ipv6("2001:db8:1::1", "2001:db8:2::2", 47,
                                 gre(0x0800, inner4, false, true, false)))),
            Result::ok)
      << why;
  expect_inner4(0, 1);
}

TEST_F(TunnelTest, GreTransparentEthernetBridgingAndErspan) {
  const Bytes frame = tagged({tag(0x8100, 12)}, 0x0800, inner4);
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x6558, frame, false, true)))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 1);
  expect_inner4(0, 1);
  // ERSPAN type II: a GRE sequence number and an 8-byte ERSPAN header before the frame.
  Bytes erspan = {0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0};
  ASSERT_EQ(
      decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47,
                           gre(0x88be, cat({erspan, ethernet(inner6)}), false, false, true)))),
      Result::ok)
      << why;
  expect_inner6(0, 1);
  // A bridged ARP frame carries no IP.
  EXPECT_EQ(
      decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x6558, ethernet(Bytes(28, 0), 0x0806))))),
      Result::not_ip);
}

TEST_F(TunnelTest, PptpEnhancedGreCarriesPpp) {
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, pptp_gre(0x0021, inner4)))), Result::ok)
      << why;
  ASSERT_EQ(layers.count, 1);
  expect_inner4(0, 1);
  ASSERT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, pptp_gre(0x0057, inner6)))), Result::ok)
      << why;
  expect_inner6(0, 1);
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, pptp_gre(0xc021, Bytes(12, 1))))),
            Result::not_ip);  // LCP
  // Zeek wants the inner IP packet to fill the GRE payload exactly.
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, pptp_gre(0x0021, cat({inner4, {0}}))))),
            Result::malformed);
  EXPECT_EQ(why, "IP in PPTP GRE does not fill the packet");
}

TEST_F(TunnelTest, GreThatZeekRefuses) {
  Bytes routing = gre(0x0800, inner4);
  routing[0] |= 0x40;
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, routing))), Result::malformed);
  EXPECT_EQ(why, "GRE routing present");
  Bytes v2 = gre(0x0800, inner4);
  v2[1] |= 2;
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, v2))), Result::malformed);
  EXPECT_EQ(why, "GRE version unknown");
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, Bytes{0, 0}))), Result::malformed);
  EXPECT_EQ(why, "GRE header truncated");
  EXPECT_EQ(decode(ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x0806, Bytes(28, 0))))),
            Result::not_ip);
}

TEST_F(TunnelTest, TeredoKeepsTheUdpPacketAndAddsTheIpv6One) {
  ASSERT_EQ(decode(ethernet(ipv4("192.168.2.16", "65.55.158.80", 17, udp(3797, 3544, inner6)))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_outer_udp(3797, 3544);
  EXPECT_EQ(layer(0).payload_len, inner6.size());
  expect_inner6(1, 1);
  // From the server side, with authentication and origin indication headers.
  const Bytes hdrs = cat({teredo_auth(2, 3), teredo_origin(3797, "192.168.2.16")});
  ASSERT_EQ(decode(ethernet(
                ipv4("65.55.158.80", "192.168.2.16", 17, udp(3544, 3797, cat({hdrs, inner6}))))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_inner6(1, 1);
}

TEST_F(TunnelTest, TeredoOnOtherPortsIsRecognisedByContent) {
  // A Teredo client address (2001:0::/32) as the inner source, on a relay's port.
  const Bytes inner = ipv6("2001:0:4137:9e50:8000:f12a:b9c8:2815", "2001:4860:0:2001::68", 6,
                           tcp({.sp = 1286, .dp = 80}));
  ASSERT_EQ(decode(ethernet(ipv4("192.168.2.16", "83.170.1.38", 17, udp(3797, 32900, inner)))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  EXPECT_EQ(layer(1).dst_port, 80);
  EXPECT_EQ(layer(1).tunnel_depth, 1);
  // An origin indication also gives it away.
  ASSERT_EQ(decode(ethernet(ipv4("83.170.1.38", "192.168.2.16", 17,
                                 udp(32900, 3797, cat({teredo_origin(1, "1.2.3.4"), inner6}))))),
            Result::ok);
  ASSERT_EQ(layers.count, 2);
  expect_inner6(1, 1);
  // Plain IPv6 without Teredo addresses on an unregistered port stays UDP.
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(4000, 32900, inner6)))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);
}

TEST_F(TunnelTest, TeredoThatDoesNotParseIsJustUdp) {
  // Bubble: IPv6 with no next header and no payload keeps a NAT mapping; no connection.
  const Bytes bubble = ipv6("2001:0:4137:9e50:8000:f12a:b9c8:2815", "2001:4860::68", 59, {});
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(3797, 3544, bubble)))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);
  Bytes longer = inner6;
  longer.push_back(0);  // the inner packet does not fill the datagram
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(3797, 3544, longer)))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(3797, 3544, text("junk"))))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);
  EXPECT_TRUE(why.empty());  // the outer packet is fine: no complaint
  // An inner packet whose own transport is damaged leaves the outer one alone too.
  Bytes bad = inner6;
  bad.resize(40 + 4);
  bad[4] = 0;
  bad[5] = 4;
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(3797, 3544, bad)))), Result::ok);
  EXPECT_EQ(layers.count, 1);
}

TEST_F(TunnelTest, AyiyaCarriesIpv4OrIpv6) {
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(5072, 5072, ayiya(41, inner6))))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_outer_udp(5072, 5072);
  expect_inner6(1, 1);
  // Recognised by content on another port.
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(7000, 7001, ayiya(4, inner4))))),
            Result::ok);
  ASSERT_EQ(layers.count, 2);
  expect_inner4(1, 1);
  // Not a "forward" message: no packet inside.
  ASSERT_EQ(
      decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(5072, 5072, ayiya(41, inner6, 2))))),
      Result::ok);
  EXPECT_EQ(layers.count, 1);
}

TEST_F(TunnelTest, VxlanAndGeneveCarryEthernet) {
  ASSERT_EQ(
      decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17,
                           udp(50000, 4789, vxlan(tagged({tag(0x8100, 4)}, 0x0800, inner4)))))),
      Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_outer_udp(50000, 4789);
  expect_inner4(1, 1);
  Bytes no_vni = vxlan(ethernet(inner4));
  no_vni[0] = 0;
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 4789, no_vni)))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17,
                                 udp(50000, 4789, vxlan(ethernet(Bytes(28, 0), 0x0806)))))),
            Result::ok);
  EXPECT_EQ(layers.count, 1);  // bridged ARP
  ASSERT_EQ(decode(ethernet(ipv6("2001:db8::1", "2001:db8::2", 17,
                                 udp(50000, 6081, geneve(0x6558, ethernet(inner6), 2))))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_inner6(1, 1);
  ASSERT_EQ(
      decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 6081, geneve(0x0800, inner4))))),
      Result::ok);
  ASSERT_EQ(layers.count, 2);
  expect_inner4(1, 1);
}

TEST_F(TunnelTest, VxlanOverIpv6MayLeaveTheUdpChecksumZero) {
  Bytes f =
      ethernet(ipv6("2001:db8::1", "2001:db8::2", 17, udp(50000, 4789, vxlan(ethernet(inner4)))));
  f[14 + 40 + 6] = f[14 + 40 + 7] = 0;
  ASSERT_EQ(decode(f), Result::ok) << why;
  EXPECT_FALSE(layer(0).checksum_bad);
  ASSERT_EQ(layers.count, 2);
}

TEST_F(TunnelTest, AUdpTunnelWithABadChecksumGoesNoFurther) {
  Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 4789, vxlan(ethernet(inner4)))));
  f[14 + 20 + 6] ^= 0x01;
  ASSERT_EQ(decode(f), Result::ok);
  ASSERT_EQ(layers.count, 1);
  EXPECT_TRUE(layer(0).checksum_bad);
  ASSERT_EQ(decode_lenient(f), Result::ok);
  EXPECT_EQ(layers.count, 2);  // not judged: decapsulated
}

TEST_F(TunnelTest, TunnelsInsideTunnelsCountDepthAndStopAtFourLayers) {
  // VXLAN carrying IP-in-IP: the outer UDP, then the inner TCP two tunnels down.
  ASSERT_EQ(decode(ethernet(
                ipv4("10.0.0.1", "10.0.0.2", 17,
                     udp(50000, 4789, vxlan(ethernet(ipv4("1.1.1.1", "2.2.2.2", 4, inner4))))))),
            Result::ok)
      << why;
  ASSERT_EQ(layers.count, 2);
  expect_inner4(1, 2);
  // VXLAN in VXLAN in VXLAN in VXLAN: four tunnels, five UDP packets; four layers kept.
  Bytes ip = inner4;
  for (int i = 0; i < 5; ++i)
    ip = ipv4("10.0.0.1", "10.0.0.2", 17, udp(50000, 4789, vxlan(ethernet(ip))));
  ASSERT_EQ(decode(ethernet(ip)), Result::ok) << why;
  ASSERT_EQ(layers.count, 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(layer(i).tunnel_depth, i) << i;
    EXPECT_EQ(layer(i).dst_port, 4789) << i;
  }
}

TEST_F(TunnelTest, TruncatedTunnelsNeverCrash) {
  const std::vector<Bytes> frames = {
      ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, gre(0x6558, ethernet(inner4), true, true, true))),
      ethernet(ipv4("1.1.1.1", "2.2.2.2", 47, pptp_gre(0x0021, inner4))),
      ethernet(ipv4("1.1.1.1", "2.2.2.2", 4, inner6)),
      ethernet(ipv4("10.0.0.1", "10.0.0.2", 17,
                    udp(1, 3544, cat({teredo_auth(3, 4), teredo_origin(1, "1.2.3.4"), inner6})))),
      ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 5072, ayiya(41, inner6)))),
      ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 4789, vxlan(ethernet(inner4))))),
      ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 6081, geneve(0x6558, ethernet(inner4), 3)))),
  };
  for (const Bytes& f : frames) {
    for (size_t cut = 0; cut <= f.size(); ++cut) {
      const Bytes part(f.begin(), f.begin() + long(cut));
      const Result r = decode(part);
      if (r == Result::malformed) {
        EXPECT_FALSE(why.empty()) << cut;
      }
      if (r == Result::ok) {
        EXPECT_GE(layers.count, 1);
        EXPECT_TRUE(why.empty()) << cut << ": " << why;
      }
      decode_cut(f, cut);
    }
  }
}

}  // namespace
}  // namespace callhome
