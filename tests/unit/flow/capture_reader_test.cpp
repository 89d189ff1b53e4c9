// The capture reader on pcap and pcapng images written byte by byte here, so that each test
// states exactly what is in the file: both byte orders, every timestamp resolution, several
// interfaces, every packet block type, skipped blocks, damage and truncation, gzip.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "flow/capture_reader.h"

namespace callhome {
namespace {

// ---- Byte images ----------------------------------------------------------------------------

class Image {
 public:
  explicit Image(bool big_endian) : big_(big_endian) {}
  Image& u8(uint8_t v) {
    out_.push_back(char(v));
    return *this;
  }
  Image& u16(uint16_t v) { return put(v, 2); }
  Image& u32(uint32_t v) { return put(v, 4); }
  Image& u64(uint64_t v) { return put(v, 8); }
  Image& bytes(const std::string& s) {
    out_ += s;
    return *this;
  }
  Image& pad4() {
    while (out_.size() % 4) out_.push_back('\0');
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  Image& put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(char(big_ ? v >> (8 * (n - 1 - i)) : v >> (8 * i)));
    return *this;
  }
  bool big_;
  std::string out_;
};

std::string pcap_header(bool big, bool nano, uint32_t linktype, uint32_t snaplen = 65535) {
  return Image(big)
      .u32(nano ? 0xa1b23c4d : 0xa1b2c3d4)
      .u16(2)
      .u16(4)
      .u32(0)
      .u32(0)
      .u32(snaplen)
      .u32(linktype)
      .str();
}

std::string pcap_record(bool big, uint32_t sec, uint32_t frac, const std::string& data,
                        uint32_t wirelen) {
  return Image(big).u32(sec).u32(frac).u32(uint32_t(data.size())).u32(wirelen).bytes(data).str();
}

// A pcapng block: type, total length, the body padded to 4 bytes, the total length again.
std::string block(bool big, uint32_t type, const std::string& body) {
  const std::string padded = Image(big).bytes(body).pad4().str();
  const uint32_t len = uint32_t(12 + padded.size());
  return Image(big).u32(type).u32(len).bytes(padded).u32(len).str();
}

std::string option(bool big, uint16_t code, const std::string& value) {
  return Image(big).u16(code).u16(uint16_t(value.size())).bytes(value).pad4().str();
}

std::string shb(bool big) {
  return block(big, 0x0a0d0d0a, Image(big).u32(0x1a2b3c4d).u16(1).u16(0).u64(~uint64_t(0)).str());
}

std::string idb(bool big, uint16_t linktype, uint32_t snaplen, std::string options = "") {
  if (!options.empty()) options += option(big, 0, "");
  return block(big, 1, Image(big).u16(linktype).u16(0).u32(snaplen).bytes(options).str());
}

std::string tsresol(bool big, uint8_t r) {
  return option(big, 9, std::string(1, char(r)));
}
std::string tsoffset(bool big, int64_t seconds) {
  return option(big, 14, Image(big).u64(uint64_t(seconds)).str());
}

std::string epb(bool big, uint32_t iface, uint64_t ts, const std::string& data, uint32_t wirelen) {
  return block(big, 6,
               Image(big)
                   .u32(iface)
                   .u32(uint32_t(ts >> 32))
                   .u32(uint32_t(ts))
                   .u32(uint32_t(data.size()))
                   .u32(wirelen)
                   .bytes(data)
                   .pad4()
                   .bytes(option(big, 1, "a comment"))  // options after the data are skipped
                   .str());
}

std::string opb(bool big, uint16_t iface, uint64_t ts, const std::string& data, uint32_t wirelen) {
  return block(big, 2,
               Image(big)
                   .u16(iface)
                   .u16(7)  // drops count
                   .u32(uint32_t(ts >> 32))
                   .u32(uint32_t(ts))
                   .u32(uint32_t(data.size()))
                   .u32(wirelen)
                   .bytes(data)
                   .str());
}

std::string spb(bool big, uint32_t wirelen, const std::string& data) {
  return block(big, 3, Image(big).u32(wirelen).bytes(data).str());
}

std::string nrb(bool big) {  // name resolution: one IPv4 record, then the end record
  return block(big, 4,
               Image(big)
                   .u16(1)
                   .u16(13)
                   .bytes(std::string("\x0a\x00\x00\x01host.example", 17))
                   .pad4()
                   .u16(0)
                   .u16(0)
                   .str());
}

std::string isb(bool big, uint32_t iface) {
  return block(big, 5, Image(big).u32(iface).u32(0).u32(0).str());
}

std::string gzip(const std::string& plain) {
  std::string packed(compressBound(uLong(plain.size())) + 64, '\0');
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = uInt(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = uInt(packed.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  packed.resize(z.total_out);
  deflateEnd(&z);
  return packed;
}

// ---- Reading ---------------------------------------------------------------------------------

struct Packet {
  RawPacket raw;
  std::string data;
};

struct Read {
  bool opened = false;
  std::string error;
  std::string format;
  std::vector<Packet> packets;
  InputReport report;

  // True when some problem's text contains `text`.
  bool mentions(const std::string& text) const {
    for (const auto& p : report.problems) {
      if (p.what.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

// Reads every packet; `chunk` is the ByteSource read size, small to make records straddle reads.
Read read_all(const std::string& bytes, size_t chunk = size_t(4) << 20) {
  ByteSource::Options options;
  options.chunk = chunk;
  auto src = ByteSource::from_memory(bytes, options);
  Read r;
  auto reader = CaptureReader::open(*src, r.report, &r.error);
  if (!reader) return r;
  r.opened = true;
  r.format = reader->format_name();
  RawPacket p;
  while (reader->next(p)) {
    Packet copy{p, std::string(reinterpret_cast<const char*>(p.data), p.caplen)};
    copy.raw.data = nullptr;  // valid only until the next call
    r.packets.push_back(copy);
  }
  EXPECT_FALSE(reader->next(p)) << "the end is final";
  return r;
}

// ---- pcap ------------------------------------------------------------------------------------

TEST(PcapReader, BothByteOrdersAndBothResolutions) {
  for (bool big : {false, true}) {
    for (bool nano : {false, true}) {
      SCOPED_TRACE(testing::Message() << "big endian " << big << ", nanoseconds " << nano);
      const std::string file = pcap_header(big, nano, 101) +
                               pcap_record(big, 1700000000, nano ? 250000000 : 250000, "abc", 3) +
                               pcap_record(big, 1700000001, nano ? 123456789 : 123456, "defgh", 60);
      Read r = read_all(file);
      ASSERT_TRUE(r.opened) << r.error;
      EXPECT_EQ(r.format, "pcap");
      ASSERT_EQ(r.packets.size(), 2u);
      EXPECT_EQ(r.packets[0].raw.ts, 1700000000.25);
      EXPECT_DOUBLE_EQ(r.packets[1].raw.ts, nano ? 1700000001.123456789 : 1700000001.123456);
      EXPECT_EQ(r.packets[0].raw.number, 1u);
      EXPECT_EQ(r.packets[1].raw.number, 2u);
      EXPECT_EQ(r.packets[0].raw.offset, 24u);
      EXPECT_EQ(r.packets[1].raw.offset, 24u + 16 + 3);
      EXPECT_EQ(r.packets[1].raw.caplen, 5u);
      EXPECT_EQ(r.packets[1].raw.wirelen, 60u);
      EXPECT_EQ(r.packets[1].raw.linktype, 101u);
      EXPECT_EQ(r.packets[1].raw.interface, 0u);
      EXPECT_EQ(r.packets[0].data, "abc");
      EXPECT_EQ(r.packets[1].data, "defgh");
      EXPECT_EQ(r.report.rejected, 0u);
      EXPECT_TRUE(r.report.problems.empty());
    }
  }
}

// peek() shows records ahead only as far as they are buffered, and then exactly what next()
// hands out later; never a record cut short.
TEST(PcapReader, PeekShowsBufferedRecordsAheadAsNextWillReadThem) {
  std::string file = pcap_header(false, false, 1);
  std::vector<std::string> sent;
  for (int i = 0; i < 30; ++i) {
    sent.push_back(std::string(size_t(1 + i * 5 % 23), char('a' + i % 26)));
    file += pcap_record(false, 1000 + i, 0, sent.back(), uint32_t(sent.back().size()));
  }
  file += Image(false).u32(2000).u32(0).u32(40).u32(40).bytes("truncated").str();
  for (size_t chunk : {size_t(7), size_t(64), size_t(1) << 20}) {
    SCOPED_TRACE(chunk);
    ByteSource::Options options;
    options.chunk = chunk;
    auto src = ByteSource::from_memory(file, options);
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    ASSERT_TRUE(reader) << error;
    RawPacket p;
    size_t i = 0, peeked = 0;
    while (reader->next(p)) {
      ASSERT_LT(i, sent.size());
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.data), p.caplen), sent[i]);
      for (int ahead = 1; ahead <= 3; ++ahead) {
        const CaptureReader::Peek k = reader->peek(ahead);
        if (!k.data) continue;
        ++peeked;
        ASSERT_LT(i + ahead, sent.size());
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(k.data), k.caplen), sent[i + ahead]);
        EXPECT_EQ(k.linktype, 1u);
      }
      ++i;
    }
    EXPECT_EQ(i, sent.size());
    if (chunk > file.size()) {
      EXPECT_EQ(peeked, 3 * sent.size() - 6);
    }
    EXPECT_FALSE(reader->peek(1).data);
  }
}

TEST(PcapReader, FcsBitsOfTheLinkTypeAreMaskedOff) {
  // FCS length 4 (bits 28-31) with the "FCS present" bit (26), on Ethernet and on 802.11.
  for (uint32_t field : {0x44000001u, 0x44000000u | 105u}) {
    Read r = read_all(pcap_header(false, false, field) + pcap_record(false, 1, 0, "x", 1));
    ASSERT_EQ(r.packets.size(), 1u);
    EXPECT_EQ(r.packets[0].raw.linktype, field & 0xffff);
  }
}

TEST(PcapReader, RecordsAcrossReadBoundariesAreWhole) {
  std::string file = pcap_header(true, true, 1);
  std::vector<std::string> sent;
  for (int i = 0; i < 50; ++i) {
    sent.push_back(std::string(size_t(i * 7 % 61), char('a' + i % 26)));
    file += pcap_record(true, 1000 + i, uint32_t(i), sent.back(), uint32_t(sent.back().size()));
  }
  for (size_t chunk : {1, 3, 16, 17, 64, 1000}) {
    SCOPED_TRACE(chunk);
    Read r = read_all(file, chunk);
    ASSERT_EQ(r.packets.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(r.packets[i].data, sent[i]);
      EXPECT_EQ(r.packets[i].raw.ts, double(1000 + i) + double(i) / 1e9);
    }
    EXPECT_EQ(r.report.rejected, 0u);
  }
}

TEST(PcapReader, LargestPlausibleRecordIsRead) {
  const std::string big(262144, '\x5a');
  Read r =
      read_all(pcap_header(false, false, 1, 262144) + pcap_record(false, 5, 0, big, 262144), 4096);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].raw.caplen, 262144u);
  EXPECT_EQ(r.packets[0].data, big);
}

TEST(PcapReader, RecordLongerThanTwiceTheSnaplenStopsTheRead) {
  const std::string file = pcap_header(false, false, 1, 100) +
                           pcap_record(false, 1, 0, std::string(200, 'a'), 200) +  // 2x: allowed
                           pcap_record(false, 2, 0, std::string(201, 'b'), 201) +
                           pcap_record(false, 3, 0, "c", 1);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].raw.caplen, 200u);
  EXPECT_EQ(r.report.rejected, 1u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_EQ(r.report.problems[0].ref, 2u);
  EXPECT_EQ(r.report.problems[0].offset, 24u + 16 + 200);
  EXPECT_TRUE(r.mentions("captured length 201 is not plausible"));
}

TEST(PcapReader, AbsurdRecordLengthStopsWithoutASnaplen) {
  Image absurd(false);
  absurd.u32(2).u32(0).u32(262145).u32(262145).bytes(std::string(300000, 'x'));
  Read r =
      read_all(pcap_header(false, false, 1, 0) + pcap_record(false, 1, 0, "ok", 2) + absurd.str());
  EXPECT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_TRUE(r.mentions("captured length 262145 is not plausible"));
}

TEST(PcapReader, CaplenAboveWirelenIsUsedAndNotedOnce) {
  const std::string file = pcap_header(false, false, 1) + pcap_record(false, 1, 0, "abcd", 0) +
                           pcap_record(false, 2, 0, "ef", 2) + pcap_record(false, 3, 0, "ghi", 1) +
                           pcap_record(false, 4, 0, "jklmn", 4);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 4u);
  EXPECT_EQ(r.packets[0].raw.wirelen, 4u);
  EXPECT_EQ(r.packets[1].raw.wirelen, 2u);
  EXPECT_EQ(r.packets[2].raw.wirelen, 3u);
  EXPECT_EQ(r.packets[3].raw.wirelen, 5u);
  EXPECT_EQ(r.report.rejected, 0u);
  ASSERT_EQ(r.report.problems.size(), 2u);  // the first one named, then the count
  EXPECT_EQ(r.report.problems[0].ref, 1u);
  EXPECT_TRUE(r.mentions("captured length 4 above wire length 0"));
  EXPECT_TRUE(r.mentions("3 records in all"));
}

TEST(PcapReader, TruncatedLastRecordIsRejectedAndEarlierOnesKept) {
  std::string file = pcap_header(false, false, 1) + pcap_record(false, 1, 0, "first", 5) +
                     pcap_record(false, 2, 0, "second packet", 13);
  file.resize(file.size() - 4);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].data, "first");
  EXPECT_EQ(r.report.rejected, 1u);
  ASSERT_EQ(r.report.problems.size(), 1u);
  EXPECT_EQ(r.report.problems[0].ref, 2u);
  EXPECT_EQ(r.report.problems[0].offset, 24u + 16 + 5);
  EXPECT_TRUE(r.mentions("record 2 truncated: 9 of 13 captured bytes present"));
}

TEST(PcapReader, TruncatedRecordHeaderIsRejected) {
  std::string file = pcap_header(true, false, 1) + pcap_record(true, 1, 0, "one", 3) +
                     pcap_record(true, 2, 0, "two", 3);
  file.resize(24 + 19 + 7);
  Read r = read_all(file);
  EXPECT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_TRUE(r.mentions("7 of 16 header bytes present"));
}

TEST(PcapReader, GarbageAfterTheValidPartEndsTheRead) {
  const std::string file = pcap_header(false, false, 1) + pcap_record(false, 1, 0, "one", 3) +
                           pcap_record(false, 2, 0, "two", 3) +
                           "this is some text that was appended to the capture by mistake";
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[1].data, "two");
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_EQ(r.report.problems.at(0).ref, 3u);
  EXPECT_TRUE(r.mentions("not plausible"));
}

TEST(PcapReader, GzippedCaptureIsReadThroughTheByteSource) {
  std::string plain = pcap_header(false, true, 1);
  for (uint32_t i = 0; i < 2000; ++i) {
    plain += pcap_record(false, 1600000000 + i, i * 1000, std::string(40 + i % 50, char(i)), 100);
  }
  const std::string packed = gzip(plain);
  ASSERT_LT(packed.size(), plain.size());
  for (size_t chunk : {size_t(100), size_t(4) << 20}) {
    Read r = read_all(packed, chunk);
    ASSERT_TRUE(r.opened) << r.error;
    ASSERT_EQ(r.packets.size(), 2000u);
    EXPECT_EQ(r.packets[1999].raw.ts, 1600001999 + 1999000 / 1e9);
    EXPECT_EQ(r.packets[1999].raw.caplen, 40u + 1999 % 50);
    EXPECT_EQ(r.packets[1999].data, std::string(40 + 1999 % 50, char(1999)));
    EXPECT_EQ(r.report.rejected, 0u);
  }
  // Cut short, the gzip stream yields the records it holds and the cut one is rejected.
  Read cut = read_all(packed.substr(0, packed.size() / 2));
  EXPECT_GT(cut.packets.size(), 100u);
  EXPECT_LT(cut.packets.size(), 2000u);
  EXPECT_EQ(cut.report.rejected, 1u);
}

// ---- pcapng ----------------------------------------------------------------------------------

TEST(PcapngReader, InterfacesResolutionsAndEveryPacketBlock) {
  for (bool big : {false, true}) {
    SCOPED_TRACE(testing::Message() << "big endian " << big);
    const std::string file =
        shb(big) + idb(big, 1, 0) +                 // 0: Ethernet, microseconds (the default)
        idb(big, 101, 0, tsresol(big, 9)) +         // 1: raw IP, nanoseconds
        idb(big, 113, 96, tsresol(big, 0x80 | 20))  // 2: SLL, 2^-20 s, snaplen 96
        + nrb(big) + epb(big, 0, 1500000000123456ULL, "ether", 64) +       // 1
        epb(big, 1, 1500000001123456789ULL, "rawip", 5) +                  // 2
        isb(big, 0) +                                                      // skipped
        epb(big, 2, (uint64_t(1500000002) << 20) | (1 << 19), "sll", 3) +  // 3: x.5 s
        spb(big, 4, "spb!") +                                              // 4
        opb(big, 1, 1500000003000000001ULL, "opb", 9) +                    // 5
        block(big, 0x40000bad, std::string(20, 'c')) +                     // custom block: skipped
        block(big, 10, std::string(9, 'k'));  // decryption secrets: skipped
    Read r = read_all(file);
    ASSERT_TRUE(r.opened) << r.error;
    EXPECT_EQ(r.format, "pcapng");
    ASSERT_EQ(r.packets.size(), 5u);
    const auto& p = r.packets;
    EXPECT_DOUBLE_EQ(p[0].raw.ts, 1500000000.123456);
    EXPECT_EQ(p[0].raw.linktype, 1u);
    EXPECT_EQ(p[0].raw.interface, 0u);
    EXPECT_EQ(p[0].raw.caplen, 5u);
    EXPECT_EQ(p[0].raw.wirelen, 64u);
    EXPECT_EQ(p[0].data, "ether");
    EXPECT_DOUBLE_EQ(p[1].raw.ts, 1500000001.123456789);
    EXPECT_EQ(p[1].raw.linktype, 101u);
    EXPECT_EQ(p[1].raw.interface, 1u);
    EXPECT_EQ(p[1].data, "rawip");
    EXPECT_EQ(p[2].raw.ts, 1500000002.5);
    EXPECT_EQ(p[2].raw.linktype, 113u);
    EXPECT_EQ(p[2].raw.interface, 2u);
    EXPECT_EQ(p[2].data, "sll");
    // The simple packet block: interface 0, the previous packet's time.
    EXPECT_EQ(p[3].raw.ts, p[2].raw.ts);
    EXPECT_EQ(p[3].raw.linktype, 1u);
    EXPECT_EQ(p[3].raw.interface, 0u);
    EXPECT_EQ(p[3].raw.caplen, 4u);
    EXPECT_EQ(p[3].raw.wirelen, 4u);
    EXPECT_EQ(p[3].data, "spb!");
    // The obsolete packet block: a 16-bit interface index.
    EXPECT_DOUBLE_EQ(p[4].raw.ts, 1500000003.000000001);
    EXPECT_EQ(p[4].raw.interface, 1u);
    EXPECT_EQ(p[4].raw.linktype, 101u);
    EXPECT_EQ(p[4].raw.wirelen, 9u);
    EXPECT_EQ(p[4].data, "opb");
    for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ(p[i].raw.number, i + 1);
    EXPECT_EQ(r.report.rejected, 0u);
    EXPECT_TRUE(r.report.problems.empty());
  }
}

TEST(PcapngReader, PacketOffsetsAreTheirBlocks) {
  const std::string head = shb(false) + idb(false, 1, 0) + nrb(false);
  const std::string first = epb(false, 0, 1, "a", 1);
  const std::string file = head + first + isb(false, 0) + epb(false, 0, 2, "b", 1);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0].raw.offset, head.size());
  EXPECT_EQ(r.packets[1].raw.offset, head.size() + first.size() + isb(false, 0).size());
}

TEST(PcapngReader, OtherResolutionsAndTimeOffset) {
  const std::string file =
      shb(false) + idb(false, 1, 0, tsresol(false, 0) + tsoffset(false, 1000000000)) +  // s
      idb(false, 1, 0, tsresol(false, 3)) +                                             // ms
      idb(false, 1, 0, tsresol(false, 20)) +    // 10^-20 s: no whole seconds fit in 64 bits
      idb(false, 1, 0, tsresol(false, 0x80)) +  // 2^0: seconds
      idb(false, 1, 0, tsoffset(false, -100) + tsresol(false, 6)) +
      epb(false, 0, 700000000, "a", 1) + epb(false, 1, 1700000000123ULL, "b", 1) +
      epb(false, 2, 10000000000000000000ULL, "c", 1) + epb(false, 3, 42, "d", 1) +
      epb(false, 4, 1100000000, "e", 1);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 5u);
  EXPECT_EQ(r.packets[0].raw.ts, 1700000000.0);
  EXPECT_DOUBLE_EQ(r.packets[1].raw.ts, 1700000000.123);
  EXPECT_DOUBLE_EQ(r.packets[2].raw.ts, 0.1);
  EXPECT_EQ(r.packets[3].raw.ts, 42.0);
  EXPECT_DOUBLE_EQ(r.packets[4].raw.ts, 1000.0);
}

TEST(PcapngReader, SimplePacketIsCutToSnaplenAndBlock) {
  const std::string file = shb(true) + idb(true, 1, 4) + spb(true, 10, "0123456789") +
                           spb(true, 100, "short");  // the block holds only 5 (plus padding)
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0].raw.caplen, 4u);
  EXPECT_EQ(r.packets[0].raw.wirelen, 10u);
  EXPECT_EQ(r.packets[0].data, "0123");
  EXPECT_EQ(r.packets[1].raw.caplen, 4u);
  EXPECT_EQ(r.packets[1].raw.wirelen, 100u);
  EXPECT_EQ(r.report.rejected, 0u);

  Read padded = read_all(shb(true) + idb(true, 1, 0) + spb(true, 100, "short"));
  ASSERT_EQ(padded.packets.size(), 1u);
  EXPECT_EQ(padded.packets[0].raw.caplen, 8u);  // "short" and its padding: all the block has
}

TEST(PcapngReader, NewSectionHasItsOwnByteOrderAndInterfaces) {
  const std::string file = shb(false) + idb(false, 1, 0) + idb(false, 101, 0) +
                           epb(false, 1, 1000000, "s1", 2) +  // section 1, interface 1
                           shb(true) + idb(true, 113, 0, tsresol(true, 9)) +
                           epb(true, 0, 2000000000, "s2", 2) +
                           epb(true, 1, 3000000000, "gone", 4) +  // interface 1 is no more
                           epb(true, 0, 4000000000, "s2b", 3);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 3u);
  EXPECT_EQ(r.packets[0].raw.linktype, 101u);
  EXPECT_EQ(r.packets[0].raw.ts, 1.0);
  EXPECT_EQ(r.packets[1].raw.linktype, 113u);
  EXPECT_EQ(r.packets[1].raw.ts, 2.0);
  EXPECT_EQ(r.packets[1].data, "s2");
  EXPECT_EQ(r.packets[2].data, "s2b");
  EXPECT_EQ(r.packets[2].raw.number, 4u);  // the rejected packet keeps its place
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_EQ(r.report.problems.at(0).ref, 3u);
  EXPECT_TRUE(r.mentions("interface 1, which its section does not declare"));
}

TEST(PcapngReader, PacketForAnUnknownInterfaceIsRejectedAndReadingGoesOn) {
  const std::string file = shb(false) + idb(false, 1, 0) + epb(false, 7, 1, "nope", 4) +
                           opb(false, 3, 1, "nope", 4) + epb(false, 0, 5000000, "yes", 3);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.packets[0].data, "yes");
  EXPECT_EQ(r.packets[0].raw.number, 3u);
  EXPECT_EQ(r.report.rejected, 2u);
  ASSERT_EQ(r.report.problems.size(), 2u);
  EXPECT_EQ(r.report.problems[0].ref, 1u);
  EXPECT_EQ(r.report.problems[1].ref, 2u);

  Read early = read_all(shb(false) + spb(false, 3, "abc") + idb(false, 1, 0) + spb(false, 1, "d"));
  ASSERT_EQ(early.packets.size(), 1u);
  EXPECT_EQ(early.packets[0].data, "d");
  EXPECT_EQ(early.report.rejected, 1u);
}

TEST(PcapngReader, DamagedBlocksAreSkippedAndReadingResyncs) {
  // A packet block whose trailing length is wrong, an interface block likewise: both skipped;
  // the interface keeps its index so that interface 2 is still the SLL one.
  std::string bad_packet = epb(false, 0, 1, "damaged", 7);
  bad_packet[bad_packet.size() - 4] ^= 0x10;
  std::string bad_interface = idb(false, 105, 0);
  bad_interface[bad_interface.size() - 1] = 1;
  const std::string file = shb(false) + idb(false, 1, 0) + bad_interface + idb(false, 113, 0) +
                           bad_packet + epb(false, 0, 2000000, "after", 5) +
                           epb(false, 1, 3000000, "iface1", 6) +
                           epb(false, 2, 4000000, "iface2", 6);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0].data, "after");
  EXPECT_EQ(r.packets[0].raw.number, 2u);
  EXPECT_EQ(r.packets[1].data, "iface2");
  EXPECT_EQ(r.packets[1].raw.linktype, 113u);
  EXPECT_EQ(r.packets[1].raw.number, 4u);
  EXPECT_EQ(r.report.rejected, 2u);  // the damaged packet, the packet of the damaged interface
  EXPECT_TRUE(r.mentions("damaged interface description block"));
  EXPECT_TRUE(r.mentions("damaged enhanced packet block"));
  EXPECT_TRUE(r.mentions("whose description block was damaged"));

  // A packet whose captured length overruns its block.
  std::string overrun = epb(false, 0, 1, "abcd", 4);
  overrun[20] = 100;
  Read o = read_all(shb(false) + idb(false, 1, 0) + overrun + epb(false, 0, 1, "ok", 2));
  ASSERT_EQ(o.packets.size(), 1u);
  EXPECT_EQ(o.packets[0].data, "ok");
  EXPECT_EQ(o.report.rejected, 1u);
  EXPECT_TRUE(o.mentions("captured length 100 does not fit its block"));
}

// D14: a block whose length cannot be believed is counted as rejected, with its offset and
// why, and reading resumes at the next block whose type is known and whose lengths agree.
TEST(PcapngReader, ImplausibleBlockLengthIsRejectedAndReadingResyncs) {
  for (uint32_t len : {0u, 8u, 30u, 0x7ffffff0u}) {
    SCOPED_TRACE(len);
    std::string bad = epb(false, 0, 1, "x", 1);
    Image l(false);
    l.u32(len);
    bad.replace(4, 4, l.str());
    const std::string file = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "first", 5) + bad +
                             epb(false, 0, 2, "after", 5);
    for (size_t chunk : {size_t(5), size_t(4) << 20}) {
      Read r = read_all(file, chunk);
      ASSERT_EQ(r.packets.size(), 2u);
      EXPECT_EQ(r.packets[0].data, "first");
      EXPECT_EQ(r.packets[1].data, "after");
      EXPECT_EQ(r.packets[1].raw.number, 3u);  // the lost block was packet 2
      EXPECT_EQ(r.report.rejected, 1u);
      EXPECT_EQ(r.report.problems.at(0).ref, 2u);
      EXPECT_EQ(r.report.problems.at(0).offset,
                file.size() - bad.size() - epb(false, 0, 2, "after", 5).size());
      EXPECT_NE(r.report.problems.at(0).what.find("not plausible"), std::string::npos);
      EXPECT_TRUE(r.mentions("reading resumes with the enhanced packet block"));
    }
  }
}

// The reproducer ng_len_small.pcapng, built here: an enhanced packet block claiming 8 bytes
// between good ones. Before, "reading stops" lost the 19 packets after it and `rejected` said 0.
TEST(PcapngReader, BlockLengthTooSmallLosesOnlyThatBlock) {
  std::string file = shb(false) + idb(false, 1, 0xffff) + epb(false, 0, 1, "p1", 2);
  const size_t bad_at = file.size();
  file += Image(false).u32(6).u32(8).str() + std::string(16, '\0') + Image(false).u32(8).str();
  for (int i = 0; i < 19; ++i) file += epb(false, 0, 10 + i, "p" + std::to_string(i + 2), 3);
  Read r = read_all(file);
  EXPECT_EQ(r.packets.size(), 20u);
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_EQ(r.report.problems.at(0).offset, bad_at);
  EXPECT_EQ(r.report.problems.at(0).what,
            "enhanced packet block with a length of 8 bytes, which is not plausible");
}

// Garbage that never becomes a block again: the damage is counted, and reading stops.
TEST(PcapngReader, NoBlockAfterTheDamageStopsTheReadAndSaysSo) {
  const std::string file =
      shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "first", 5) + std::string(1000, '\xee');
  Read r = read_all(file, 7);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.report.rejected, 1u);
  EXPECT_TRUE(r.mentions("no readable block after the damaged one"));
}

TEST(PcapngReader, SectionHeaderWithABadMagicIsRejectedAndTheNextSectionRead) {
  std::string bad_shb = shb(true);
  bad_shb[8] = 0x55;
  const std::string file = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "one", 3) + bad_shb +
                           epb(true, 0, 2, "lost with its section", 21) + shb(true) +
                           idb(true, 1, 0) + epb(true, 0, 3, "two", 3);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[1].data, "two");
  EXPECT_GE(r.report.rejected, 1u);
  EXPECT_TRUE(r.mentions("unknown byte-order magic"));
}

TEST(PcapngReader, TruncatedLastBlockIsReportedAndEarlierPacketsKept) {
  const std::string whole =
      shb(true) + idb(true, 1, 0) + epb(true, 0, 1, "one", 3) + epb(true, 0, 2, "two two two", 11);
  for (size_t cut : {size_t(1), size_t(8), size_t(20)}) {
    SCOPED_TRACE(cut);
    Read r = read_all(whole.substr(0, whole.size() - cut));
    ASSERT_EQ(r.packets.size(), 1u);
    EXPECT_EQ(r.packets[0].data, "one");
    EXPECT_EQ(r.report.rejected, 1u);
    EXPECT_EQ(r.report.problems.at(0).ref, 2u);
    EXPECT_TRUE(r.mentions("enhanced packet block truncated"));
  }
  // Cut inside the header of the next block: noted, no packet lost for sure.
  Read r = read_all(whole + std::string("\x06\x00\x00", 3));
  EXPECT_EQ(r.packets.size(), 2u);
  EXPECT_TRUE(r.mentions("capture ends inside a block header"));
}

TEST(PcapngReader, GarbageAfterTheValidPartEndsTheRead) {
  const std::string file = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "one", 3) +
                           "this is some text that was appended to the capture by mistake";
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 1u);
  EXPECT_EQ(r.report.rejected, 1u);  // as for pcap: the bytes that are not a block
  EXPECT_TRUE(r.mentions("not plausible"));
  EXPECT_TRUE(r.mentions("reading stops"));
}

TEST(PcapngReader, LargeBlocksAcrossSmallReads) {
  // A 300 KB custom block is skipped without being buffered; a 200 KB packet is read whole.
  const std::string payload(200000, '\x42');
  const std::string file = shb(false) + idb(false, 1, 0) +
                           block(false, 0xbad, std::string(300000, 'c')) +
                           epb(false, 0, 1, payload, 200000) + epb(false, 0, 2, "tail", 4);
  for (size_t chunk : {size_t(7), size_t(4096), size_t(4) << 20}) {
    SCOPED_TRACE(chunk);
    Read r = read_all(file, chunk);
    ASSERT_EQ(r.packets.size(), 2u);
    EXPECT_EQ(r.packets[0].data, payload);
    EXPECT_EQ(r.packets[1].data, "tail");
    EXPECT_EQ(r.report.rejected, 0u);
  }
  // A packet block beyond the largest we buffer is rejected and stepped over.
  Read huge =
      read_all(shb(false) + idb(false, 1, 0) +
               epb(false, 0, 1, std::string(2 << 20, 'h'), 2 << 20) + epb(false, 0, 2, "next", 4));
  ASSERT_EQ(huge.packets.size(), 1u);
  EXPECT_EQ(huge.packets[0].data, "next");
  EXPECT_EQ(huge.packets[0].raw.number, 2u);
  EXPECT_EQ(huge.report.rejected, 1u);
}

// D14: a packet block above what is buffered whole, but valid (its bulk options), gives its
// packet; the rest of it is skipped piece by piece, whatever the read size.
TEST(PcapngReader, PacketBlockWithHugeOptionsIsReadAndItsOptionsSkipped) {
  const std::string options = option(false, 1, std::string(60000, 'o'));
  std::string many;
  while (many.size() < (size_t(3) << 20)) many += options;
  const std::string big = block(false, 6,
                                Image(false)
                                    .u32(0)
                                    .u32(0)
                                    .u32(1000000)
                                    .u32(4)
                                    .u32(4)
                                    .bytes("data")
                                    .bytes(many)
                                    .bytes(option(false, 0, ""))
                                    .str());
  const std::string file = shb(false) + idb(false, 1, 0) + big + epb(false, 0, 2000000, "next", 4);
  for (size_t chunk : {size_t(4096), size_t(4) << 20}) {
    SCOPED_TRACE(chunk);
    Read r = read_all(file, chunk);
    ASSERT_EQ(r.packets.size(), 2u);
    EXPECT_EQ(r.packets[0].data, "data");
    EXPECT_DOUBLE_EQ(r.packets[0].raw.ts, 1.0);
    EXPECT_EQ(r.packets[1].data, "next");
    EXPECT_EQ(r.packets[1].raw.number, 2u);
    EXPECT_EQ(r.report.rejected, 0u);
    EXPECT_TRUE(r.report.problems.empty());
  }
}

// A block above 64 MiB is valid per the specification (lengths are 32-bit): when the file
// holds all of it, it is stepped over instead of ending the read.
TEST(PcapngReader, BlockAbove64MiBIsSteppedOverWhenTheFileHoldsIt) {
  const std::string file = shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "one", 3) +
                           block(false, 0xbad, std::string((size_t(65) << 20) + 4, 'c')) +
                           epb(false, 0, 2, "two", 3);
  Read r = read_all(file);
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[1].data, "two");
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_TRUE(r.report.problems.empty());
}

TEST(PcapngReader, GzippedPcapngAndSmallReadsGiveTheSamePackets) {
  std::string file = shb(true) + idb(true, 1, 0) + idb(true, 101, 0, tsresol(true, 9));
  for (uint32_t i = 0; i < 500; ++i) {
    file += epb(true, i % 2, i % 2 ? 1700000000000000000ULL + i : 1700000000000000ULL + i,
                std::string(i % 97, char(i)), 1000);
    if (i % 50 == 0) file += isb(true, 0) + nrb(true);
  }
  const Read plain = read_all(file);
  ASSERT_EQ(plain.packets.size(), 500u);
  for (const Read& r : {read_all(gzip(file)), read_all(file, 5), read_all(gzip(file), 33)}) {
    ASSERT_EQ(r.packets.size(), 500u);
    for (size_t i = 0; i < 500; ++i) {
      EXPECT_EQ(r.packets[i].data, plain.packets[i].data);
      EXPECT_EQ(r.packets[i].raw.ts, plain.packets[i].raw.ts);
      EXPECT_EQ(r.packets[i].raw.offset, plain.packets[i].raw.offset);
      EXPECT_EQ(r.packets[i].raw.linktype, i % 2 ? 101u : 1u);
    }
  }
  EXPECT_DOUBLE_EQ(plain.packets[499].raw.ts, 1700000000.000000499);
  EXPECT_DOUBLE_EQ(plain.packets[498].raw.ts, 1700000000.000498);
}

TEST(PcapngReader, CaplenAboveWirelenIsUsedAndNoted) {
  Read r = read_all(shb(false) + idb(false, 1, 0) + epb(false, 0, 1, "abcdef", 2) +
                    epb(false, 0, 1, "ghi", 0));
  ASSERT_EQ(r.packets.size(), 2u);
  EXPECT_EQ(r.packets[0].raw.wirelen, 6u);
  EXPECT_EQ(r.packets[1].raw.wirelen, 3u);
  EXPECT_EQ(r.report.rejected, 0u);
  EXPECT_TRUE(r.mentions("captured length 6 above wire length 2"));
  EXPECT_TRUE(r.mentions("2 packets in all"));
}

// ---- Detection -------------------------------------------------------------------------------

TEST(CaptureReader, NonCapturesAndBrokenHeadersAreRefused) {
  const std::string squid = "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST";
  const std::string bad_order = std::string("\x0a\x0d\x0d\x0a\x1c\0\0\0\x11\x22\x33\x44", 12);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not a pcap or pcapng file"},
      {squid, "not a pcap or pcapng file"},
      {pcap_header(false, false, 1).substr(0, 20), "pcap file header truncated"},
      {shb(false).substr(0, 10), "pcapng section header truncated"},
      {bad_order, "pcapng section header with an unknown byte-order magic"},
  };
  for (const auto& [bytes, error] : cases) {
    Read r = read_all(bytes);
    EXPECT_FALSE(r.opened);
    EXPECT_EQ(r.error, error);
  }
  // A header alone is a capture with no packets.
  Read empty = read_all(pcap_header(true, true, 1));
  EXPECT_TRUE(empty.opened);
  EXPECT_TRUE(empty.packets.empty());
  EXPECT_TRUE(empty.report.problems.empty());
}

TEST(CaptureReader, SniffRecognisesEveryMagic) {
  auto sniff = [](const std::string& s) {
    return CaptureReader::sniff(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  for (bool big : {false, true}) {
    EXPECT_TRUE(sniff(pcap_header(big, false, 1)));
    EXPECT_TRUE(sniff(pcap_header(big, true, 1)));
    EXPECT_TRUE(sniff(shb(big)));
  }
  EXPECT_TRUE(sniff(shb(false).substr(0, 4)));  // too short to see the byte order: maybe
  EXPECT_FALSE(sniff(std::string("\x0a\x0d\x0d\x0a\r\n\r\nhello\r\n", 15)));  // text
  EXPECT_FALSE(sniff("GET / HTTP/1.1"));
  EXPECT_FALSE(sniff(std::string("\xd4\xc3\xb2", 3)));
}

}  // namespace
}  // namespace callhome
