// Every real capture under ../shared/corpus is read to the end with no crash (the suite also
// runs under ASan/UBSan), and the number of packets read equals what capinfos counts.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

#include "unit/cli/shell.h"

namespace {
namespace fs = std::filesystem;

std::string run(const std::string& cmd) {
  return callhome::testing::shell(cmd).out;
}

TEST(CorpusCaptures, EveryCaptureReadsCompletelyWithCapinfosPacketCount) {
  const fs::path corpus = CALLHOME_CORPUS_DIR;
  if (!fs::exists(corpus)) GTEST_SKIP() << "../shared/corpus absent: real captures not read";
  if (run("command -v capinfos").empty()) GTEST_SKIP() << "capinfos not installed";
  const std::regex ours(R"(: (\d+) records, (\d+) rejected)");
  const std::regex theirs(R"(Number of packets:\s*(\d+))");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const auto ext = entry.path().extension().string();
    if (ext != ".pcap" && ext != ".pcapng" && ext != ".cap") continue;
    const std::string path = entry.path().string();
    std::string expected = run("capinfos -c -M '" + path + "' 2>/dev/null");
    std::smatch m;
    if (!std::regex_search(expected, m, theirs)) continue;  // capinfos cannot read it either
    const std::string count = m[1];
    std::string out = run(std::string(CALLHOME_BINARY) + " conn --stats '" + path +
                          "' 2>&1 >/dev/null; echo status=$?");
    ASSERT_NE(out.find("status=0"), std::string::npos) << path << "\n" << out;
    ASSERT_TRUE(std::regex_search(out, m, ours)) << path << "\n" << out;
    EXPECT_EQ(m[1].str(), count) << path << "\n" << out;
    ++files;
  }
  std::printf("%d captures read, packet counts compared with capinfos\n", files);
  EXPECT_GT(files, 100);
}

}  // namespace
