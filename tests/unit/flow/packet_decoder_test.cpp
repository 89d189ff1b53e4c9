// IP and transport decoding: exact fields, lengths under snap lengths and padding, checksums
// with and without verification, and damaged packets at every length.
#include "flow/packet_decoder.h"

#include <gtest/gtest.h>

#include "decoder_fixture.h"

namespace callhome {
namespace {
using namespace test_frames;

class DecoderTest : public DecoderFixture {};

TEST_F(DecoderTest, EthernetIpv4TcpFieldsAreExact) {
  Ip4 h{.src = "192.168.1.3", .dst = "206.142.53.27", .proto = 6, .ttl = 57};
  const Bytes f = ethernet(ipv4(h, tcp({.sp = 1100,
                                        .dp = 1214,
                                        .seq = 0x01020304,
                                        .ack = 0xa0b0c0d0,
                                        .flags = tcp_flag::kPsh | tcp_flag::kAck,
                                        .window = 65000,
                                        .payload = text("hello")})));
  ASSERT_EQ(decode(f), Result::ok) << why;
  ASSERT_EQ(layers.count, 1);
  const DecodedPacket& p = layer();
  EXPECT_EQ(p.src.to_string(), "192.168.1.3");
  EXPECT_EQ(p.dst.to_string(), "206.142.53.27");
  EXPECT_EQ(p.ip_version, 4);
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.ttl, 57);
  EXPECT_EQ(p.ip_len, 45u);
  EXPECT_EQ(p.src_port, 1100);
  EXPECT_EQ(p.dst_port, 1214);
  EXPECT_EQ(p.seq, 0x01020304u);
  EXPECT_EQ(p.ack, 0xa0b0c0d0u);
  EXPECT_EQ(p.tcp_flags, tcp_flag::kPsh | tcp_flag::kAck);
  EXPECT_EQ(p.window, 65000);
  EXPECT_EQ(p.payload_len, 5u);
  EXPECT_EQ(p.payload_caplen, 5u);
  EXPECT_EQ(p.payload, frame_.data() + 54);  // points into the frame: nothing is copied
  EXPECT_TRUE(p.transport_ok);
  EXPECT_FALSE(p.checksum_bad);
  EXPECT_EQ(p.tunnel_depth, 0);
  EXPECT_TRUE(why.empty());
}

TEST_F(DecoderTest, Ipv4AndTcpOptionsMoveThePayload) {
  Ip4 h{.proto = 6, .options = {0x94, 0x04, 0, 0}};  // router alert
  Tcp t{.sp = 5, .dp = 6, .flags = tcp_flag::kSyn, .payload = text("xyz")};
  t.options = {2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};  // MSS, SACK ok, window scale
  const Bytes f = ethernet(ipv4(h, tcp(t)));
  ASSERT_EQ(decode(f), Result::ok) << why;
  EXPECT_EQ(layer().ip_len, 24u + 32u + 3u);
  EXPECT_EQ(layer().payload_len, 3u);
  EXPECT_EQ(payload(), "xyz");
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(DecoderTest, TcpDataOffsetIsValidated) {
  Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.payload = text("abcdefgh")})));
  f[14 + 20 + 12] = 0x40;  // 16 bytes: below the minimum
  EXPECT_EQ(decode_lenient(f), Result::malformed);
  EXPECT_EQ(why, "TCP data offset below 20 bytes");
  f[14 + 20 + 12] = 0xf0;  // 60 bytes: more than the segment has
  EXPECT_EQ(decode_lenient(f), Result::malformed);
  EXPECT_EQ(why, "TCP options truncated");
}

TEST_F(DecoderTest, UdpCountsItsLengthFieldAsZeekDoes) {
  Bytes l4 = udp(40000, 53, text("0123456789"));
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.9", 17, l4))), Result::ok) << why;
  EXPECT_EQ(layer().src_port, 40000);
  EXPECT_EQ(layer().dst_port, 53);
  EXPECT_EQ(layer().payload_len, 10u);
  EXPECT_EQ(payload(), "0123456789");
  // A UDP length shorter than the IP payload: Zeek's orig_bytes follow the UDP field.
  l4[5] = 8 + 4;
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.9", 17, l4))), Result::ok) << why;
  EXPECT_EQ(layer().payload_len, 4u);
  EXPECT_EQ(payload(), "0123");
  EXPECT_EQ(layer().ip_len, 38u);
}

TEST_F(DecoderTest, IcmpTypeAndCodeAlsoFillThePorts) {
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(3, 13, text("original"))))),
            Result::ok)
      << why;
  EXPECT_EQ(layer().icmp_type, 3);
  EXPECT_EQ(layer().icmp_code, 13);
  EXPECT_EQ(layer().src_port, 3);
  EXPECT_EQ(layer().dst_port, 13);
  EXPECT_EQ(layer().payload_len, 8u);
  EXPECT_EQ(payload(), "original");
  EXPECT_FALSE(layer().checksum_bad);
  ASSERT_EQ(decode(ethernet(ipv6("fe80::1", "ff02::1", 58, icmp(128, 0)))), Result::ok) << why;
  EXPECT_EQ(layer().ip_proto, 58);
  EXPECT_EQ(layer().icmp_type, 128);
  EXPECT_EQ(layer().src_port, 128);
  EXPECT_EQ(layer().dst_port, 0);
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(DecoderTest, OtherProtocolsAreConnectionsWithoutPorts) {
  const Bytes sctp = text("SCTP-common-header-and-chunks");
  ASSERT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 132, sctp))), Result::ok) << why;
  EXPECT_EQ(layer().ip_proto, 132);
  EXPECT_EQ(layer().src_port, 0);
  EXPECT_EQ(layer().dst_port, 0);
  EXPECT_TRUE(layer().transport_ok);
  EXPECT_EQ(layer().payload_len, sctp.size());
  EXPECT_EQ(layer().ip_len, 20u + sctp.size());
}

TEST_F(DecoderTest, EspIgmpAndNoNextHeaderMakeNoConnection) {
  const Bytes igmp_report = {0x16, 0, 0xfa, 0x04, 239, 1, 2, 3};
  EXPECT_EQ(decode(ethernet(ipv4("10.0.0.1", "239.1.2.3", 2, igmp_report))), Result::not_ip);
  EXPECT_EQ(decode(ethernet(ipv4("10.0.0.1", "10.0.0.2", 50, Bytes(40, 7)))), Result::not_ip);
  EXPECT_EQ(decode(ethernet(ipv6("2001:db8::1", "2001:db8::2", 50, Bytes(40, 7)))), Result::not_ip);
  Ip6 esp_after_hop{.proto = 50, .ext = {{0, {}}}};
  EXPECT_EQ(decode(ethernet(ipv6(esp_after_hop, Bytes(24, 1)))), Result::not_ip);
  EXPECT_EQ(decode(ethernet(ipv6("2001:db8::1", "2001:db8::2", 59, {}))), Result::malformed);
  EXPECT_EQ(why, "IP packet without a next header");
}

TEST_F(DecoderTest, Ipv6ExtensionHeaderChainIsWalked) {
  // Hop-by-hop, destination options, a routing header with no segments left, and AH.
  Ip6 h{.proto = 6,
        .ext = {{0, {5, 2, 0, 0}},  // router alert option
                {60, {}},
                {43, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
                {51, {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}}};
  h.ext[2].body[0] = 0;  // routing type 0
  h.ext[2].body[1] = 0;  // segments left 0: the fixed destination stands
  const Bytes ip = ipv6(h, tcp({.sp = 40000, .dp = 443, .payload = text("hi")}));
  ASSERT_EQ(decode(ethernet(ip)), Result::ok) << why;
  const DecodedPacket& p = layer();
  EXPECT_EQ(p.ip_proto, 6);
  EXPECT_EQ(p.dst_port, 443);
  EXPECT_EQ(p.ip_len, ip.size());
  EXPECT_EQ(p.payload_len, 2u);
  EXPECT_EQ(payload(), "hi");
  EXPECT_EQ(p.dst.to_string(), "2001:db8::2");
  EXPECT_FALSE(p.checksum_bad);
}

TEST_F(DecoderTest, RoutingHeaderFinalDestinationIsTheConnectionsAddress) {
  // Mobile IPv6 type 2 routing header, one segment left: the home address is where it goes.
  Bytes rh = {2, 1, 0, 0, 0, 0};
  const auto home = v6("2001:db8:ffff::99");
  rh.insert(rh.end(), home.begin(), home.end());
  Ip6 h{.src = "2001:db8::1",
        .dst = "2001:db8::2",
        .proto = 17,
        .ext = {{43, rh}},
        .checksum_dst = "2001:db8:ffff::99"};
  ASSERT_EQ(decode(ethernet(ipv6(h, udp(1, 2, text("x"))))), Result::ok) << why;
  EXPECT_EQ(layer().dst.to_string(), "2001:db8:ffff::99");
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(DecoderTest, SnapLengthKeepsHeadersAndTrueLengths) {
  const Bytes f =
      ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.flags = 0x18, .payload = Bytes(100, 'p')})));
  ASSERT_EQ(decode_cut(f, 54 + 10), Result::ok) << why;
  EXPECT_EQ(layer().ip_len, 140u);
  EXPECT_EQ(layer().payload_len, 100u);
  EXPECT_EQ(layer().payload_caplen, 10u);
  EXPECT_EQ(payload(), std::string(10, 'p'));
  EXPECT_TRUE(layer().transport_ok);
  EXPECT_FALSE(layer().checksum_bad);  // not judged: the segment was not captured whole
  // Cut inside the TCP header: no usable transport.
  EXPECT_EQ(decode_cut(f, 14 + 20 + 12), Result::malformed);
  EXPECT_EQ(why, "TCP header truncated");
  // Cut inside the IP header.
  EXPECT_EQ(decode_cut(f, 14 + 12), Result::malformed);
  EXPECT_EQ(why, "IPv4 header truncated");
}

TEST_F(DecoderTest, SnapLengthWithUdpAndIpv6) {
  const Bytes f = ethernet(ipv6("2001:db8::1", "2001:db8::2", 17, udp(1000, 2000, Bytes(50, 1))));
  ASSERT_EQ(decode_cut(f, 14 + 40 + 8 + 4), Result::ok) << why;
  EXPECT_EQ(layer().payload_len, 50u);
  EXPECT_EQ(layer().payload_caplen, 4u);
  EXPECT_EQ(layer().ip_len, 98u);
}

TEST_F(DecoderTest, IpLongerThanTheFrameOnTheWireIsMalformed) {
  Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, Bytes(10, 0))));
  f.resize(f.size() - 4);  // wire and capture both end early
  EXPECT_EQ(decode(f), Result::malformed);
  EXPECT_EQ(why, "IPv4 total length exceeds the frame");
  Bytes g = ethernet(ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, Bytes(10, 0))));
  g.resize(g.size() - 1);
  EXPECT_EQ(decode(g), Result::malformed);
  EXPECT_EQ(why, "IPv6 payload length exceeds the frame");
}

TEST_F(DecoderTest, EthernetPaddingIsNotPayload) {
  Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(7, 9, text("ab"))));
  f.resize(60, 0xee);  // minimum Ethernet frame
  ASSERT_EQ(decode(f), Result::ok) << why;
  EXPECT_EQ(layer().ip_len, 30u);
  EXPECT_EQ(layer().payload_len, 2u);
  EXPECT_EQ(layer().payload_caplen, 2u);
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(DecoderTest, ZeroIpv4LengthFromSegmentationOffload) {
  Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.payload = Bytes(30, 'z')})));
  f[16] = f[17] = 0;
  EXPECT_EQ(decode(f), Result::malformed);  // verifying: Zeek drops it
  EXPECT_EQ(why, "IPv4 total length is zero");
  ASSERT_EQ(decode_lenient(f), Result::ok) << why;
  EXPECT_EQ(layer().ip_len, 0u);  // what the header says, which is what Zeek counts
  EXPECT_EQ(layer().payload_len, 30u);
  EXPECT_EQ(layer().payload_caplen, 30u);
}

TEST_F(DecoderTest, MalformedIpv4Headers) {
  const Bytes good = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, text("data"))));
  Bytes f = good;
  f[14] = 0x44;  // IHL 16 bytes
  EXPECT_EQ(decode_lenient(f), Result::malformed);
  EXPECT_EQ(why, "IPv4 header length below 20 bytes");
  f = good;
  f[14] = 0x4f;  // IHL 60 bytes, more than the packet
  EXPECT_EQ(decode_lenient(f), Result::malformed);
  EXPECT_EQ(why, "IPv4 header length exceeds the total length");
  f = good;
  f[17] = 10;  // total length below the header
  EXPECT_EQ(decode_lenient(f), Result::malformed);
  EXPECT_EQ(why, "IPv4 header length exceeds the total length");
}

TEST_F(DecoderTest, BadIpv4HeaderChecksumDropsThePacketOnlyWhenVerifying) {
  Bytes f = ethernet(ipv4("192.168.1.3", "1.2.3.4", 6, tcp({})));
  f[14 + 10] ^= 0xff;
  EXPECT_EQ(decode(f), Result::malformed);
  EXPECT_EQ(why, "bad IPv4 header checksum");
  EXPECT_EQ(decode_lenient(f), Result::ok);
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(DecoderTest, TransportChecksumsAreJudgedOnlyWhenVerifying) {
  struct Case {
    const char* name;
    Bytes ip;
  };
  const std::vector<Case> cases = {
      {"tcp4", ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.payload = text("abc")}))},
      {"udp4", ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, text("abc")))},
      {"icmp4", ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, text("abc")))},
      {"tcp6", ipv6("2001:db8::1", "2001:db8::2", 6, tcp({.payload = text("abc")}))},
      {"udp6", ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, text("abc")))},
      {"icmp6", ipv6("2001:db8::1", "2001:db8::2", 58, icmp(128, 0, text("abc")))},
  };
  for (const Case& c : cases) {
    Bytes f = ethernet(c.ip);
    ASSERT_EQ(decode(f), Result::ok) << c.name << ": " << why;
    EXPECT_FALSE(layer().checksum_bad) << c.name;
    f.back() ^= 0x5a;  // corrupt the last payload byte
    ASSERT_EQ(decode(f), Result::ok) << c.name;
    EXPECT_TRUE(layer().checksum_bad) << c.name;
    ASSERT_EQ(decode_lenient(f), Result::ok) << c.name;
    EXPECT_FALSE(layer().checksum_bad) << c.name;
  }
}

TEST_F(DecoderTest, ZeroUdpChecksumMeansNoneOverIpv4Only) {
  Bytes f4 = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, text("abc"))));
  f4[14 + 20 + 6] = f4[14 + 20 + 7] = 0;
  ASSERT_EQ(decode(f4), Result::ok);
  EXPECT_FALSE(layer().checksum_bad);
  Bytes f6 = ethernet(ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, text("abc"))));
  f6[14 + 40 + 6] = f6[14 + 40 + 7] = 0;
  ASSERT_EQ(decode(f6), Result::ok);
  EXPECT_TRUE(layer().checksum_bad);  // mandatory over IPv6
}

// Every prefix of every frame: no crash (the sanitizer builds watch the reads), and below the
// transport header the result is malformed with a reason; from there on the packet decodes.
TEST_F(DecoderTest, EveryTruncationIsMalformedWithAReasonNeverACrash) {
  struct Case {
    const char* name;
    Bytes frame;
    size_t headers;  // bytes up to the end of the transport header
  };
  const std::vector<Case> cases = {
      {"eth/ipv4/tcp", ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.payload = text("hi")}))), 54},
      {"eth/ipv6/udp", ethernet(ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, text("hi")))), 62},
      {"vlan/ipv4/icmp",
       tagged({tag(0x8100, 3)}, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, text("hi")))),
       46},
      {"eth/ipv6+hop/tcp",
       ethernet(ipv6(Ip6{.proto = 6, .ext = {{0, {}}}}, tcp({.payload = text("hi")}))), 82},
  };
  for (const Case& c : cases) {
    for (size_t cut = 0; cut <= c.frame.size(); ++cut) {
      const Result r = decode_cut(c.frame, cut);
      if (cut < c.headers) {
        EXPECT_EQ(r, Result::malformed) << c.name << " cut " << cut;
        EXPECT_FALSE(why.empty()) << c.name << " cut " << cut;
      } else {
        ASSERT_EQ(r, Result::ok) << c.name << " cut " << cut << ": " << why;
        EXPECT_EQ(layer().payload_caplen, cut - c.headers) << c.name;
        EXPECT_EQ(layer().payload_len, 2u) << c.name;
      }
    }
  }
}

// The same, but the frame really ends there (capture and wire alike): lengths in the headers
// now promise more than there is.
TEST_F(DecoderTest, FramesEndingEarlyAreMalformed) {
  const Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 6, tcp({.payload = text("hello")})));
  for (size_t cut = 0; cut < f.size(); ++cut) {
    const Bytes part(f.begin(), f.begin() + long(cut));
    EXPECT_EQ(decode(part), Result::malformed) << cut;
    EXPECT_FALSE(why.empty()) << cut;
  }
}

TEST_F(DecoderTest, LayersAndPayloadStayValidUntilTheNextCall) {
  const Bytes f = ethernet(ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, text("kept"))));
  ASSERT_EQ(decode(f), Result::ok);
  EXPECT_EQ(layers.count, 1);
  EXPECT_EQ(decode(ethernet(Bytes(28, 0), 0x0806)), Result::not_ip);
  EXPECT_EQ(layers.count, 0);  // a call that yields nothing leaves no stale layers
}

// The prefetch hint's quick read of a frame names the connection decode() would file the packet
// under, or declines.
TEST_F(DecoderTest, PeekedFlowKeyMatchesTheDecodedPacket) {
  const Bytes plain = ethernet(
      ipv4("192.168.1.3", "206.142.53.27", 6, tcp({.sp = 1100, .dp = 443, .payload = text("x")})));
  const Bytes tagged_udp =
      tagged({tag(0x8100, 7)}, 0x0800, ipv4("10.1.2.3", "10.9.8.7", 17, udp(5353, 53, text("q"))));
  for (const Bytes* f : {&plain, &tagged_udp}) {
    FlowKey key;
    ASSERT_TRUE(peek_flow_key(f->data(), uint32_t(f->size()), kLinkEthernet, key));
    ASSERT_EQ(decode(*f), Result::ok) << why;
    const DecodedPacket& p = layer();
    EXPECT_EQ(key.src, p.src);
    EXPECT_EQ(key.dst, p.dst);
    EXPECT_EQ(key.src_port, p.src_port);
    EXPECT_EQ(key.dst_port, p.dst_port);
    EXPECT_EQ(key.proto, p.ip_proto);
  }
  FlowKey key;
  const Bytes fragment =
      ethernet(ipv4(Ip4{.proto = 17, .frag = 0x2000}, udp(1, 2, text("first half"))));
  EXPECT_FALSE(peek_flow_key(fragment.data(), uint32_t(fragment.size()), kLinkEthernet, key));
  const Bytes v6 = ethernet(ipv6("2001:db8::1", "2001:db8::2", 6, tcp({.sp = 1, .dp = 2})));
  EXPECT_FALSE(peek_flow_key(v6.data(), uint32_t(v6.size()), kLinkEthernet, key));
  const Bytes ping = ethernet(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0)));
  EXPECT_FALSE(peek_flow_key(ping.data(), uint32_t(ping.size()), kLinkEthernet, key));
  EXPECT_FALSE(peek_flow_key(plain.data(), 14 + 20 + 2, kLinkEthernet, key));  // cut short
}

}  // namespace
}  // namespace callhome
