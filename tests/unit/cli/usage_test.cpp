// End-to-end: the conventions of the command line. The commands listed when none or a wrong
// one is given, "did you mean" on a typo of a command or an option, `callhome help CMD`,
// examples and EXIT STATUS in every --help, -V, and "callhome:" before every message.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "unit/cli/shell.h"

namespace {

using Result = callhome::testing::ShellResult;

Result stdout_of(const std::string& args) {
  return callhome::testing::shell(std::string(CALLHOME_BINARY) + " " + args + " 2>/dev/null");
}

Result stderr_of(const std::string& args) {
  return callhome::testing::shell(std::string(CALLHOME_BINARY) + " " + args +
                                  " 2>&1 >/dev/null </dev/null");
}

const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";

TEST(Usage, NoCommandListsTheCommands) {
  const Result r = stderr_of("");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("callhome: no command given\n"), std::string::npos) << r.out;
  for (const char* line : {"\n  analyze ", "\n  conn ", "\n  inputs ", "\n  help "}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " in\n" << r.out;
  }
}

TEST(Usage, ATypoOfACommandSuggestsTheCommand) {
  const Result r = stderr_of("analyse " + kExample);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("callhome: no command 'analyse'; did you mean analyze?\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n  inputs "), std::string::npos) << "and the list: " << r.out;
  EXPECT_NE(stderr_of("conm x").out.find("did you mean conn?"), std::string::npos);
  EXPECT_EQ(stderr_of("frobnicate x").out.find("did you mean"), std::string::npos)
      << "nothing near: no suggestion";
}

TEST(Usage, ATypoOfAnOptionSuggestsTheOption) {
  Result r = stderr_of("analyze --jsn out.json " + kExample);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("callhome: analyze: unknown option --jsn; did you mean --json?\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("callhome: see 'callhome help analyze'"), std::string::npos) << r.out;
  EXPECT_NE(stderr_of("conn --stat " + kExample).out.find("did you mean --stats?"),
            std::string::npos);
  EXPECT_NE(stderr_of("analyze --fail high " + kExample).out.find("did you mean --fail-on?"),
            std::string::npos);
  // Values that start with '-' are values, not options: "--json -" is standard output.
  r = stderr_of("analyze --json - --verify-checksum " + kExample);
  EXPECT_NE(r.out.find("unknown option --verify-checksum; did you mean --verify-checksums?"),
            std::string::npos)
      << r.out;
}

TEST(Usage, HelpCommandIsTheCommandsHelp) {
  for (const char* cmd : {"analyze", "conn", "inputs"}) {
    const Result help = stdout_of(std::string("help ") + cmd);
    const Result flag = stdout_of(std::string(cmd) + " --help");
    EXPECT_EQ(help.status, 0) << cmd;
    EXPECT_EQ(help.out, flag.out) << cmd;
    EXPECT_NE(help.out.find(std::string("USAGE: callhome ") + cmd), std::string::npos) << help.out;
  }
  EXPECT_EQ(stdout_of("help").out, stdout_of("--help").out);
  const Result wrong = stderr_of("help analyse");
  EXPECT_EQ(wrong.status, 2);
  EXPECT_NE(wrong.out.find("callhome: no command 'analyse'; did you mean analyze?"),
            std::string::npos)
      << wrong.out;
}

TEST(Usage, EveryHelpHasExamplesAndTheExitStatuses) {
  for (const char* args :
       {"--help", "analyze --help", "conn --help", "inputs --help", "help --help"}) {
    const Result r = stdout_of(args);
    EXPECT_EQ(r.status, 0) << args;
    EXPECT_NE(r.out.find("\nEXAMPLES:\n  callhome "), std::string::npos) << args << r.out;
    EXPECT_NE(r.out.find("\nEXIT STATUS:\n  0  "), std::string::npos) << args << r.out;
  }
  const std::string analyze = stdout_of("analyze --help").out;
  EXPECT_NE(analyze.find("  2  bad usage"), std::string::npos) << analyze;
  EXPECT_NE(analyze.find("  3  --fail-on SEVERITY"), std::string::npos) << analyze;
  EXPECT_NE(analyze.find("- for standard input"), std::string::npos) << analyze;
}

TEST(Usage, VersionComesFromTheProjectVersion) {
  const std::string expected = std::string("callhome ") + CALLHOME_VERSION + "\n";
  EXPECT_EQ(stdout_of("-V").out, expected);
  EXPECT_EQ(stdout_of("--version").out, expected);
  EXPECT_EQ(stdout_of("-V").status, 0);
}

// Each message's first line says who speaks; lines under it are indented (the command list).
TEST(Usage, EveryMessageStartsWithCallhome) {
  const std::vector<std::string> mistakes = {"",
                                             "analyse x",
                                             "analyze --jsn x " + kExample,
                                             "analyze",
                                             "help bogus",
                                             "analyze --fail-on hihg " + kExample,
                                             "analyze --year 3000 " + kExample,
                                             "-x",
                                             "conn /nonexistent",
                                             "analyze --site /nonexistent.toml " + kExample,
                                             "analyze --output"};
  for (const std::string& args : mistakes) {
    const Result r = stderr_of(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_FALSE(r.out.empty()) << args;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_TRUE(line.starts_with("callhome: ") || line.starts_with("  "))
          << "'" << args << "' printed: " << line;
    }
  }
}

}  // namespace
