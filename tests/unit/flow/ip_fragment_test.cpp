// Fragment reassembly, through the decoder and on the reassembler itself: out of order
// delivery, overlaps (first data wins), IPv6 extension headers around the fragment header,
// timeouts, keys, memory bounds and incompletely captured fragments.
#include <gtest/gtest.h>

#include "decoder_fixture.h"
#include "flow/ip_reassembly.h"

namespace callhome {
namespace {
using namespace test_frames;

class FragmentTest : public DecoderFixture {
 protected:
  // A UDP datagram whose checksum covers the whole, to be cut into fragments.
  Bytes datagram(const char* src, const char* dst, const Bytes& payload) {
    Bytes l4 = udp(4000, 4001, payload);
    const auto s = v4(src), d = v4(dst);
    fill_checksum(l4, 17, s.data(), d.data(), 4);
    return l4;
  }
  // One IPv4 fragment carrying l4[off, off+len).
  Bytes frag4(const Bytes& l4, size_t off, size_t len, bool more, uint16_t id = 99,
              const char* src = "10.1.1.1", uint8_t proto = 17, uint8_t ttl = 64) {
    Ip4 h{.src = src, .dst = "10.2.2.2", .proto = proto, .id = id, .ttl = ttl};
    h.frag = uint16_t((more ? 0x2000 : 0) | off / 8);
    h.fill_transport_checksum = false;
    (void)l4.at(off + len - 1);  // a test that cuts beyond its datagram throws
    return ethernet(ipv4(h, Bytes(l4.begin() + long(off), l4.begin() + long(off + len))));
  }
};

TEST_F(FragmentTest, ThreeIpv4FragmentsOutOfOrderMakeOnePacket) {
  Bytes data;
  for (int i = 0; i < 40; ++i) data.push_back(uint8_t('A' + i % 26));
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", data);  // 48 bytes
  EXPECT_EQ(decode(frag4(l4, 32, 16, false)), Result::fragment_held);
  EXPECT_EQ(layers.count, 0);
  EXPECT_EQ(decode(frag4(l4, 0, 16, true)), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 16, 16, true)), Result::ok) << why;
  ASSERT_EQ(layers.count, 1);
  const DecodedPacket& p = layer();
  EXPECT_EQ(p.ip_len, 68u);
  EXPECT_EQ(p.src.to_string(), "10.1.1.1");
  EXPECT_EQ(p.dst.to_string(), "10.2.2.2");
  EXPECT_EQ(p.src_port, 4000);
  EXPECT_EQ(p.dst_port, 4001);
  EXPECT_EQ(p.payload_len, 40u);
  EXPECT_EQ(payload(), std::string(data.begin(), data.end()));
  EXPECT_FALSE(p.checksum_bad);  // the checksum covers the reassembled datagram
  EXPECT_EQ(p.tunnel_depth, 0);
}

TEST_F(FragmentTest, ChecksumOfTheReassembledDatagramIsJudged) {
  Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'q'));
  l4.back() ^= 1;
  EXPECT_EQ(decode(frag4(l4, 0, 16, true)), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 16, 16, false)), Result::ok);
  EXPECT_TRUE(layer().checksum_bad);
}

TEST_F(FragmentTest, OverlapsKeepTheDataThatCameFirst) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'o'));  // 32 bytes
  Bytes other = l4;
  for (size_t i = 8; i < 24; ++i) other[i] = 'X';
  // Original [0,16) first, then [8,24) of X: only [16,24) is new.
  EXPECT_EQ(decode_lenient(frag4(l4, 0, 16, true, 1)), Result::fragment_held);
  EXPECT_EQ(decode_lenient(frag4(other, 8, 16, true, 1)), Result::fragment_held);
  ASSERT_EQ(decode_lenient(frag4(l4, 24, 8, false, 1)), Result::ok);
  EXPECT_EQ(payload(), std::string(8, 'o') + std::string(8, 'X') + std::string(8, 'o'));
  // The other way round: the X bytes came first and stay.
  EXPECT_EQ(decode_lenient(frag4(other, 8, 16, true, 2)), Result::fragment_held);
  EXPECT_EQ(decode_lenient(frag4(l4, 0, 16, true, 2)), Result::fragment_held);
  ASSERT_EQ(decode_lenient(frag4(l4, 24, 8, false, 2)), Result::ok);
  EXPECT_EQ(payload(), std::string(16, 'X') + std::string(8, 'o'));
}

TEST_F(FragmentTest, ADatagramCompletesOnce) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'd'));
  EXPECT_EQ(decode(frag4(l4, 0, 16, true)), Result::fragment_held);
  EXPECT_EQ(decode(frag4(l4, 0, 16, true)), Result::fragment_held);  // a duplicate
  ASSERT_EQ(decode(frag4(l4, 16, 16, false)), Result::ok);
  // Its fragments again start a new datagram.
  EXPECT_EQ(decode(frag4(l4, 16, 16, false)), Result::fragment_held);
}

TEST_F(FragmentTest, HeaderOfTheFirstArrivingFragmentHeadsTheDatagram) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 't'));
  EXPECT_EQ(decode(frag4(l4, 16, 16, false, 7, "10.1.1.1", 17, 10)), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 0, 16, true, 7, "10.1.1.1", 17, 20)), Result::ok);
  EXPECT_EQ(layer().ttl, 10);  // as in Zeek
}

TEST_F(FragmentTest, KeysSeparateDatagrams) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'k'));
  EXPECT_EQ(decode(frag4(l4, 0, 16, true, 5, "10.1.1.1")), Result::fragment_held);
  EXPECT_EQ(decode(frag4(l4, 16, 16, false, 5, "10.9.9.9")), Result::fragment_held);  // source
  EXPECT_EQ(decode(frag4(l4, 16, 16, false, 6, "10.1.1.1")), Result::fragment_held);  // id
  EXPECT_EQ(decode(frag4(l4, 16, 16, false, 5, "10.1.1.1", 132)), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 16, 16, false, 5, "10.1.1.1")), Result::ok);
}

TEST_F(FragmentTest, FragmentsOlderThanThirtySecondsAreDropped) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'e'));
  EXPECT_EQ(decode(frag4(l4, 0, 16, true), kLinkEthernet, 100.0), Result::fragment_held);
  EXPECT_EQ(decode(frag4(l4, 16, 16, false), kLinkEthernet, 130.5), Result::fragment_held);
  // The first fragment expired; the last one started over and pairs with a new first.
  ASSERT_EQ(decode(frag4(l4, 0, 16, true), kLinkEthernet, 131.0), Result::ok);
  EXPECT_EQ(decode(frag4(l4, 0, 16, true), kLinkEthernet, 200.0), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 16, 16, false), kLinkEthernet, 229.9), Result::ok);
}

// D14: datagrams whose fragments never all came are counted, with their fragments, whether
// they were given up on after the timeout or are still waiting at the end.
TEST_F(FragmentTest, DatagramsNeverCompletedAreCounted) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(40, 'n'));  // 48 bytes
  EXPECT_EQ(verifying.incomplete().datagrams, 0u);
  EXPECT_EQ(decode(frag4(l4, 0, 16, true, 1), kLinkEthernet, 100.0), Result::fragment_held);
  EXPECT_EQ(decode(frag4(l4, 16, 16, true, 1), kLinkEthernet, 100.1), Result::fragment_held);
  // Forty seconds later the first is given up on; a second one waits at the end.
  EXPECT_EQ(decode(frag4(l4, 0, 16, true, 2), kLinkEthernet, 140.0), Result::fragment_held);
  // A third completes and is not counted.
  EXPECT_EQ(decode(frag4(l4, 0, 24, true, 3), kLinkEthernet, 140.0), Result::fragment_held);
  ASSERT_EQ(decode(frag4(l4, 24, 24, false, 3), kLinkEthernet, 140.0), Result::ok);
  const auto lost = verifying.incomplete();
  EXPECT_EQ(lost.datagrams, 2u);
  EXPECT_EQ(lost.fragments, 3u);

  InputReport report;
  report.records = 5;
  verifying.report_incomplete(report);
  EXPECT_EQ(report.rejected, 3u);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].what,
            "2 fragmented IP datagrams were never completed; their 3 fragment packets could not "
            "be used (counted as rejected)");
  InputReport clean;
  lenient.report_incomplete(clean);
  EXPECT_EQ(clean.rejected, 0u);
  EXPECT_TRUE(clean.problems.empty());
}

TEST_F(FragmentTest, IncompletelyCapturedFragments) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(40, 'c'));
  const Bytes second = frag4(l4, 24, 24, false);
  EXPECT_EQ(decode_cut(second, second.size() - 4), Result::malformed);
  EXPECT_EQ(why, "IP fragment incompletely captured");
  // A first fragment cut by the snap length is analysed as it is, as Zeek does.
  const Bytes first = frag4(l4, 0, 24, true);
  ASSERT_EQ(decode_cut(first, first.size() - 4), Result::ok) << why;
  EXPECT_EQ(layer().ip_len, 44u);
  EXPECT_EQ(layer().src_port, 4000);
  EXPECT_EQ(layer().payload_len, 40u);  // the UDP length field speaks for the datagram
  EXPECT_EQ(layer().payload_caplen, 12u);
}

TEST_F(FragmentTest, FragmentsBeyondSixtyFourKibAreRefused) {
  Ip4 h{.src = "10.1.1.1", .dst = "10.2.2.2", .proto = 17, .id = 3};
  h.frag = 8189;  // offset 65512
  h.fill_transport_checksum = false;
  EXPECT_EQ(decode(ethernet(ipv4(h, Bytes(100, 0)))), Result::malformed);
  EXPECT_EQ(why, "IP fragment reaches beyond 64 KiB");
}

// IPv6: hop-by-hop options before the fragment header stay in every fragment; destination
// options after it belong to the fragmentable part and are walked after reassembly.
class Ipv6FragmentTest : public FragmentTest {
 protected:
  Bytes fragmentable;  // destination options + UDP
  void SetUp() override {
    Bytes l4 = udp(5000, 6000, text("IPv6 fragments reassembled into one datagram!!"));
    const auto s = v6("2001:db8::a"), d = v6("2001:db8::b");
    fill_checksum(l4, 17, s.data(), d.data(), 16);
    fragmentable = cat({ext_header(60, 17, {}), l4});  // 8 + 8 + 46 = 62 bytes
    ASSERT_EQ(fragmentable.size(), 62u);
  }
  Bytes frag6(size_t off, size_t len, bool more, uint32_t id = 0x01020304) {
    Ip6 h{.src = "2001:db8::a", .dst = "2001:db8::b", .proto = 60};
    h.ext = {{0, {}}, {44, fragment_body(uint16_t(off), more, id)}};
    h.fill_transport_checksum = false;
    return ethernet(
        ipv6(h, Bytes(fragmentable.begin() + long(off), fragmentable.begin() + long(off + len))));
  }
};

TEST_F(Ipv6FragmentTest, ReassembledAroundExtensionHeaders) {
  EXPECT_EQ(decode(frag6(48, 14, false)), Result::fragment_held);
  EXPECT_EQ(decode(frag6(0, 24, true)), Result::fragment_held);
  ASSERT_EQ(decode(frag6(24, 24, true)), Result::ok) << why;
  const DecodedPacket& p = layer();
  EXPECT_EQ(p.ip_version, 6);
  EXPECT_EQ(p.ip_proto, 17);
  EXPECT_EQ(p.ip_len, 40u + 8u + 62u);  // the fragment header is gone, as in Zeek
  EXPECT_EQ(p.src_port, 5000);
  EXPECT_EQ(p.dst_port, 6000);
  EXPECT_EQ(payload(), "IPv6 fragments reassembled into one datagram!!");
  EXPECT_FALSE(p.checksum_bad);
}

TEST_F(Ipv6FragmentTest, AtomicFragmentIsADatagramOfItsOwn) {
  ASSERT_EQ(decode(frag6(0, fragmentable.size(), false)), Result::ok) << why;
  EXPECT_EQ(layer().ip_proto, 17);
  EXPECT_EQ(layer().ip_len, 40u + 8u + 62u);
  EXPECT_FALSE(layer().checksum_bad);
}

TEST_F(Ipv6FragmentTest, IdentificationSeparatesDatagrams) {
  EXPECT_EQ(decode(frag6(0, 24, true, 1)), Result::fragment_held);
  EXPECT_EQ(decode(frag6(24, 38, false, 2)), Result::fragment_held);
  ASSERT_EQ(decode(frag6(24, 38, false, 1)), Result::ok);
}

TEST_F(FragmentTest, FragmentsInsideATunnelAreReassembledThere) {
  const Bytes l4 = datagram("10.1.1.1", "10.2.2.2", Bytes(24, 'g'));
  auto in_gre = [&](size_t off, size_t len, bool more) {
    Ip4 h{.src = "10.1.1.1", .dst = "10.2.2.2", .proto = 17, .id = 11};
    h.frag = uint16_t((more ? 0x2000 : 0) | off / 8);
    h.fill_transport_checksum = false;
    const Bytes inner = ipv4(h, Bytes(l4.begin() + long(off), l4.begin() + long(off + len)));
    return ethernet(ipv4("192.0.2.1", "192.0.2.2", 47, gre(0x0800, inner)));
  };
  EXPECT_EQ(decode(in_gre(16, 16, false)), Result::fragment_held);
  ASSERT_EQ(decode(in_gre(0, 16, true)), Result::ok) << why;
  ASSERT_EQ(layers.count, 1);
  EXPECT_EQ(layer().tunnel_depth, 1);
  EXPECT_EQ(layer().ip_len, 52u);
  EXPECT_EQ(layer().src.to_string(), "10.1.1.1");
}

// The reassembler on its own.
Fragment piece(uint32_t id, uint32_t offset, uint32_t len, bool more, double ts,
               const std::vector<uint8_t>& header, const std::vector<uint8_t>& data) {
  Fragment f;
  f.version = 4;
  f.src = Address::v4(0x0a000001);
  f.dst = Address::v4(0x0a000002);
  f.id = id;
  f.proto = 17;
  f.header = header.data();
  f.header_len = uint32_t(header.size());
  f.offset = offset;
  f.more = more;
  f.payload = data.data() + offset;
  f.payload_len = len;
  f.ts = ts;
  return f;
}

TEST(FragmentReassemblerTest, EvictsTheOldestBeyondMaxPending) {
  IpReassembler r(IpReassembler::Limits{.max_pending = 2});
  const std::vector<uint8_t> header(20, 0x45), data(64, 0xd0);
  std::vector<uint8_t> out;
  for (uint32_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(r.add(piece(id, 0, 16, true, id, header, data), out), IpReassembler::Add::held);
  }
  EXPECT_EQ(r.pending(), 2u);
  EXPECT_EQ(r.dropped(), 1u);
  // Datagram 1 was evicted: its last fragment starts over (evicting datagram 2).
  EXPECT_EQ(r.add(piece(1, 16, 16, false, 4, header, data), out), IpReassembler::Add::held);
  EXPECT_EQ(r.add(piece(3, 16, 16, false, 5, header, data), out), IpReassembler::Add::complete);
  ASSERT_EQ(out.size(), 20u + 32u);
  EXPECT_EQ(out[2], 0);
  EXPECT_EQ(out[3], 52);  // total length set
  EXPECT_EQ(r.pending(), 1u);
}

TEST(FragmentReassemblerTest, ByteBudgetEvictsTheOldest) {
  IpReassembler r(IpReassembler::Limits{.max_bytes = 200});
  const std::vector<uint8_t> header(20, 0x45), data(256, 1);
  std::vector<uint8_t> out;
  EXPECT_EQ(r.add(piece(1, 0, 96, true, 1, header, data), out), IpReassembler::Add::held);
  EXPECT_EQ(r.bytes_held(), 116u);
  EXPECT_EQ(r.add(piece(2, 0, 96, true, 2, header, data), out), IpReassembler::Add::held);
  EXPECT_EQ(r.pending(), 1u);  // datagram 1 made way
  EXPECT_EQ(r.bytes_held(), 116u);
  EXPECT_EQ(r.dropped(), 1u);
}

TEST(FragmentReassemblerTest, AMiddleFragmentBeyondTheLastExtendsTheDatagram) {
  IpReassembler r;
  const std::vector<uint8_t> header(20, 0x45);
  std::vector<uint8_t> data(64);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i);
  std::vector<uint8_t> out;
  EXPECT_EQ(r.add(piece(9, 8, 8, false, 1, header, data), out), IpReassembler::Add::held);
  EXPECT_EQ(r.add(piece(9, 8, 16, true, 1, header, data), out), IpReassembler::Add::held);
  ASSERT_EQ(r.add(piece(9, 0, 8, true, 1, header, data), out), IpReassembler::Add::complete);
  ASSERT_EQ(out.size(), 20u + 24u);  // what runs contiguously from the start, as Zeek takes it
  for (size_t i = 0; i < 24; ++i) EXPECT_EQ(out[20 + i], uint8_t(i)) << i;
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_EQ(r.bytes_held(), 0u);
}

TEST(FragmentReassemblerTest, ManyCompletedDatagramsLeaveNothingBehind) {
  IpReassembler r;
  const std::vector<uint8_t> header(20, 0x45), data(32, 2);
  std::vector<uint8_t> out;
  for (uint32_t id = 0; id < 20000; ++id) {
    ASSERT_EQ(r.add(piece(id, 16, 16, false, 1.0, header, data), out), IpReassembler::Add::held);
    ASSERT_EQ(r.add(piece(id, 0, 16, true, 1.0, header, data), out), IpReassembler::Add::complete);
  }
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_EQ(r.bytes_held(), 0u);
  EXPECT_EQ(r.dropped(), 0u);
}

}  // namespace
}  // namespace callhome
