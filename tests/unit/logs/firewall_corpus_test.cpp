// Every real firewall sample under ../shared/corpus/logs is recognised as its format and read
// with no rejected line. Samples that are test fixtures of other projects (Wazuh's .ini rule
// tests, Logstash's RSpec files) hold message bodies rather than log files: their messages are
// extracted and, where they lack one, given a syslog header as a collector would write it.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fw_sniff_util.h"
#include "fw_test_util.h"

namespace callhome {
namespace {

namespace fs = std::filesystem;

const fs::path kLogs = fs::path(CALLHOME_CORPUS_DIR) / "logs";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint64_t count_lines(const std::string& s) {
  uint64_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

struct Outcome {
  fwtest::Verdict verdict;
  fwtest::Result result;
};

// Sniffs with every firewall reader, reads with the expected one, prints a summary line.
Outcome check(const std::string& label, const std::string& text, const char* format) {
  Outcome o;
  o.verdict = fwtest::sniff_all(text);
  const auto* reader = fwtest::reader_named(format);
  o.result = fwtest::run(reader->read, text, fwtest::context(2021));
  std::printf("%-10s %-62s lines %6llu records %6llu rejected %3llu connections %6zu\n", format,
              label.c_str(), static_cast<unsigned long long>(count_lines(text)),
              static_cast<unsigned long long>(o.result.report.records),
              static_cast<unsigned long long>(o.result.report.rejected), o.result.conns.size());
  for (const auto& p : o.result.report.problems) {
    std::printf("           line %llu: %s\n", static_cast<unsigned long long>(p.ref),
                p.what.c_str());
  }
  EXPECT_EQ(o.verdict.winner, format) << label << ": " << o.verdict.scores;
  return o;
}

#define REQUIRE_CORPUS() \
  if (!fs::exists(kLogs)) GTEST_SKIP() << kLogs << " absent: real firewall samples not read"

TEST(FirewallCorpus, Iptables) {
  REQUIRE_CORPUS();
  int files = 0;
  for (const auto& e : fs::directory_iterator(kLogs / "iptables")) {
    auto o = check("iptables/" + e.path().filename().string(), slurp(e.path()), "iptables");
    EXPECT_EQ(o.result.report.rejected, 0u);
    EXPECT_EQ(o.result.report.records, count_lines(slurp(e.path())));
    ++files;
  }
  EXPECT_GE(files, 1);
}

TEST(FirewallCorpus, PfSenseFilterlog) {
  REQUIRE_CORPUS();
  int files = 0;
  for (const auto& e : fs::directory_iterator(kLogs / "pfsense-filterlog")) {
    const std::string text = slurp(e.path());
    auto o = check("pfsense-filterlog/" + e.path().filename().string(), text, "filterlog");
    EXPECT_EQ(o.result.report.rejected, 0u);
    EXPECT_EQ(o.result.report.records, count_lines(text));
    ++files;
  }
  EXPECT_GE(files, 1);
}

TEST(FirewallCorpus, WindowsFirewall) {
  REQUIRE_CORPUS();
  int files = 0;
  for (const auto& e : fs::directory_iterator(kLogs / "windows-firewall")) {
    auto o = check("windows-firewall/" + e.path().filename().string(), slurp(e.path()), "winfw");
    EXPECT_EQ(o.result.report.rejected, 0u);
    EXPECT_GT(o.result.report.records, 0u);
    ++files;
  }
  EXPECT_GE(files, 1);
}

TEST(FirewallCorpus, ArgusBinetflowTables) {
  REQUIRE_CORPUS();
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(kLogs / "argus-binetflow")) {
    if (!e.is_regular_file() || e.path().extension() != ".binetflow") continue;
    const std::string text = slurp(e.path());
    auto o = check("argus-binetflow/" + e.path().filename().string(), text, "table");
    // Every row is a record except the non-IP ones (ARP, LLC, Argus management), which are
    // counted in a note.
    EXPECT_EQ(o.result.report.rejected, 0u);
    EXPECT_GT(o.result.report.records, 0u);
    EXPECT_LE(o.result.report.records, count_lines(text) - 1);
    ++files;
  }
  EXPECT_GE(files, 1);
}

// "log 3 pass = %ASA-..." lines of a Wazuh rules test.
std::vector<std::string> wazuh_messages(const std::string& ini) {
  std::vector<std::string> out;
  std::istringstream in(ini);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("log ")) continue;
    const size_t eq = line.find(" = ");
    if (eq != std::string::npos) out.push_back(line.substr(eq + 3));
  }
  return out;
}

bool has_asa_tag(std::string_view m) {
  for (std::string_view fam : {"ASA-", "PIX-", "FTD-", "FWSM-"}) {
    const size_t i = m.find(fam);
    if (i != std::string_view::npos && (i == 0 || m[i - 1] == '%' || m[i - 1] == ' ') &&
        i + fam.size() < m.size() && m[i + fam.size()] >= '0' && m[i + fam.size()] <= '9') {
      return true;
    }
  }
  return false;
}

// Bodies without a syslog header get one, as the collector in front of the ASA would add.
std::string as_syslog(const std::string& m) {
  if (!m.empty() && (m.front() == '%' || m.starts_with("ASA-") || m.starts_with("PIX-"))) {
    return "Jan  1 00:00:00 fw01 " + m;
  }
  return m;
}

TEST(FirewallCorpus, WazuhCiscoAsa) {
  REQUIRE_CORPUS();
  const auto messages = wazuh_messages(slurp(kLogs / "wazuh-ruleset-tests" / "cisco_asa.ini"));
  ASSERT_GT(messages.size(), 50u);
  std::string text;
  for (const auto& m : messages) text += as_syslog(m) + "\n";
  auto o = check("wazuh-ruleset-tests/cisco_asa.ini (messages)", text, "asa");
  EXPECT_EQ(o.result.report.rejected, 0u);
  EXPECT_GE(o.result.report.records, 13u);
  EXPECT_GE(o.result.conns.size(), 13u);
}

TEST(FirewallCorpus, WazuhOtherFirewallsAreNotOurs) {
  REQUIRE_CORPUS();
  // firewalld.ini holds firewalld's own error messages (no packet lines); SonicWall and
  // NetScreen are formats we do not read. None of our sniffers may claim them.
  for (const char* name : {"firewalld.ini", "SonicWall.ini", "netscreen.ini", "squid_rules.ini"}) {
    std::string text;
    for (const auto& m : wazuh_messages(slurp(kLogs / "wazuh-ruleset-tests" / name))) {
      text += m + "\n";
    }
    const auto v = fwtest::sniff_all(text);
    std::printf("%-10s %-62s %s\n", "(none)", (std::string("wazuh-ruleset-tests/") + name).c_str(),
                v.scores.c_str());
    EXPECT_EQ(v.best, 0) << name << ": " << v.scores;
  }
}

// The string literals of each `let(:message)` in an RSpec file, concatenated per message.
std::vector<std::string> rspec_messages(const std::string& rb) {
  std::vector<std::string> out;
  std::istringstream in(rb);
  std::string line;
  bool collecting = false;
  std::string current;
  const auto literals = [](const std::string& l, std::string& acc) {
    size_t i = 0;
    while (i < l.size()) {
      const char q = l[i];
      if (q != '"' && q != '\'') {
        ++i;
        continue;
      }
      ++i;
      while (i < l.size() && l[i] != q) {
        if (l[i] == '\\' && i + 1 < l.size()) {
          ++i;  // Ruby: \\ and \" (or \') stand for the character itself
        }
        acc.push_back(l[i++]);
      }
      ++i;
    }
  };
  while (std::getline(in, line)) {
    if (line.find("let(:message)") != std::string::npos) {
      if (line.find(" do") != std::string::npos && line.find('{') == std::string::npos) {
        collecting = true;
        current.clear();
        continue;
      }
      std::string m;
      literals(line.substr(line.find('{')), m);
      out.push_back(m);
      continue;
    }
    if (collecting) {
      if (line.find_first_not_of(' ') != std::string::npos &&
          line.substr(line.find_first_not_of(' ')) == "end") {
        out.push_back(current);
        collecting = false;
      } else {
        literals(line, current);
      }
    }
  }
  return out;
}

TEST(FirewallCorpus, LogstashPatternFixtures) {
  REQUIRE_CORPUS();
  std::string netfilter, asa;
  int messages = 0;
  for (const char* name : {"firewalls_spec.rb.txt", "shorewall_spec.rb.txt"}) {
    for (const auto& m : rspec_messages(slurp(kLogs / "logstash-patterns-spec" / name))) {
      ++messages;
      if (m.find("IN=") != std::string::npos && m.find("SRC=") != std::string::npos) {
        netfilter += m + "\n";
      } else if (has_asa_tag(m)) {
        asa += as_syslog(m) + "\n";
      }
    }
  }
  ASSERT_GT(messages, 30);
  auto n =
      check("logstash-patterns-spec/{firewalls,shorewall}_spec (netfilter)", netfilter, "iptables");
  EXPECT_EQ(n.result.report.rejected, 0u);
  EXPECT_EQ(n.result.report.records, count_lines(netfilter));
  EXPECT_GE(n.result.report.records, 7u);
  auto a = check("logstash-patterns-spec/firewalls_spec (ASA-tagged)", asa, "asa");
  EXPECT_EQ(a.result.report.rejected, 0u);
  EXPECT_GE(a.result.report.records, 5u);
}

}  // namespace
}  // namespace callhome
