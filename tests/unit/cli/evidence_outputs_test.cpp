// End-to-end tests of "evidence is sacred" on the output side (reliability report 2026-12,
// defects D1, D2, D3, D6, D7, D8, D11, D12, D13, D17): no output ever replaces a device node, a
// link or an input; a report folder is never half written nor a mix of two runs; every failed
// write is a non-zero exit; the same evidence given twice is read once. Every test works in its
// own scratch directory; device nodes are made there with mknod, never taken from /dev.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {
namespace fs = std::filesystem;

using Result = callhome::testing::ShellResult;
using callhome::testing::TempDir;

const std::string kBinary = CALLHOME_BINARY;
const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";

// Runs callhome with `args` in `dir` (a scratch directory), standard error into the captured
// output (before `args`, so that a redirection of standard output in them leaves it there).
Result run_in(const TempDir& dir, const std::string& args) {
  return callhome::testing::shell("cd '" + dir.path() + "' && " + kBinary + " 2>&1 " + args);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

mode_t type_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

// Makes a character device node like /dev/full (1,7) or /dev/null (1,3) in the scratch dir.
bool make_char_device(const std::string& path, unsigned major, unsigned minor) {
  return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(major, minor)) == 0;
}

#define MAKE_DEVICE_OR_SKIP(path, major, minor)                                       \
  if (!make_char_device(path, major, minor)) {                                        \
    GTEST_SKIP() << "mknod " << path                                                  \
                 << " failed (needs CAP_MKNOD, e.g. root): " << std::strerror(errno); \
  }

// `text` without conn.log's "#open" and "#close" lines, which carry the time of the run.
std::string without_run_times(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + start, end - start);
    if (!line.starts_with("#open\t") && !line.starts_with("#close\t")) out += line;
    start = end;
  }
  return out;
}

// Name -> content of every entry in `dir` (folders shown as "<dir>"), run times left out.
std::map<std::string, std::string> contents(const std::string& dir) {
  std::map<std::string, std::string> all;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    all[e.path().filename().string()] =
        e.is_directory() && !e.is_symlink() ? "<dir>" : without_run_times(slurp(e.path().string()));
  }
  return all;
}

// Entries a run may have left in `dir`: callhome's temporaries and the old ".tmp" names.
std::vector<std::string> leftovers(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(".callhome-") || name.ends_with(".tmp")) found.push_back(name);
  }
  return found;
}

std::string copy_example(const TempDir& tmp, const std::string& name) {
  fs::create_directories(fs::path(tmp.file(name)).parent_path());
  fs::copy_file(kExample, tmp.file(name));
  return tmp.file(name);
}

// ---- D1, D13: --json onto devices, FIFOs, links, evidence, long names

TEST(EvidenceOutputs, D1JsonOntoAFullDeviceFailsAndKeepsTheDevice) {
  TempDir tmp;
  MAKE_DEVICE_OR_SKIP(tmp.file("full"), 1, 7);
  const Result r = run_in(tmp, "analyze --json full " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot write full"), std::string::npos) << r.out;
  EXPECT_EQ(type_of(tmp.file("full")), S_IFCHR) << "the device node was replaced";
  EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(EvidenceOutputs, D1JsonOntoANullDeviceWritesThroughIt) {
  TempDir tmp;
  MAKE_DEVICE_OR_SKIP(tmp.file("null"), 1, 3);
  const Result r = run_in(tmp, "analyze --json null " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(type_of(tmp.file("null")), S_IFCHR) << "the device node was replaced";
}

TEST(EvidenceOutputs, D1JsonOntoABlockDeviceIsRefused) {
  TempDir tmp;
  if (::mknod(tmp.file("disk").c_str(), S_IFBLK | 0600, makedev(7, 0)) != 0) {
    GTEST_SKIP() << "mknod of a block device failed (needs CAP_MKNOD): " << std::strerror(errno);
  }
  const Result r = run_in(tmp, "analyze --json disk " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("block device"), std::string::npos) << r.out;
  EXPECT_EQ(type_of(tmp.file("disk")), S_IFBLK);
}

TEST(EvidenceOutputs, D1JsonOntoAFifoWritesIntoThePipe) {
  TempDir tmp;
  ASSERT_EQ(::mkfifo(tmp.file("pipe").c_str(), 0600), 0);
  // The reader gives up after 20 s, so a run that renames the FIFO away cannot hang the test.
  const Result r = callhome::testing::shell(
      "cd '" + tmp.path() + "' && { timeout 20 cat pipe > got & " + kBinary +
      " analyze --json pipe " + kExample + " >/dev/null 2>&1; rc=$?; wait; exit $rc; }");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(type_of(tmp.file("pipe")), S_IFIFO) << "the FIFO was replaced";
  EXPECT_NE(slurp(tmp.file("got")).find("\"findings\""), std::string::npos);
}

TEST(EvidenceOutputs, D1JsonThroughALinkToStandardOutputLandsOnStandardOutput) {
  TempDir tmp;
  // What /dev/stdout is, made in the scratch dir.
  fs::create_symlink("/proc/self/fd/1", tmp.file("stdout"));
  Result r = run_in(tmp, "analyze --json stdout " + kExample + " > out.txt");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(type_of(tmp.file("stdout")), S_IFLNK) << "the link was replaced";
  const std::string out = slurp(tmp.file("out.txt"));
  EXPECT_NE(out.find("192.168.1.3"), std::string::npos) << "the text report was lost";
  EXPECT_NE(out.find("\"findings\""), std::string::npos) << out;

  r = callhome::testing::shell("cd '" + tmp.path() + "' && " + kBinary + " analyze --json stdout " +
                               kExample + " | cat");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("\"findings\""), std::string::npos) << r.out;
  EXPECT_EQ(type_of(tmp.file("stdout")), S_IFLNK);
}

TEST(EvidenceOutputs, D1JsonThroughALinkReplacesTheFileAndKeepsTheLink) {
  TempDir tmp;
  tmp.write("t", "target\n");
  fs::create_symlink("t", tmp.file("link"));
  const Result r = run_in(tmp, "analyze --json link " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(type_of(tmp.file("link")), S_IFLNK) << "the link was replaced";
  EXPECT_NE(slurp(tmp.file("t")).find("\"findings\""), std::string::npos);
}

TEST(EvidenceOutputs, D1JsonNamingAnInputIsRefusedBeforeAnythingIsWritten) {
  TempDir tmp;
  const std::string ev = copy_example(tmp, "case/ev.pcap");
  const std::string before = slurp(ev);
  for (const std::string args :
       {"analyze --json case/ev.pcap case/ev.pcap", "analyze --json case/ev.pcap case",
        "analyze -o out --json case/ev.pcap case"}) {
    const Result r = run_in(tmp, args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("is one of the inputs"), std::string::npos) << r.out;
    EXPECT_EQ(slurp(ev), before) << args << ": the evidence was overwritten";
    EXPECT_FALSE(fs::exists(tmp.file("out"))) << args;
    EXPECT_TRUE(leftovers(tmp.path()).empty()) << args;
  }
}

TEST(EvidenceOutputs, D13JsonWithA255CharacterFileName) {
  TempDir tmp;
  const std::string name(255, 'j');
  const Result r = run_in(tmp, "analyze --json " + name + " " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(slurp(tmp.file(name)).find("\"findings\""), std::string::npos);
  EXPECT_TRUE(leftovers(tmp.path()).empty());
}

// ---- D3: predictable temporary names planted as links

TEST(EvidenceOutputs, D3LinksPlantedAtTemporaryNamesAreNeverFollowed) {
  TempDir tmp;
  tmp.write("victim", "IMPORTANT\n");
  fs::create_symlink(tmp.file("victim"), tmp.file("f.json.tmp"));
  Result r = run_in(tmp, "analyze --json f.json " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(slurp(tmp.file("victim")), "IMPORTANT\n");
  EXPECT_EQ(type_of(tmp.file("f.json.tmp")), S_IFLNK);
  EXPECT_NE(slurp(tmp.file("f.json")).find("\"findings\""), std::string::npos);

  // In the report folder: a folder holding anything callhome did not write is refused whole.
  fs::create_directories(tmp.file("o"));
  for (const char* name : {"report.md.tmp", "conn.log.tmp", "findings.json.tmp", "report.md"}) {
    fs::create_symlink(tmp.file("victim"), tmp.file(std::string("o/") + name));
  }
  r = run_in(tmp, "analyze -o o " + kExample + " >/dev/null");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("callhome did not write"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(tmp.file("victim")), "IMPORTANT\n");
  EXPECT_EQ(type_of(tmp.file("o/report.md")), S_IFLNK);
}

// ---- D2: -o inside or equal to an input directory

TEST(EvidenceOutputs, D2OutputFolderHoldingEvidenceIsRefused) {
  TempDir tmp;
  const std::string log = tmp.write(
      "zk/conn.log",
      "{\"ts\":1600000000.1,\"uid\":\"C1\",\"id.orig_h\":\"192.168.1.2\",\"id.orig_p\":1,"
      "\"id.resp_h\":\"8.8.8.8\",\"id.resp_p\":53,\"proto\":\"udp\",\"conn_state\":\"SF\"}\n");
  const std::string before = slurp(log);
  const Result r = run_in(tmp, "analyze -o zk zk");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(slurp(log), before) << "the evidence was overwritten";
  EXPECT_EQ(contents(tmp.file("zk")).size(), 1u);
  EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(EvidenceOutputs, D2OutputFolderInsideTheInputIsNeverReadBack) {
  TempDir tmp;
  copy_example(tmp, "case/case1-lab.pcap");
  // What a killed run leaves: a temporary folder with a partial conn.log. Not evidence either.
  tmp.write("case/.callhome-AbC123/conn.log", "#fields\tts\n");
  for (int i = 0; i < 3; ++i) {
    const Result r = run_in(tmp, "analyze -o case/report --json - case");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(count(r.out, "\"path\": "), 1u) << "run " << i << ": " << r.out;
    EXPECT_NE(r.out.find("\"records\": 68,"), std::string::npos) << "run " << i << r.out;
    EXPECT_NE(r.out.find("left by an interrupted run"), std::string::npos) << r.out;
    if (i > 0) {
      EXPECT_NE(r.out.find("report folder being written"), std::string::npos) << r.out;
    }
  }
  EXPECT_EQ(contents(tmp.file("case/report")).size(), 6u);
}

// ---- D6: write errors on standard output

TEST(EvidenceOutputs, D6AWriteErrorOnStandardOutputIsExitStatus1) {
  TempDir tmp;
  MAKE_DEVICE_OR_SKIP(tmp.file("full"), 1, 7);
  for (const std::string cmd : {"conn", "conn --json", "analyze", "analyze --json -", "inputs"}) {
    const Result r = run_in(tmp, cmd + " " + kExample + " >full");
    EXPECT_EQ(r.status, 1) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find("cannot write to standard output"), std::string::npos) << cmd << r.out;
  }
}

// ---- D7, D12: a failed run writes nothing and leaves nothing

// Runs `args` with files limited to `kib` KiB: writes beyond fail with EFBIG, as on a full disk
// (SIGXFSZ ignored so that the write fails instead of killing the process).
Result run_with_file_limit(const TempDir& dir, int kib, const std::string& args) {
  return callhome::testing::shell("cd '" + dir.path() + "' && bash -c \"trap '' XFSZ; ulimit -f " +
                                  std::to_string(kib) + "; exec " + kBinary + " " + args +
                                  "\" 2>&1");
}

TEST(EvidenceOutputs, D7AFullDiskUnderTheReportFolderRenamesNothing) {
  TempDir tmp;
  // A new folder: nothing appears.
  Result r = run_with_file_limit(tmp, 4, "analyze -o out " + kExample);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("cannot write the report"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(tmp.file("out")));
  EXPECT_TRUE(leftovers(tmp.path()).empty());

  // The previous report stays whole.
  ASSERT_EQ(run_in(tmp, "analyze -o out " + kExample).status, 0);
  const auto before = contents(tmp.file("out"));
  tmp.write("other/access.log",
            "1163770223.395    120 192.168.0.14 TCP_MISS/200 812 GET http://www.usa.gov/ - "
            "DIRECT/www.usa.gov text/html\n");
  r = run_with_file_limit(tmp, 4, "analyze -o out other " + kExample);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(contents(tmp.file("out")), before);
  EXPECT_TRUE(leftovers(tmp.path()).empty());

  // --json too.
  tmp.write("f.json", "previous\n");
  r = run_with_file_limit(tmp, 4, "analyze --json f.json " + kExample);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_EQ(slurp(tmp.file("f.json")), "previous\n");
  EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(EvidenceOutputs, D12AFailedRunLeavesNoTemporaries) {
  TempDir tmp;
  tmp.write("empty.pcap", "");
  Result r = run_in(tmp, "analyze -o o empty.pcap");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_FALSE(fs::exists(tmp.file("o")));
  EXPECT_TRUE(leftovers(tmp.path()).empty());

  fs::create_directories(tmp.file("p/findings.json"));
  r = run_in(tmp, "analyze -o p " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(fs::is_directory(tmp.file("p/findings.json")));
  EXPECT_EQ(contents(tmp.file("p")).size(), 1u);
  EXPECT_TRUE(leftovers(tmp.path()).empty());
}

TEST(EvidenceOutputs, AReportFolderIsReplacedButAFolderOfOtherFilesIsNot) {
  TempDir tmp;
  ASSERT_EQ(run_in(tmp, "analyze -o out --json out/f.json " + kExample).status, 0);
  const Result again = run_in(tmp, "analyze -o out --json out/f.json " + kExample);
  EXPECT_EQ(again.status, 0) << again.out;
  EXPECT_EQ(contents(tmp.file("out")).size(), 7u);
  EXPECT_TRUE(leftovers(tmp.path()).empty());

  tmp.write("mine/notes.txt", "my notes\n");
  const Result r = run_in(tmp, "analyze -o mine " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(contents(tmp.file("mine")),
            (std::map<std::string, std::string>{{"notes.txt", "my notes\n"}}));
}

// ---- D11: a run killed at any step leaves the old report or the new one, never a mix

TEST(EvidenceOutputs, D11AKilledRunLeavesTheOldReportOrTheNewNeverAMix) {
  TempDir tmp;
  if (callhome::testing::shell("strace -f -o /dev/null -e inject=renameat2:signal=SIGKILL:when=9 "
                               "true 2>&1")
          .status != 0) {
    GTEST_SKIP() << "strace with syscall injection is needed to kill the run at each step";
  }
  tmp.write("other/access.log",
            "1163770223.395    120 192.168.0.14 TCP_MISS/200 812 GET http://www.usa.gov/ - "
            "DIRECT/www.usa.gov text/html\n");
  const std::string old_run = "analyze -o d " + kExample + " >/dev/null";
  const std::string new_run = "analyze -o d other >/dev/null";
  ASSERT_EQ(run_in(tmp, old_run).status, 0);
  const auto old_report = contents(tmp.file("d"));
  ASSERT_EQ(run_in(tmp, new_run).status, 0);
  const auto new_report = contents(tmp.file("d"));
  ASSERT_NE(old_report, new_report);
  ASSERT_EQ(old_report.size(), 6u);
  int killed = 0;
  for (int step = 1; step <= 12; ++step) {
    fs::remove_all(tmp.file("d"));
    ASSERT_EQ(run_in(tmp, old_run).status, 0);
    const Result r = callhome::testing::shell(
        "cd '" + tmp.path() + "' && strace -f -o /dev/null -e inject=rename,renameat,renameat2," +
        "unlink,unlinkat,rmdir,chmod,fchmodat,mkdir:signal=SIGKILL:when=" + std::to_string(step) +
        " " + kBinary + " " + new_run + " 2>&1");
    killed += r.status != 0;
    const auto now = contents(tmp.file("d"));
    EXPECT_TRUE(now == old_report || now == new_report)
        << "killed at step " << step << ": the folder mixes two runs or is incomplete ("
        << now.size() << " files)";
  }
  EXPECT_GT(killed, 0) << "no run was killed: the test checked nothing";
}

// ---- D8: nothing usable in any input

TEST(EvidenceOutputs, D8NoUsableRecordInAnyInputIsExitStatus2WithTheReason) {
  TempDir tmp;
  // A pcap file header cut after 10 bytes.
  tmp.write("trunc_filehdr.pcap", std::string("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00", 10));
  // A whole pcap of 20 packets whose link type (4242) nobody knows.
  std::string pcap(
      "\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00"
      "\xff\xff\x00\x00\x92\x10\x00\x00",
      24);
  for (int i = 0; i < 20; ++i) {
    pcap += std::string("\x00\xca\x9a\x3b\x00\x00\x00\x00\x36\x00\x00\x00\x36\x00\x00\x00", 16);
    pcap += std::string(54, '\x45');
  }
  tmp.write("linktype_unknown.pcap", pcap);
  tmp.write("alert.log",
            "05/30-19:09:10.917356  [**] [1:2012811:1] ET TEST [**] [Priority: 1] {TCP} "
            "192.168.1.3:1100 -> 8.8.8.8:80\n");
  for (const std::string args :
       {"analyze trunc_filehdr.pcap", "analyze linktype_unknown.pcap",
        "analyze --format pcap alert.log", "conn linktype_unknown.pcap",
        "inputs linktype_unknown.pcap", "analyze trunc_filehdr.pcap linktype_unknown.pcap"}) {
    const Result r = run_in(tmp, args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("no usable input"), std::string::npos) << args << r.out;
    EXPECT_EQ(r.out.find("No host shows"), std::string::npos) << args << r.out;
  }
  const Result r = run_in(tmp, "analyze linktype_unknown.pcap");
  EXPECT_NE(r.out.find("linktype_unknown.pcap: no usable records (20 read as pcap, 20 rejected)"),
            std::string::npos)
      << r.out;
  // One usable input is enough to analyse; the unusable one is named.
  const Result mixed = run_in(tmp, "analyze linktype_unknown.pcap " + kExample);
  EXPECT_EQ(mixed.status, 0) << mixed.out;
  EXPECT_NE(mixed.out.find("1 of 2 inputs could not be used"), std::string::npos) << mixed.out;
}

// ---- D17: the same evidence given twice

TEST(EvidenceOutputs, D17TheSameInputGivenTwiceIsReadOnce) {
  TempDir tmp;
  copy_example(tmp, "case/a.pcap");
  copy_example(tmp, "copy.pcap");  // same bytes, another file
  fs::create_hard_link(tmp.file("case/a.pcap"), tmp.file("hard.pcap"));
  for (const std::string args :
       {"case/a.pcap case/a.pcap", "case case/a.pcap", "case/a.pcap ./case/../case/a.pcap",
        "case/a.pcap hard.pcap", "case/a.pcap copy.pcap"}) {
    const Result r = run_in(tmp, "analyze --json - " + args);
    ASSERT_EQ(r.status, 0) << args << r.out;
    EXPECT_EQ(count(r.out, "\"path\": "), 1u) << args << r.out;
    EXPECT_NE(r.out.find("\"records\": 68,"), std::string::npos) << args << r.out;
    EXPECT_NE(r.out.find("; read once"), std::string::npos) << args << r.out;
  }
  // The note is kept in the report folder's manifest.
  ASSERT_EQ(run_in(tmp, "analyze -o out case copy.pcap").status, 0);
  EXPECT_NE(slurp(tmp.file("out/manifest.json")).find("read once"), std::string::npos);
}

}  // namespace
