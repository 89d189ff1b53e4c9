// Runs every capture listed in ../shared/corpus/zeek/PAIRS.tsv through `callhome conn` and
// compares the result with Zeek's own conn.log using ../shared/tools/conncmp.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {
namespace fs = std::filesystem;

std::string run(const std::string& cmd) {
  return callhome::testing::shell(cmd).out;
}

// Baselines made with zeek-cut carry only some columns and no #fields header; cut our log to
// the same columns, as zeek-cut would, so the two are compared like for like.
void cut_to_baseline_columns(const fs::path& baseline, const fs::path& ours) {
  std::ifstream base(baseline);
  std::string line, header;
  while (std::getline(base, line)) {
    if (line.rfind("#fields", 0) == 0) return;  // a full conn.log: nothing to cut
    if (!line.empty() && line[0] != '#') {
      header = line;
      break;
    }
  }
  if (header.empty()) return;
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, '\t')) v.push_back(cur);
    return v;
  };
  std::vector<std::string> wanted = split(header), fields;
  std::ifstream in(ours);
  std::ostringstream out;
  out << header << "\n";
  while (std::getline(in, line)) {
    if (line.rfind("#fields\t", 0) == 0) {
      fields = split(line.substr(8));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto values = split(line);
    for (size_t i = 0; i < wanted.size(); ++i) {
      auto it = std::find(fields.begin(), fields.end(), wanted[i]);
      size_t k = size_t(it - fields.begin());
      out << (i ? "\t" : "") << (k < values.size() ? values[k] : "-");
    }
    out << "\n";
  }
  in.close();
  std::ofstream(ours) << out.str();
}

TEST(ZeekFidelity, ConnLogsAgreeWithZeekBaselines) {
  const fs::path corpus = CALLHOME_CORPUS_DIR;
  const fs::path pairs = corpus / "zeek" / "PAIRS.tsv";
  const fs::path conncmp = corpus.parent_path() / "tools" / "conncmp.py";
  if (!fs::exists(pairs) || !fs::exists(conncmp)) {
    GTEST_SKIP() << "../shared/corpus/zeek/PAIRS.tsv or ../shared/tools/conncmp.py absent: "
                    "fidelity against Zeek not measured";
  }
  std::ifstream in(pairs);
  std::string line;
  long ref_total = 0, core_total = 0, full_total = 0;
  const std::regex summary(R"(conncmp: ref=(\d+) cand=(\d+) paired=(\d+) core=(\d+) full=(\d+))");
  callhome::testing::TempDir scratch;  // concurrent runs of the suite must not share it
  const fs::path tmp = scratch.file("callhome-fidelity.log");
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string stem, pcap, baseline, checksums;
    fields >> stem >> pcap >> baseline >> checksums;
    std::string cmd = std::string(CALLHOME_BINARY) + " conn " +
                      (checksums == "verify" ? "--verify-checksums " : "") + "'" +
                      (corpus / "zeek" / pcap).string() + "' > '" + tmp.string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    cut_to_baseline_columns(corpus / "zeek" / baseline, tmp);
    std::string report =
        run("python3 '" + conncmp.string() + "' '" + (corpus / "zeek" / baseline).string() + "' '" +
            tmp.string() + "' --show 5 2>&1");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(report, m, summary)) << report;
    long ref = std::stol(m[1]), core = std::stol(m[4]), full = std::stol(m[5]);
    ref_total += ref;
    core_total += core;
    full_total += full;
    std::printf("%-45s ref=%ld core=%ld full=%ld\n", baseline.c_str(), ref, core, full);
    if (core < ref || full < ref) std::printf("%s\n", report.c_str());
  }
  ASSERT_GT(ref_total, 0);
  double core_pct = 100.0 * double(core_total) / double(ref_total);
  double full_pct = 100.0 * double(full_total) / double(ref_total);
  std::printf("fidelity: %ld reference connections, core %.1f%%, full %.1f%%\n", ref_total,
              core_pct, full_pct);
  EXPECT_GE(core_pct, 98.0);
  EXPECT_GE(full_pct, 90.0);
}

}  // namespace
