// bzip2, xz and zstd are read as gzip is: told by their magic bytes, concatenated streams
// continued, damage and truncation said in stream_error() after the data before them; and the
// compressions callhome does not read are named.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/byte_source.h"
#include "ingest/compression.h"
#include "unit/ingest/compress.h"

namespace callhome {
namespace {

using Compressor = std::string (*)(const std::string&);

struct Codec {
  const char* name;
  Compressor compress;
};

class Decompression : public ::testing::TestWithParam<Codec> {};

std::string numbered_lines(size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += "record " + std::to_string(i) + "\n";
  return out;
}

std::vector<std::string> all_lines(ByteSource& src) {
  LineReader reader(src);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

TEST_P(Decompression, ReadsConcatenatedStreamsAndHashesTheStoredBytes) {
  const std::string plain = numbered_lines(100000);
  const std::string packed = GetParam().compress(plain);
  ASSERT_FALSE(packed.empty());
  ByteSource::Options small;
  small.chunk = 4096;  // many refills, streams ending inside a buffer
  auto src = ByteSource::from_memory(packed + packed, small);
  EXPECT_TRUE(src->compressed());
  EXPECT_STREQ(src->compression(), GetParam().name);
  const auto lines = all_lines(*src);
  ASSERT_EQ(lines.size(), 200000u);
  EXPECT_EQ(lines[99999], "record 99999");
  EXPECT_EQ(lines[100000], "record 0");
  EXPECT_EQ(src->stream_error(), "");
  EXPECT_EQ(src->finish_hash(), ByteSource::from_memory(packed + packed)->finish_hash());
  EXPECT_EQ(src->file_size(), 2 * packed.size());
}

TEST_P(Decompression, ATruncatedStreamKeepsWhatCameBeforeAndSaysSo) {
  const std::string plain = numbered_lines(300000);  // several bzip2 blocks, so some survive
  const std::string packed = GetParam().compress(plain);
  auto src = ByteSource::from_memory(packed.substr(0, packed.size() * 3 / 4));
  const auto lines = all_lines(*src);
  EXPECT_GT(lines.size(), 1000u);
  EXPECT_LT(lines.size(), 300000u);
  EXPECT_EQ(src->stream_error(),
            std::string(GetParam().name) + " data truncated (no end of stream)");
}

TEST_P(Decompression, DamagedDataIsSaidNeverCrashes) {
  std::string packed = GetParam().compress(numbered_lines(20000));
  for (size_t i = packed.size() / 3; i < packed.size() / 3 + 16; ++i) packed[i] ^= 0x5a;
  auto src = ByteSource::from_memory(packed);
  all_lines(*src);
  EXPECT_NE(src->stream_error().find(std::string(GetParam().name) + " data "), std::string::npos)
      << src->stream_error();
}

TEST_P(Decompression, BytesAfterTheLastStreamAreSaidAndIgnored) {
  auto src = ByteSource::from_memory(GetParam().compress("one\ntwo\n") + "garbage after it");
  EXPECT_EQ(all_lines(*src), (std::vector<std::string>{"one", "two"}));
  // liblzma reads what follows an xz stream itself (padding, or another stream) and calls
  // anything else damage.
  const std::string name = GetParam().name;
  EXPECT_EQ(src->stream_error(),
            name == "xz" ? "xz data corrupt: damaged, or followed by bytes that are not xz"
                         : "trailing bytes after the " + name + " stream ignored");
}

INSTANTIATE_TEST_SUITE_P(Formats, Decompression,
                         ::testing::Values(Codec{"gzip", testing::gzip_bytes},
                                           Codec{"bzip2", testing::bzip2_bytes},
                                           Codec{"xz", testing::xz_bytes},
                                           Codec{"zstd", testing::zstd_bytes}),
                         [](const auto& info) { return std::string(info.param.name); });

CompressionMagic magic_of(const std::string& head) {
  return detect_compression(reinterpret_cast<const uint8_t*>(head.data()), head.size());
}

TEST(CompressionMagic, NamesWhatCallhomeCannotReadAndIsNotFooledByText) {
  EXPECT_STREQ(magic_of(std::string("\x04\x22\x4d\x18\x64\x40", 6)).name, "lz4");
  EXPECT_STREQ(magic_of(std::string("7z\xbc\xaf\x27\x1c", 6)).name, "7z");
  EXPECT_STREQ(magic_of(std::string("PK\x03\x04\x14\x00", 6)).name, "zip");
  EXPECT_EQ(magic_of(std::string("PK\x03\x04", 4)).kind, Compression::unsupported);
  EXPECT_EQ(magic_of("BZh91AY&SY").kind, Compression::bzip2);
  EXPECT_EQ(magic_of("BZh is how this line starts\n").kind, Compression::none);
  EXPECT_EQ(magic_of("1163770223.395 120 192.168.0.14 TCP_MISS/200").kind, Compression::none);
  EXPECT_EQ(magic_of("").kind, Compression::none);
}

TEST(CompressionMagic, AnUnsupportedCompressionIsHandedOutAsStored) {
  const std::string lz4("\x04\x22\x4d\x18\x64\x40\xa7 rest of the frame", 25);
  auto src = ByteSource::from_memory(lz4);
  EXPECT_FALSE(src->compressed());
  EXPECT_STREQ(src->unsupported_compression(), "lz4");
  ASSERT_EQ(src->ensure(100), lz4.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(src->data()), src->available()), lz4);
}

TEST(CompressionMagic, TellsATarArchive) {
  std::string tar(1024, '\0');
  tar.replace(0, 10, "access.log");
  tar.replace(257, 6, std::string("ustar\0", 6));
  EXPECT_STREQ(detect_archive(reinterpret_cast<const uint8_t*>(tar.data()), tar.size()), "tar");
  const std::string log(1024, 'x');
  EXPECT_EQ(detect_archive(reinterpret_cast<const uint8_t*>(log.data()), log.size()), nullptr);
}

}  // namespace
}  // namespace callhome
