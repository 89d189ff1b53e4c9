#include "cli/input_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "unit/temp_dir.h"

namespace callhome {
namespace {
namespace fs = std::filesystem;

TEST(ExpandInputs, RotatedSetsGoOldestFirstAndTheLiveFileLast) {
  testing::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "fw");
  for (const char* name :
       {"access.log", "access.log.1", "access.log.2.gz", "access.log.10.gz", "cache.log",
        "fw/kern.log", "fw/kern.log-20061118", "fw/kern.log-20061117.gz", "pfirewall.log",
        "pfirewall.log.old", "zeek.conn.log"}) {
    std::ofstream(dir / name) << "x\n";
  }
  std::vector<std::string> errors;
  const auto files = expand_inputs({dir.string()}, errors);
  EXPECT_TRUE(errors.empty());
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(fs::relative(f, dir).string());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "access.log.10.gz", "access.log.2.gz", "access.log.1", "access.log",
                       "cache.log", "fw/kern.log-20061117.gz", "fw/kern.log-20061118",
                       "fw/kern.log", "pfirewall.log.old", "pfirewall.log", "zeek.conn.log"}));
}

TEST(ExpandInputs, FilesNamedOnTheCommandLineKeepTheirOrder) {
  std::vector<std::string> errors;
  const std::string self = std::string(CALLHOME_SOURCE_DIR) + "/README.md";
  const std::string example = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";
  EXPECT_EQ(expand_inputs({self, example}, errors), (std::vector<std::string>{self, example}));
  EXPECT_EQ(expand_inputs({example, self, "/nonexistent/x.log"}, errors),
            (std::vector<std::string>{example, self}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("/nonexistent/x.log: "), std::string::npos);
}

}  // namespace
}  // namespace callhome
