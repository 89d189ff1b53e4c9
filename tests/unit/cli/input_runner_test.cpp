#include "cli/input_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "detect/attempt.h"
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

struct Connections : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

// A verdict-less table reads as attempts of unrecorded outcome, unless the analyst declared the
// input a list of blocked connections: then every record is blocked, and the input says why.
TEST(RunInput, DeclaredBlockedListMakesEveryRecordBlocked) {
  testing::TempDir tmp;
  const std::string path =
      tmp.write("fw/denies.csv",
                "Date,Time,Protocol,Source IP,Source Port,Destination IP,Destination Port\n"
                "17-Nov-06,13:12:18,TCP,192.168.0.13,2480,72.246.53.83,80 (HTTP)\n"
                "17-Nov-06,13:12:19,TCP,192.168.0.13,2481,72.246.53.90,80 (HTTP)\n");
  RunOptions options;
  {
    Connections sink;
    InputReport report;
    ASSERT_EQ(run_input(path, 0, options, sink, report), InputResult::read);
    ASSERT_EQ(sink.conns.size(), 2u);
    EXPECT_EQ(sink.conns[0].action, Action::unknown);
    EXPECT_TRUE(outcome_unrecorded(sink.conns[0]));
    EXPECT_EQ(outcome_of(sink.conns[0]), Outcome::unknown);
  }
  for (const std::string& pattern :
       {path, std::string("denies.csv"), std::string("*.csv"), tmp.path() + "/fw/*.csv",
        tmp.path() + "/fw", tmp.path() + "/fw/../fw/denies.csv"}) {
    SCOPED_TRACE(pattern);
    options.blocked_lists = {{pattern, "--blocked-list " + pattern}};
    Connections sink;
    InputReport report;
    ASSERT_EQ(run_input(path, 0, options, sink, report), InputResult::read);
    ASSERT_EQ(sink.conns.size(), 2u);
    for (const auto& c : sink.conns) {
      EXPECT_EQ(c.action, Action::blocked);
      EXPECT_FALSE(outcome_unrecorded(c));
    }
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_NE(report.problems[0].what.find("every record read as blocked"), std::string::npos);
    EXPECT_NE(report.problems[0].what.find("--blocked-list " + pattern), std::string::npos);
  }
  // Patterns that name something else leave the input alone.
  for (const std::string& pattern :
       {std::string("*.txt"), std::string("other/denies.csv"), tmp.path() + "/elsewhere"}) {
    EXPECT_FALSE(declared_blocked(path, {{pattern, "x"}})) << pattern;
  }
}

}  // namespace
}  // namespace callhome
