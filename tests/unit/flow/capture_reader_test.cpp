#include "flow/capture_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <string>

namespace callhome {
namespace {

struct Writer {
  std::string out;
  bool big;
  explicit Writer(bool big_endian) : big(big_endian) {}
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char(big ? v >> (24 - 8 * i) : v >> (8 * i)));
  }
  void u16(uint16_t v) {
    for (int i = 0; i < 2; ++i) out.push_back(char(big ? v >> (8 - 8 * i) : v >> (8 * i)));
  }
  void bytes(const std::string& s) { out += s; }
};

std::string pcap(bool big, bool nano, uint32_t linktype,
                 const std::vector<std::pair<double, std::string>>& packets) {
  Writer w(big);
  w.u32(nano ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2);
  w.u16(4);
  w.u32(0);
  w.u32(0);
  w.u32(65535);
  w.u32(linktype);
  for (const auto& [ts, data] : packets) {
    w.u32(uint32_t(ts));
    w.u32(uint32_t(std::llround((ts - uint32_t(ts)) * (nano ? 1e9 : 1e6))));
    w.u32(uint32_t(data.size()));
    w.u32(uint32_t(data.size() + 10));
    w.bytes(data);
  }
  return w.out;
}

std::vector<RawPacket> read_all(const std::string& bytes, InputReport& report,
                                std::vector<std::string>* payloads = nullptr) {
  auto src = ByteSource::from_memory(bytes);
  std::string error;
  auto reader = CaptureReader::open(*src, report, &error);
  EXPECT_TRUE(reader) << error;
  std::vector<RawPacket> out;
  if (!reader) return out;
  RawPacket p;
  while (reader->next(p)) {
    out.push_back(p);
    if (payloads) payloads->emplace_back(reinterpret_cast<const char*>(p.data), p.caplen);
  }
  return out;
}

TEST(CaptureReader, PcapBothByteOrdersAndResolutions) {
  for (bool big : {false, true}) {
    for (bool nano : {false, true}) {
      InputReport report;
      std::vector<std::string> data;
      auto packets = read_all(pcap(big, nano, 1, {{990021480.25, "abc"}, {990021481.5, "defgh"}}),
                              report, &data);
      ASSERT_EQ(packets.size(), 2u) << big << nano;
      EXPECT_DOUBLE_EQ(packets[0].ts, 990021480.25);
      EXPECT_EQ(packets[1].number, 2u);
      EXPECT_EQ(packets[1].caplen, 5u);
      EXPECT_EQ(packets[1].wirelen, 15u);
      EXPECT_EQ(packets[1].linktype, 1u);
      EXPECT_EQ(data[1], "defgh");
      EXPECT_EQ(report.rejected, 0u);
    }
  }
}

TEST(CaptureReader, TruncatedLastRecordIsReportedAndEarlierPacketsKept) {
  std::string file = pcap(false, false, 1, {{1, "first"}, {2, "second packet"}});
  file.resize(file.size() - 4);
  InputReport report;
  auto packets = read_all(file, report);
  EXPECT_EQ(packets.size(), 1u);
  EXPECT_EQ(report.rejected, 1u);
  ASSERT_FALSE(report.problems.empty());
  EXPECT_EQ(report.problems[0].ref, 2u);
  EXPECT_NE(report.problems[0].what.find("truncated"), std::string::npos);
}

TEST(CaptureReader, AbsurdRecordLengthStopsWithAReason) {
  std::string file = pcap(false, false, 1, {{1, "ok"}});
  Writer w(false);
  w.u32(2);
  w.u32(0);
  w.u32(0x7fffffff);
  w.u32(0x7fffffff);
  file += w.out + "garbage";
  InputReport report;
  EXPECT_EQ(read_all(file, report).size(), 1u);
  EXPECT_NE(report.problems.at(0).what.find("not plausible"), std::string::npos);
}

std::string block(Writer& w, uint32_t type, const std::string& body) {
  std::string padded = body;
  while (padded.size() % 4) padded.push_back('\0');
  Writer b(w.big);
  b.u32(type);
  b.u32(uint32_t(12 + padded.size()));
  b.bytes(padded);
  b.u32(uint32_t(12 + padded.size()));
  return b.out;
}

std::string pcapng_file(bool big) {
  Writer w(big);
  Writer shb(big);
  shb.u32(0x1a2b3c4d);
  shb.u16(1);
  shb.u16(0);
  shb.u32(0xffffffff);
  shb.u32(0xffffffff);
  std::string out = block(w, 0x0a0d0d0a, shb.out);
  Writer idb0(big);  // Ethernet, microseconds
  idb0.u16(1);
  idb0.u16(0);
  idb0.u32(0);
  out += block(w, 1, idb0.out);
  Writer idb1(big);  // raw IP, nanoseconds (if_tsresol 9)
  idb1.u16(101);
  idb1.u16(0);
  idb1.u32(0);
  idb1.u16(9);
  idb1.u16(1);
  idb1.bytes(std::string("\x09\0\0\0", 4));
  idb1.u16(0);
  idb1.u16(0);
  out += block(w, 1, idb1.out);
  out += block(w, 4, std::string(8, '\x01'));  // name resolution block: skipped
  auto epb = [&](uint32_t iface, uint64_t ts, const std::string& data) {
    Writer e(big);
    e.u32(iface);
    e.u32(uint32_t(ts >> 32));
    e.u32(uint32_t(ts));
    e.u32(uint32_t(data.size()));
    e.u32(uint32_t(data.size()));
    e.bytes(data);
    return block(w, 6, e.out);
  };
  out += epb(0, 1500000000123456ULL, "ether");
  out += epb(1, 1500000001123456789ULL, "rawip");
  Writer spb(big);
  spb.u32(3);
  spb.bytes("spb");
  out += block(w, 3, spb.out);
  out += epb(7, 1, "nope");  // an interface that was never declared
  return out;
}

TEST(CaptureReader, PcapngInterfacesResolutionsAndBlockTypes) {
  for (bool big : {false, true}) {
    InputReport report;
    std::vector<std::string> data;
    auto packets = read_all(pcapng_file(big), report, &data);
    ASSERT_EQ(packets.size(), 3u);
    EXPECT_DOUBLE_EQ(packets[0].ts, 1500000000.123456);
    EXPECT_EQ(packets[0].linktype, 1u);
    EXPECT_NEAR(packets[1].ts, 1500000001.123456789, 1e-6);
    EXPECT_EQ(packets[1].linktype, 101u);
    EXPECT_EQ(packets[1].interface, 1u);
    EXPECT_EQ(data[1], "rawip");
    EXPECT_EQ(data[2], "spb");  // simple packet block: interface 0, previous time
    EXPECT_EQ(packets[2].linktype, 1u);
    EXPECT_EQ(report.rejected, 1u);  // the packet for interface 7
    EXPECT_NE(report.problems.at(0).what.find("undeclared interface"), std::string::npos);
  }
}

TEST(CaptureReader, GzippedCaptureAndNonCaptures) {
  std::string plain = pcap(false, false, 1, {{1, "x"}, {2, "y"}, {3, "z"}});
  std::string packed(compressBound(plain.size()) + 32, '\0');
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(plain.data());
  z.avail_in = uInt(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = uInt(packed.size());
  deflate(&z, Z_FINISH);
  packed.resize(z.total_out);
  deflateEnd(&z);
  InputReport report;
  EXPECT_EQ(read_all(packed, report).size(), 3u);

  auto src = ByteSource::from_memory("990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST");
  std::string error;
  EXPECT_FALSE(CaptureReader::open(*src, report, &error));
  EXPECT_EQ(error, "not a pcap or pcapng file");
}

}  // namespace
}  // namespace callhome
