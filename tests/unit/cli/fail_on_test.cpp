// analyze --fail-on SEVERITY: status 3 when an incident reaches it, 0 when none does, and never
// in place of an error's status.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/fail_on.h"
#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {

using Result = callhome::testing::ShellResult;

Result run(const std::string& args) {
  return callhome::testing::shell(std::string(CALLHOME_BINARY) + " " + args + " 2>&1");
}

// The example's top incident is HIGH (the scanning PC), none is critical.
const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";

TEST(FailOn, Status3WhenAnIncidentReachesTheSeverity) {
  const Result high = run("analyze --fail-on high " + kExample);
  EXPECT_EQ(high.status, 3) << high.out;
  EXPECT_NE(high.out.find("#1 HIGH 192.168.1.3"), std::string::npos) << "the report is printed";
  EXPECT_EQ(run("analyze --fail-on MEDIUM " + kExample).status, 3);
}

TEST(FailOn, Status0WhenNothingReachesItOrWithoutTheOption) {
  EXPECT_EQ(run("analyze --fail-on critical " + kExample).status, 0);
  EXPECT_EQ(run("analyze " + kExample).status, 0);
}

TEST(FailOn, TheReportFolderIsWrittenFirst) {
  callhome::testing::TempDir tmp;
  const Result r = run("analyze --fail-on low -o " + tmp.file("report") + " " + kExample);
  EXPECT_EQ(r.status, 3) << r.out;
  EXPECT_TRUE(std::filesystem::exists(tmp.file("report/findings.json")));
}

TEST(FailOn, ErrorsKeepTheirOwnStatus) {
  EXPECT_EQ(run("analyze --fail-on info /nonexistent/input.pcap").status, 2);
  const Result bad = run("analyze --fail-on hihg " + kExample);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("'hihg' is not a severity; did you mean high?"), std::string::npos)
      << bad.out;
}

TEST(FailOn, ComparesIncidentSeverities) {
  using callhome::Severity;
  std::vector<callhome::Incident> incidents(2);
  incidents[0].severity = Severity::low;
  incidents[1].severity = Severity::medium;
  EXPECT_EQ(callhome::fail_on_status(incidents, Severity::medium), 3);
  EXPECT_EQ(callhome::fail_on_status(incidents, Severity::high), 0);
  EXPECT_EQ(callhome::fail_on_status(incidents, std::nullopt), 0);
  EXPECT_EQ(callhome::severity_named("Critical"), Severity::critical);
  EXPECT_EQ(callhome::severity_named("severe"), std::nullopt);
}

}  // namespace
