#include "ingest/byte_source.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "unit/temp_dir.h"

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

std::string sha256_of(const std::string& bytes) {
  return ByteSource::from_memory(bytes)->finish_hash();
}

std::string numbered_lines(size_t from, size_t count) {
  std::string out;
  for (size_t i = from; i < from + count; ++i) out += "line " + std::to_string(i) + "\n";
  return out;
}

// D5: a file that grows while it is read (a live log): the size and the SHA-256 describe the
// same bytes, those there when it was opened, and the growth is said.
TEST(ByteSource, AFileThatGrowsWhileReadIsReadAndHashedToItsSizeAtOpen) {
  testing::TempDir tmp;
  const std::string first = numbered_lines(0, 40000);  // several read buffers
  const std::string path = tmp.write("grow.log", first);
  std::string error;
  auto src = ByteSource::open(path, &error);
  ASSERT_TRUE(src) << error;
  std::ofstream(path, std::ios::binary | std::ios::app) << numbered_lines(40000, 20000);
  const auto lines = all_lines(*src);
  EXPECT_EQ(lines.size(), 40000u);
  EXPECT_EQ(src->finish_hash(), sha256_of(first));
  EXPECT_EQ(src->file_size(), first.size());
  EXPECT_NE(src->stream_error().find("grew while it was read"), std::string::npos)
      << src->stream_error();
}

TEST(ByteSource, AFileThatGrowsBeforeTheHashIsFinishedKeepsTheSizeAtOpen) {
  testing::TempDir tmp;
  const std::string first = numbered_lines(0, 40000);
  const std::string path = tmp.write("grow.log", first);
  std::string error;
  auto src = ByteSource::open(path, &error);
  ASSERT_TRUE(src) << error;
  std::ofstream(path, std::ios::binary | std::ios::app) << "more\n";
  src->ensure(10);  // the reader stops early; the hash reads the rest
  EXPECT_EQ(src->finish_hash(), sha256_of(first));
  EXPECT_EQ(src->file_size(), first.size());
  EXPECT_NE(src->stream_error().find("grew"), std::string::npos);
}

TEST(ByteSource, AFileThatShrinksWhileReadReportsTheBytesItHashed) {
  testing::TempDir tmp;
  const std::string content = numbered_lines(0, 40000);
  const std::string path = tmp.write("shrink.log", content);
  std::string error;
  auto src = ByteSource::open(path, &error);
  ASSERT_TRUE(src) << error;
  ASSERT_EQ(::truncate(path.c_str(), 100000), 0);
  all_lines(*src);
  EXPECT_EQ(src->finish_hash(), sha256_of(content.substr(0, 100000)));
  EXPECT_EQ(src->file_size(), 100000u);
  EXPECT_NE(src->stream_error().find("shrank"), std::string::npos) << src->stream_error();
}

TEST(ByteSource, AFileThatStaysPutHasNoStreamError) {
  testing::TempDir tmp;
  const std::string content = numbered_lines(0, 1000);
  std::string error;
  auto src = ByteSource::open(tmp.write("a.log", content), &error);
  ASSERT_TRUE(src) << error;
  EXPECT_EQ(all_lines(*src).size(), 1000u);
  EXPECT_EQ(src->finish_hash(), sha256_of(content));
  EXPECT_EQ(src->stream_error(), "");
}

// Opens `path` on another thread; gives up after five seconds (then opens the FIFO for writing
// so that a blocked open returns and the thread can end).
std::pair<bool, std::string> open_within_seconds(const std::string& path) {
  auto result = std::make_shared<std::promise<std::string>>();
  auto done = result->get_future();
  std::thread([path, result] {
    std::string error;
    auto src = ByteSource::open(path, &error);
    result->set_value(src ? std::string("opened") : error);
  }).detach();
  if (done.wait_for(std::chrono::seconds(5)) == std::future_status::ready) {
    return {true, done.get()};
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
  done.wait_for(std::chrono::seconds(5));
  return {false, ""};
}

// D9: a FIFO, socket or device given as input is refused at once, never waited on.
TEST(ByteSource, NamedPipesSocketsAndDevicesAreRefusedWithoutBlocking) {
  testing::TempDir tmp;
  const std::string fifo = tmp.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto [finished, why] = open_within_seconds(fifo);
  ASSERT_TRUE(finished) << "opening a FIFO blocked";
  EXPECT_NE(why.find("not a regular file (a named pipe)"), std::string::npos) << why;

  const std::string sock_path = tmp.file("sock");
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string error;
  EXPECT_FALSE(ByteSource::open(sock_path, &error));
  EXPECT_NE(error.find("(a socket)"), std::string::npos) << error;
  ::close(sock);

  EXPECT_FALSE(ByteSource::open("/dev/null", &error));
  EXPECT_NE(error.find("(a character device)"), std::string::npos) << error;
  EXPECT_FALSE(ByteSource::open(tmp.path(), &error));
  EXPECT_NE(error.find("(a directory)"), std::string::npos) << error;
  EXPECT_FALSE(ByteSource::open(tmp.file("missing"), &error));
  EXPECT_NE(error.find("cannot open: "), std::string::npos) << error;
}

}  // namespace
}  // namespace callhome
