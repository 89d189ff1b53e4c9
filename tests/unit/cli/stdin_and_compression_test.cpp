// End-to-end: "-" reads standard input, detected as a file is; bzip2, xz and zstd are read like
// gzip, told by their magic and not by a name; compressions callhome does not read, archives,
// damaged and truncated streams are each said, naming the input, and never stop the run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "unit/cli/shell.h"
#include "unit/ingest/compress.h"
#include "unit/temp_dir.h"

namespace {

using Result = callhome::testing::ShellResult;
using callhome::testing::TempDir;

// Runs callhome in `dir`, standard error merged into the output; killed after 20 seconds.
Result run_in(const TempDir& dir, const std::string& args) {
  return callhome::testing::shell("cd '" + dir.path() + "' && timeout -s KILL 20 " +
                                  std::string(CALLHOME_BINARY) + " " + args + " 2>&1");
}

const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";

// Squid's native log, `n` requests a minute apart.
std::string squid_log(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += std::to_string(1163770223 + 60 * i) +
           ".395    120 192.168.0.14 TCP_MISS/200 812 GET http://www.usa.gov/" + std::to_string(i) +
           " - DIRECT/www.usa.gov text/html\n";
  }
  return out;
}

TEST(StdinInput, ACaptureOnStandardInputIsReadAsTheFileIs) {
  TempDir tmp;
  const Result from_stdin = run_in(tmp, "inputs - < " + kExample);
  ASSERT_EQ(from_stdin.status, 0) << from_stdin.out;
  EXPECT_NE(from_stdin.out.find("<stdin>: pcap, 5390 bytes, 68 records, 0 rejected"),
            std::string::npos)
      << from_stdin.out;
  // The connections are the file's, byte for byte.
  const Result conn_stdin = run_in(tmp, "conn - < " + kExample);
  const Result conn_file = run_in(tmp, "conn " + kExample);
  ASSERT_EQ(conn_stdin.status, 0);
  EXPECT_EQ(conn_stdin.out, conn_file.out);
}

TEST(StdinInput, ACompressedLogOnStandardInputIsDetectedHashedAndNamed) {
  TempDir tmp;
  const std::string packed = callhome::testing::bzip2_bytes(squid_log(5));
  tmp.write("piped", packed);
  const Result r = run_in(tmp, "analyze --json - - < piped");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\"path\": \"<stdin>\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"format\": \"squid\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"records\": 5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"bytes\": " + std::to_string(packed.size())), std::string::npos)
      << "the size and hash are of the bytes as piped in";
}

TEST(StdinInput, StandardInputTwiceIsReadOnceAndSaid) {
  TempDir tmp;
  const Result r = run_in(tmp, "inputs - - < " + kExample);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("standard input given more than once; read once"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("<stdin>: pcap"), r.out.rfind("<stdin>: pcap")) << r.out;
}

TEST(StdinInput, YearlessLinesOnStandardInputAreReadAsThisYearAndSaid) {
  TempDir tmp;
  tmp.write("kern.log",
            "Nov 17 13:12:50 gw kernel: [UFW BLOCK] IN=eth1 OUT=eth0 SRC=192.168.0.13 "
            "DST=72.246.53.81 LEN=48 TOS=0x00 PREC=0x00 TTL=127 ID=4321 DF PROTO=TCP SPT=2499 "
            "DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0\n");
  const Result r = run_in(tmp, "analyze - < kern.log");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("--year was not given: read as"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(the current year)"), std::string::npos) << r.out;
}

// Named with no hint of their compression: the magic bytes tell it.
TEST(CompressedInput, Bzip2XzAndZstdAreReadLikeGzip) {
  TempDir tmp;
  const std::string log = squid_log(3);
  tmp.write("a", callhome::testing::bzip2_bytes(log));
  tmp.write("b.log", callhome::testing::xz_bytes(log));
  tmp.write("c.txt", callhome::testing::zstd_bytes(log + squid_log(4)));
  const Result r = run_in(tmp, "inputs a b.log c.txt");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(r.out.starts_with("a: squid, ")) << r.out;
  EXPECT_NE(r.out.find(" 3 records, 0 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b.log: squid, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("c.txt: squid, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 7 records, 0 rejected"), std::string::npos) << r.out;
}

TEST(CompressedInput, AnUnsupportedCompressionSaysWhatToDo) {
  TempDir tmp;
  tmp.write("fw.log.lz4", std::string("\x04\x22\x4d\x18\x64\x40\xa7\x00\x00\x00\x00", 11));
  tmp.write("logs.zip", std::string("PK\x03\x04\x14\x00\x00\x00", 8) + "rest");
  const Result r = run_in(tmp, "analyze fw.log.lz4 logs.zip");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("callhome: fw.log.lz4: compressed with lz4, which callhome does not "
                       "read; decompress it first"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("callhome: logs.zip: compressed with zip"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("unrecognised format"), std::string::npos) << r.out;
}

TEST(CompressedInput, ATarArchiveIsRefusedNotHalfRead) {
  TempDir tmp;
  std::string tar(512, '\0');
  tar.replace(0, 10, "access.log");
  tar.replace(257, 6, std::string("ustar\0", 6));
  tmp.write("logs.tgz", callhome::testing::gzip_bytes(tar + squid_log(3) + std::string(1024, 0)));
  const Result r = run_in(tmp, "inputs logs.tgz");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("logs.tgz: a tar archive, which callhome does not read; extract it first"),
            std::string::npos)
      << r.out;
}

TEST(CompressedInput, TruncatedAndDamagedStreamsAreNamedCountedAndTheRunGoesOn) {
  TempDir tmp;
  const std::string big = squid_log(20000);
  const std::string xz = callhome::testing::xz_bytes(big);
  tmp.write("cut.xz", xz.substr(0, xz.size() / 2));
  std::string zst = callhome::testing::zstd_bytes(squid_log(50));
  for (size_t i = zst.size() / 2; i < zst.size() / 2 + 8; ++i) zst[i] ^= 0x5a;
  tmp.write("damaged.zst", zst);
  tmp.write("good.log", squid_log(2));
  const Result r = run_in(tmp, "analyze cut.xz damaged.zst good.log");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("callhome: cut.xz: xz data truncated (no end of stream)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("callhome: damaged.zst: zstd data corrupt: "), std::string::npos) << r.out;
  // The truncated one gave what it held; the damaged one nothing, and is counted as unusable
  // without being called an unknown format.
  EXPECT_NE(r.out.find("warning: 1 of 3 inputs could not be used"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("unrecognised format"), std::string::npos) << r.out;
}

}  // namespace
