#include "ingest/byte_source.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

namespace callhome {
namespace {

std::string gzip(const std::string& plain) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(plain.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = plain.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::vector<std::string> all_lines(ByteSource& src, size_t max_line = 1 << 20) {
  LineReader reader(src, max_line);
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

TEST(ByteSource, HashesWhatItReads) {
  auto src = ByteSource::from_memory("abc");
  EXPECT_EQ(src->ensure(10), 3u);
  EXPECT_EQ(src->finish_hash(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ByteSource, GunzipsTransparentlyAndHashesTheCompressedBytes) {
  std::string plain;
  for (int i = 0; i < 100000; ++i) plain += "line " + std::to_string(i) + "\n";
  std::string packed = gzip(plain);
  ByteSource::Options small;
  small.chunk = 4096;                                          // force many refills
  auto src = ByteSource::from_memory(packed + packed, small);  // two gzip members
  EXPECT_TRUE(src->compressed());
  auto lines = all_lines(*src);
  ASSERT_EQ(lines.size(), 200000u);
  EXPECT_EQ(lines[99999], "line 99999");
  EXPECT_EQ(lines[100000], "line 0");
  EXPECT_TRUE(src->stream_error().empty()) << src->stream_error();
}

TEST(ByteSource, ReportsTruncatedGzipAndKeepsWhatCameBefore) {
  std::string plain;
  for (int i = 0; i < 50000; ++i) plain += "record " + std::to_string(i) + "\n";
  std::string packed = gzip(plain);
  auto src = ByteSource::from_memory(packed.substr(0, packed.size() / 2));
  auto lines = all_lines(*src);
  EXPECT_GT(lines.size(), 1000u);
  EXPECT_LT(lines.size(), 50000u);
  EXPECT_NE(src->stream_error().find("truncated"), std::string::npos);
}

TEST(LineReader, HandlesCrLfMissingFinalNewlineAndOverlongLines) {
  std::string huge(5000, 'x');
  auto src = ByteSource::from_memory("a\r\nb\n" + huge + "\nc");
  LineReader reader(*src, 100);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "a");
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "b");
  ASSERT_TRUE(reader.next(line));
  EXPECT_TRUE(reader.overlong());
  EXPECT_EQ(line.size(), 100u);
  EXPECT_EQ(reader.line_number(), 3u);
  ASSERT_TRUE(reader.next(line));
  EXPECT_FALSE(reader.overlong());
  EXPECT_EQ(line, "c");
  EXPECT_EQ(reader.line_number(), 4u);
  EXPECT_FALSE(reader.next(line));
}

TEST(LineReader, SkipsAnUnterminatedHugeLineWithoutBufferingIt) {
  ByteSource::Options small;
  small.chunk = 4096;
  auto src = ByteSource::from_memory(std::string(3 << 20, 'y') + "\nafter\n", small);
  LineReader reader(*src, 1000);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_TRUE(reader.overlong());
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "after");
  EXPECT_EQ(reader.line_number(), 2u);
  EXPECT_FALSE(reader.next(line));
}

}  // namespace
}  // namespace callhome
