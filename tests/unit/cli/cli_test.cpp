// End-to-end tests of the callhome command on the shipped example and on bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {
namespace fs = std::filesystem;

using Result = callhome::testing::ShellResult;
using callhome::testing::TempDir;

// Runs callhome with `args`, standard error merged into the output.
Result run(const std::string& args) {
  return callhome::testing::shell(std::string(CALLHOME_BINARY) + " " + args + " 2>&1");
}

const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";

TEST(Cli, ConnWritesZeekHeaderAndTheScanAttempts) {
  Result r = run("conn " + kExample);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"),
            std::string::npos);
  // One of the 33 SYNs to tcp/1214 that nobody answered.
  EXPECT_NE(
      r.out.find("192.168.1.3\t1100\t128.2.10.11\t1214\ttcp\t-\t-\t-\t-\tS0\tT\tF\t0\tS\t1\t40"),
      std::string::npos)
      << r.out;
  // The refused one.
  EXPECT_NE(r.out.find("\t142.104.6.1\t1214\ttcp\t-\t"), std::string::npos);
  EXPECT_NE(r.out.find("REJ"), std::string::npos);
  // The web request through the proxy completed normally.
  EXPECT_NE(r.out.find("192.168.1.2\t3128\ttcp"), std::string::npos);
  // The proxy answered with data but never a bare ack: no "a" in the history.
  EXPECT_NE(r.out.find("SF\tT\tT\t0\tShADdFf"), std::string::npos) << r.out;
}

TEST(Cli, ConnJsonUsesZeekFieldNames) {
  Result r = run("conn --json " + kExample);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\"id.orig_h\":\"192.168.1.3\",\"id.orig_p\":1100"), std::string::npos);
  EXPECT_NE(r.out.find("\"conn_state\":\"S0\""), std::string::npos);
}

TEST(Cli, UnrecognisedInputIsExitStatus2NamingTheFile) {
  TempDir tmp;
  fs::path junk = tmp.file("junk.bin");
  std::ofstream(junk) << "\x01\x02 this is neither a capture nor a log \x7f\n";
  Result r = run("conn " + junk.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find(junk.string()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unrecognised format"), std::string::npos) << r.out;
}

TEST(Cli, MissingFileAndBadUsageAreExitStatus2) {
  EXPECT_EQ(run("conn /nonexistent/file.pcap").status, 2);
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("").status, 2);
}

// A one-packet capture (LINKTYPE_RAW): a SYN-ACK from 35.221.46.9:80 to 192.168.1.28:53246,
// checksums left zero (not verified).
std::string syn_ack_from_port_80() {
  const unsigned char file_header[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0,   0, 0, 0,
                                       0,    0,    0,    0,    0, 0, 1, 0, 101, 0, 0, 0};
  const unsigned char record_header[] = {0x23, 0x8b, 0x87, 0x5f, 0,  0, 0, 0,
                                         40,   0,    0,    0,    40, 0, 0, 0};
  const unsigned char packet[] = {0x45, 0,    0,    40,   0,    0, 0x40, 0,    64, 6,
                                  0,    0,    35,   221,  46,   9, 192,  168,  1,  28,  // IPv4
                                  0,    80,   0xcf, 0xfe, 0,    0, 0x13, 0x88, 0,  0,
                                  0x03, 0xe9, 0x50, 0x12, 0x20, 0, 0,    0,    0,  0};
  std::string out(reinterpret_cast<const char*>(file_header), sizeof file_header);
  out.append(reinterpret_cast<const char*>(record_header), sizeof record_header);
  out.append(reinterpret_cast<const char*>(packet), sizeof packet);
  return out;
}

// --likely-server-ports is Zeek's likely_server_ports: with port 80 in it (the default) the
// SYN-ACK's receiver is the originator; without it (`zeek -b` loading no HTTP analyzer) the
// connection stays as seen.
TEST(Cli, ConnLikelyServerPortsDecideWhoBeganAConnectionSeenWithoutItsSyn) {
  TempDir tmp;
  const fs::path pcap = tmp.file("syn-ack.pcap");
  std::ofstream(pcap, std::ios::binary) << syn_ack_from_port_80();
  const std::string flipped = "\t192.168.1.28\t53246\t35.221.46.9\t80\ttcp\t";
  const std::string as_seen = "\t35.221.46.9\t80\t192.168.1.28\t53246\ttcp\t";
  for (const char* list : {"", "--likely-server-ports default ", "--likely-server-ports 80/tcp ",
                           "--likely-server-ports=443/tcp,default "}) {
    Result r = run("conn " + std::string(list) + pcap.string());
    ASSERT_EQ(r.status, 0) << list << r.out;
    EXPECT_NE(r.out.find(flipped), std::string::npos) << list << r.out;
    EXPECT_NE(r.out.find("\t^h\t"), std::string::npos) << list << r.out;
  }
  for (const char* list : {"none", "8080/tcp,53/udp", "80/udp"}) {
    Result r = run("conn --likely-server-ports " + std::string(list) + " " + pcap.string());
    ASSERT_EQ(r.status, 0) << list << r.out;
    EXPECT_NE(r.out.find(as_seen), std::string::npos) << list << r.out;
    EXPECT_NE(r.out.find("\tH\t"), std::string::npos) << list << r.out;
  }
  Result bad = run("conn --likely-server-ports 80/tcp,http " + pcap.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("'http' is not PORT/tcp"), std::string::npos) << bad.out;
}

TEST(Cli, TruncatedCaptureStillYieldsTheConnectionsBeforeTheDamage) {
  TempDir tmp;
  fs::path cut = tmp.file("cut.pcap");
  auto size = fs::file_size(kExample);
  {
    std::ifstream in(kExample, std::ios::binary);
    std::string bytes(size, '\0');
    in.read(bytes.data(), std::streamsize(size));
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, size - 30);
  }
  Result r = run("conn " + cut.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("truncated"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("S0"), std::string::npos);
}

TEST(Cli, AnalyzeRanksTheScanningPcFirst) {
  Result r = run("analyze " + std::string(CALLHOME_SOURCE_DIR) + "/examples");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("#1 HIGH 192.168.1.3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("outbound_scan: 192.168.1.3 probed tcp/1214"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("port_fallback: 192.168.1.3 tried 206.142.53.27 on ports 1214 -> 80 -> "
                       "8080 until 8080 worked"),
            std::string::npos)
      << r.out;
  // Evidence cites the exact packet.
  EXPECT_NE(r.out.find("case1-lab.pcap packet 23: tcp SYN to 128.2.10.11:1214"), std::string::npos)
      << r.out;
}

TEST(Cli, AnalyzeWritesTheFindingsDocumentAndReportFolder) {
  TempDir tmp;
  fs::path dir = tmp.file("report");
  Result r =
      run("analyze -o " + dir.string() + " --json " + (dir / "f.json").string() + " " + kExample);
  ASSERT_EQ(r.status, 0) << r.out;
  for (const char* name :
       {"report.html", "report.md", "findings.json", "conn.log", "manifest.json", "f.json"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  std::ifstream in(dir / "findings.json");
  std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(doc.find("\"kind\": \"outbound_scan\""), std::string::npos);
  EXPECT_NE(doc.find("\"ref\": \"packet 23\""), std::string::npos);
  EXPECT_NE(doc.find("\"sha256\": \""), std::string::npos);
  EXPECT_NE(doc.find("\"hypotheses\""), std::string::npos);
}

}  // namespace

namespace {

// Progress goes to a terminal only: through a pseudo-terminal (script(1)) the line appears and is
// erased again; into a pipe nothing of it is written.
TEST(Cli, ProgressOnlyWhenStandardErrorIsATerminal) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "script(1) from bsdutils is needed to give the command a terminal";
  }
  const std::string cmd = std::string(CALLHOME_BINARY) + " analyze " + kExample + " >/dev/null";
  const Result tty_run = callhome::testing::shell("script -qec '" + cmd + "' /dev/null");
  EXPECT_EQ(tty_run.status, 0);
  const std::string& tty = tty_run.out;
  EXPECT_NE(tty.find("\r\033[Kcallhome: [1/1] "), std::string::npos) << tty;
  EXPECT_NE(tty.find("running the detectors"), std::string::npos) << tty;
  EXPECT_EQ(tty.substr(tty.size() - 4), "\r\033[K") << "the line is erased at the end";

  // Standard error alone into the pipe: the warning about the missing input shows (so the pipe
  // does get standard error), progress must not.
  const Result piped_run =
      callhome::testing::shell(std::string(CALLHOME_BINARY) + " analyze " + kExample +
                               " /nonexistent/input.pcap 2>&1 >/dev/null");
  EXPECT_EQ(piped_run.status, 0);
  const std::string& piped = piped_run.out;
  EXPECT_NE(piped.find("could not be used"), std::string::npos) << piped;
  EXPECT_EQ(piped.find("\033[K"), std::string::npos) << piped;
  EXPECT_EQ(piped.find("[1/1]"), std::string::npos) << piped;
  EXPECT_EQ(piped.find("running the detectors"), std::string::npos) << piped;
}

}  // namespace

namespace {

// Syslog lines carry no year: another input's timestamps give it, before the file's date does.
TEST(Cli, SyslogYearComesFromTheOtherInputs) {
  TempDir tmp;
  const fs::path dir = tmp.path();
  {
    std::ofstream fw(dir / "a-kern.log");  // named to be read first; written today
    fw << "Nov 17 13:12:50 gw kernel: [UFW BLOCK] IN=eth1 OUT=eth0 SRC=192.168.0.13 "
          "DST=72.246.53.81 LEN=48 TOS=0x00 PREC=0x00 TTL=127 ID=4321 DF PROTO=TCP SPT=2499 "
          "DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0\n";
    std::ofstream squid(dir / "b-access.log");  // 2006-11-17 13:30 UTC
    squid << "1163770223.395    120 192.168.0.14 TCP_MISS/200 812 GET http://www.usa.gov/ - "
             "DIRECT/www.usa.gov text/html\n";
  }
  Result r = run("analyze --json - " + dir.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("read as 2006 (the year of the other inputs' timestamps)"),
            std::string::npos)
      << r.out;
  // 2006-11-17 13:12:50 UTC, and the inputs keep the order they were given in.
  const auto first = r.out.find("\"first_ts\": 1163769170.0");
  EXPECT_NE(first, std::string::npos) << r.out;
  EXPECT_LT(r.out.find("a-kern.log"), r.out.find("b-access.log"));
}

TEST(Cli, InputsSaysWhatEachFileIsAndWhatItHolds) {
  TempDir tmp;
  const fs::path dir = tmp.path();
  {
    std::ofstream squid(dir / "access.log");
    squid << "1163770223.395    120 192.168.0.14 TCP_MISS/200 812 GET http://www.usa.gov/ - "
             "DIRECT/www.usa.gov text/html\n"
             "1163770224.000      0 <script>alert(1)</script>\n"
             "1163770283.395     50 192.168.0.14 TCP_DENIED/407 0 CONNECT x.example:443 - "
             "HIER_NONE/- -\n";
    std::ofstream(dir / "notes.txt") << "\x1b[31mnot evidence\n";
  }
  Result r = run("inputs " + kExample + " " + dir.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("case1-lab.pcap: pcap, 5390 bytes, 68 records, 0 rejected, 2001-05-16 "
                       "13:58:00 to 2001-05-16 13:59:12 UTC; 48 connections, 2 web requests, 3 DNS "
                       "lookups, 1 server name\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("access.log: squid, 245 bytes, 2 records, 1 rejected, 2006-11-17 13:30:23 "
                       "to 2006-11-17 13:31:23 UTC; 2 web requests"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("access.log: line 2 (offset 107):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("notes.txt: not usable: unrecognised format"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "evidence reached the terminal unescaped";
}

}  // namespace
