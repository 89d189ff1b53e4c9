// Every real capture under ../shared/corpus, read with our reader and compared with what
// Wireshark's capinfos finds in it: the same number of packets, and the same first and last
// packet times. Files capinfos itself cannot read are left out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "flow/capture_reader.h"

namespace callhome {
namespace {
namespace fs = std::filesystem;

// Output of a shell command, or nullopt when it could not run or exited with a failure.
std::optional<std::string> run(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) return std::nullopt;
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Summary {
  uint64_t packets = 0;
  std::optional<double> first, last;  // earliest and latest packet time
};

std::optional<Summary> capinfos(const std::string& path) {
  auto out = run("capinfos -c -M -a -e -S " + shell_quote(path) + " 2>/dev/null");
  std::smatch m;
  if (!out || !std::regex_search(*out, m, std::regex(R"(Number of packets:\s*(\d+))"))) {
    return std::nullopt;
  }
  Summary s;
  s.packets = std::stoull(m[1]);
  if (std::regex_search(*out, m, std::regex(R"(First packet time:\s*([0-9.]+))"))) {
    s.first = std::stod(m[1]);
  }
  if (std::regex_search(*out, m, std::regex(R"(Last packet time:\s*([0-9.]+))"))) {
    s.last = std::stod(m[1]);
  }
  return s;
}

struct Ours {
  std::string error;
  Summary summary;
  InputReport report;
};

Ours read_with_our_reader(const std::string& path) {
  Ours ours;
  auto src = ByteSource::open(path, &ours.error);
  if (!src) return ours;
  auto reader = CaptureReader::open(*src, ours.report, &ours.error);
  if (!reader) return ours;
  RawPacket p;
  double first = std::numeric_limits<double>::infinity(), last = -first;
  while (reader->next(p)) {
    ++ours.summary.packets;
    first = std::min(first, p.ts);
    last = std::max(last, p.ts);
  }
  if (ours.summary.packets > 0) {
    ours.summary.first = first;
    ours.summary.last = last;
  }
  return ours;
}

std::string problems(const InputReport& report) {
  std::string text;
  for (const auto& p : report.problems) {
    text += "  #" + std::to_string(p.ref) + " @" + std::to_string(p.offset) + ": " + p.what + "\n";
  }
  return text;
}

TEST(CorpusCaptures, PacketCountsAndTimesEqualCapinfos) {
  const fs::path corpus = CALLHOME_CORPUS_DIR;
  if (!fs::is_directory(corpus)) {
    GTEST_SKIP() << "../shared/corpus absent: " << corpus.string()
                 << " not found, real captures not compared";
  }
  if (!run("command -v capinfos >/dev/null")) GTEST_SKIP() << "capinfos not installed";

  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".pcap" || ext == ".pcapng" || ext == ".cap")) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());

  int compared = 0, equal = 0, skipped = 0;
  uint64_t packets = 0;
  for (const auto& path : files) {
    const auto theirs = capinfos(path);
    if (!theirs) {
      ++skipped;
      continue;
    }
    const Ours ours = read_with_our_reader(path);
    SCOPED_TRACE(path + "\n" + ours.error + problems(ours.report));
    ++compared;
    packets += ours.summary.packets;
    EXPECT_EQ(ours.summary.packets, theirs->packets);
    EXPECT_EQ(ours.report.rejected, 0u);
    if (ours.summary.packets == theirs->packets) ++equal;
    if (theirs->first && theirs->last && ours.summary.first) {
      // capinfos prints the exact decimal; a double near 1.7e9 s keeps about 0.24 us.
      EXPECT_NEAR(*ours.summary.first, *theirs->first, 1e-6);
      EXPECT_NEAR(*ours.summary.last, *theirs->last, 1e-6);
    }
  }
  std::printf(
      "%zu capture files: %d compared with capinfos, %d with equal packet counts "
      "(%llu packets), %d skipped (capinfos could not read them)\n",
      files.size(), compared, equal, static_cast<unsigned long long>(packets), skipped);
  RecordProperty("files_compared", compared);
  RecordProperty("files_equal", equal);
  EXPECT_GT(compared, 0) << "no capture in " << corpus.string() << " that capinfos reads";
  EXPECT_EQ(equal, compared);
}

}  // namespace
}  // namespace callhome
