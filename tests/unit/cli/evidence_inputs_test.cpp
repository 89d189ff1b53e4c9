// End-to-end tests of how callhome treats its inputs ("Evidence is sacred", input side): what
// must never block, what must be counted, what must reach the terminal and reports escaped, and
// what must keep its shape. Each runs the built command in its own scratch directory on
// evidence written here.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {
namespace fs = std::filesystem;

using Result = callhome::testing::ShellResult;
using callhome::testing::TempDir;

// Runs callhome in `dir` with `args`, standard error merged into the output; a run that
// blocks is killed after 20 seconds (status 124) instead of hanging the suite.
Result run_in(const TempDir& dir, const std::string& args) {
  return callhome::testing::shell("cd '" + dir.path() + "' && timeout -s KILL 20 " +
                                  std::string(CALLHOME_BINARY) + " " + args + " 2>&1");
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kExample = std::string(CALLHOME_SOURCE_DIR) + "/examples/case1-lab.pcap";
const std::string kRepro =
    std::string(CALLHOME_SOURCE_DIR) + "/../shared/repro/reliability-2026-12/";

// ---- D9: nothing that is not a regular file is waited on ----------------------------------

TEST(EvidenceInputs, AFifoAsInputIsRefusedNamedAndExitStatus2) {
  TempDir tmp;
  ASSERT_EQ(::mkfifo(tmp.file("f").c_str(), 0600), 0);
  const Result r = run_in(tmp, "inputs f");
  EXPECT_EQ(r.status, 2) << r.out;  // 124/-1 would mean it blocked and was killed
  EXPECT_NE(r.out.find("callhome: f: not a regular file (a named pipe)"), std::string::npos)
      << r.out;
}

TEST(EvidenceInputs, AFifoAsTheSiteProfileIsRefused) {
  TempDir tmp;
  ASSERT_EQ(::mkfifo(tmp.file("site.toml").c_str(), 0600), 0);
  const Result r = run_in(tmp, "analyze --site site.toml " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("site.toml:1:1: cannot open site profile: not a regular file (a named "
                       "pipe)"),
            std::string::npos)
      << r.out;
}

TEST(EvidenceInputs, ATimeZoneThatIsAPathIsRefusedWithFileLineColumn) {
  TempDir tmp;
  ASSERT_EQ(::mkfifo(tmp.file("zone").c_str(), 0600), 0);
  tmp.write("site.toml", "[network]\ntimezone = \"" + tmp.file("zone") + "\"\n");
  Result r = run_in(tmp, "analyze --site site.toml " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(
      r.out.find("site.toml:2:12: time zone '" + tmp.file("zone") + "' is a path, not a zone name"),
      std::string::npos)
      << r.out;
  tmp.write("site.toml", "[network]\ntimezone = \"../zoneinfo/America/Chicago\"\n");
  r = run_in(tmp, "analyze --site site.toml " + kExample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("site.toml:2:12: time zone '../zoneinfo/America/Chicago' has an empty, "
                       "'.' or '..' part"),
            std::string::npos)
      << r.out;
}

// ---- D5: the manifest's size and hash describe the same bytes ---------------------------------

TEST(EvidenceInputs, AGrowingInputGetsASizeAndHashOfTheSameBytes) {
  TempDir tmp;
  const std::string line =
      "1157689312.049   5006 10.105.21.199 TCP_MISS/200 19763 CONNECT login.yahoo.com:443 "
      "badeyek DIRECT/209.73.177.115 -\n";
  std::string start;
  for (int i = 0; i < 200000; ++i) start += line;  // 22 MB: reading takes a while
  tmp.write("grow.log", start);
  // A writer appends for the whole run, as a live log would be.
  const Result r = callhome::testing::shell(
      "cd '" + tmp.path() + "' && (for i in $(seq 1 4000); do printf '%s' '" +
      line.substr(0, line.size() - 1) + "\n' >> grow.log; done) & cd '" + tmp.path() +
      "' && timeout -s KILL 60 " + std::string(CALLHOME_BINARY) +
      " analyze -o out grow.log >/dev/null 2>err.txt; s=$?; wait; exit $s");
  ASSERT_EQ(r.status, 0) << slurp(tmp.file("err.txt"));
  const auto manifest = nlohmann::json::parse(slurp(tmp.file("out/manifest.json")));
  const uint64_t bytes = manifest["inputs"][0]["bytes"];
  const std::string sha = manifest["inputs"][0]["sha256"];
  const std::string all = slurp(tmp.file("grow.log"));
  ASSERT_GE(all.size(), bytes);
  tmp.write("prefix", all.substr(0, bytes));
  const Result sum = callhome::testing::shell("sha256sum '" + tmp.file("prefix") + "'");
  EXPECT_EQ(sum.out.substr(0, 64), sha)
      << "manifest bytes " << bytes << ", file now " << all.size();
  // When the file did grow during the read, the run says so, naming it.
  const std::string err = slurp(tmp.file("err.txt"));
  if (err.find("grew while it was read") != std::string::npos) {
    EXPECT_NE(err.find("callhome: grow.log: the file grew while it was read"), std::string::npos)
        << err;
  }
}

// ---- D10: evidence never acts on the terminal or the reader ---------------------------------

TEST(EvidenceInputs, C1ControlsAndBidiOverridesAreEscapedOnStdoutAndInReports) {
  TempDir tmp;
  // An alert whose signature carries U+009B (CSI) and U+202E (RLO), in a file whose name
  // carries U+202E too.
  const std::string csi = "\xc2\x9b", rlo = "\xe2\x80\xae";
  std::string eve;
  for (int i = 0; i < 3; ++i) {
    eve += R"({"timestamp":"2021-06-06T15:59:1)" + std::to_string(i) +
           R"(Z","event_type":"alert","src_ip":"192.168.1.50","src_port":1,"dest_ip":"1.2.3.4",)"
           R"("dest_port":80,"proto":"TCP","alert":{"signature_id":1,"signature":"evil)" +
           csi + "2J" + rlo + R"(gnp.exe"}})" + "\n";
  }
  tmp.write("eve" + rlo + ".json", eve);
  const Result r = run_in(tmp, "analyze -o out eve*.json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("evil\\u009b2J\\u202egnp.exe"), std::string::npos) << r.out;
  for (const std::string& text :
       {r.out, slurp(tmp.file("out/report.txt")), slurp(tmp.file("out/report.md"))}) {
    EXPECT_EQ(text.find(csi), std::string::npos);
    EXPECT_EQ(text.find(rlo), std::string::npos);
    EXPECT_NE(text.find("\\u202e"), std::string::npos);
  }
}

// ---- D14: capture damage is counted -----------------------------------------------------------

std::string le32(uint32_t v) {
  return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}

std::string pcapng_block(uint32_t type, const std::string& body) {
  const uint32_t len = uint32_t(12 + body.size());
  return le32(type) + le32(len) + body + le32(len);
}

// An Ethernet/IPv4/TCP SYN from 192.168.1.3 to 8.8.8.x, as an enhanced packet block.
std::string syn_block(uint32_t i) {
  std::string frame = std::string(12, '\x11') + std::string("\x08\x00", 2);
  frame += std::string("\x45\x00\x00\x28\x00\x01\x00\x00\x40\x06\x00\x00\xc0\xa8\x01\x03", 16);
  frame += std::string("\x08\x08\x08", 3) + char(i);
  frame += std::string{char(0x03), char(0xe8), char(0x04), char(0xbe)};
  frame += std::string("\x00\x00\x00\x01\x00\x00\x00\x00\x50\x02\xff\xff\x00\x00\x00\x00", 16);
  frame += std::string(2, '\0');  // pad to 56
  return pcapng_block(6, le32(0) + le32(0) + le32(1000000 * (i + 1)) + le32(54) + le32(54) + frame);
}

TEST(EvidenceInputs, APcapngBlockWithAnImpossibleLengthIsCountedAndReadingGoesOn) {
  TempDir tmp;
  std::string file = pcapng_block(0x0a0d0d0a, le32(0x1a2b3c4d) + le32(1) + std::string(8, '\xff'));
  file += pcapng_block(1, le32(1) + le32(0xffff));
  file += syn_block(1);
  file += le32(6) + le32(8) + std::string(16, '\0') + le32(8);  // the damaged block
  for (uint32_t i = 2; i <= 20; ++i) file += syn_block(i);
  tmp.write("ng.pcapng", file);
  const Result r = run_in(tmp, "inputs ng.pcapng");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("pcapng, " + std::to_string(file.size()) + " bytes, 20 records, 1 rejected"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("offset 136"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("which is not plausible"), std::string::npos) << r.out;
}

TEST(EvidenceInputs, TheManifestCountsWhatWasRejected) {
  TempDir tmp;
  std::string file = pcapng_block(0x0a0d0d0a, le32(0x1a2b3c4d) + le32(1) + std::string(8, '\xff'));
  file += pcapng_block(1, le32(1) + le32(0xffff));
  file += syn_block(1) + le32(6) + le32(8) + std::string(16, '\0') + le32(8) + syn_block(2);
  tmp.write("ng.pcapng", file);
  const Result r = run_in(tmp, "analyze -o out ng.pcapng");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto manifest = nlohmann::json::parse(slurp(tmp.file("out/manifest.json")));
  const auto& input = manifest["inputs"][0];
  EXPECT_EQ(input["bytes"], file.size());
  EXPECT_EQ(input["records"], 2);
  EXPECT_EQ(input["rejected"], 1);
}

TEST(EvidenceInputs, TheNgLenSmallReproducerCountsItsDamage) {
  const std::string path = kRepro + "ng_len_small.pcapng";
  if (!fs::exists(path)) GTEST_SKIP() << "reproducer not present: " << path;
  TempDir tmp;
  const Result r = run_in(tmp, "inputs '" + path + "'");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("0 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20 records, 1 rejected"), std::string::npos) << r.out;
}

// ---- D15: alerts that name no rule are damage -------------------------------------------------

TEST(EvidenceInputs, EveAlertsWithoutARuleOrWithImpossiblePortsAreRejectedByLine) {
  TempDir tmp;
  const std::string good =
      R"({"timestamp":"2021-06-06T15:59:10Z","event_type":"alert","src_ip":"192.168.1.50",)"
      R"("src_port":1,"dest_ip":"1.2.3.4","dest_port":80,"proto":"TCP",)"
      R"("alert":{"signature_id":2000001,"signature":"ET real rule"}})"
      "\n";
  const std::string bad =
      R"({"timestamp":"2021-06-06T15:59:10Z","event_type":"alert","src_ip":"192.168.1.51",)"
      R"("src_port":99999999,"dest_ip":"1.2.3.4","dest_port":-5,"proto":"TCP",)"
      R"("alert":{"signature_id":-1,"signature":null}})"
      "\n";
  tmp.write("eve.json", good + bad + bad + good);
  Result r = run_in(tmp, "inputs eve.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("2 records, 2 rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("eve.json: line 2 (offset " + std::to_string(good.size()) + "): "),
            std::string::npos)
      << r.out;
  r = run_in(tmp, "analyze eve.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("raised \"\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("0:0:0"), std::string::npos) << r.out;
}

// ---- D16: sets keep their elements -------------------------------------------------------------

TEST(EvidenceInputs, ZeekTunnelParentsStayASetThroughConn) {
  TempDir tmp;
  tmp.write("tp.json",
            R"({"ts": 1600000000, "uid": "CAAA", "id.orig_h": "192.168.1.20", "id.orig_p": 1, )"
            R"("id.resp_h": "5.6.7.8", "id.resp_p": 443, "proto": "tcp", "conn_state": "SF", )"
            R"("history": "ShADadfF", "orig_pkts": 5, "orig_ip_bytes": 300, "resp_pkts": 5, )"
            R"("resp_ip_bytes": 300, "tunnel_parents": ["CabcA", "CdefB"]})"
            "\n");
  Result r = run_in(tmp, "conn --json tp.json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(R"("tunnel_parents":["CabcA","CdefB"])"), std::string::npos) << r.out;
  r = run_in(tmp, "conn tp.json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\tCabcA,CdefB\t"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\\x2c"), std::string::npos) << r.out;
  // And back: the TSV written reads as the same two elements.
  tmp.write("conn.log", r.out);
  r = run_in(tmp, "conn --json conn.log");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find(R"("tunnel_parents":["CabcA","CdefB"])"), std::string::npos) << r.out;
}

// ---- No false warnings: a year that is there is not "missing" ---------------------------------

TEST(EvidenceInputs, AsaLinesWithTheYearDoNotWarnThatItIsMissing) {
  TempDir tmp;
  const std::string msg =
      " fw01 %ASA-4-106023: Deny tcp src inside:192.168.0.13/2499 dst outside:72.246.53.81/80 "
      "by access-group \"inside_in\" [0x0, 0x0]\n";
  tmp.write("iso.log", "2021-03-04T10:00:00Z" + msg + "2021-03-04T10:00:01Z" + msg);
  tmp.write("cisco.log", "Mar 04 2021 10:00:00" + msg + "Mar 04 2021 10:00:01" + msg);
  tmp.write("bsd.log", "Mar  4 10:00:00" + msg);
  for (const char* name : {"iso.log", "cisco.log"}) {
    const Result r = run_in(tmp, std::string("inputs ") + name);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("cisco_asa"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2021-03-04 10:00:00"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("no year"), std::string::npos) << r.out;
  }
  // Where the year really is missing, the warning stays.
  const Result r = run_in(tmp, "inputs bsd.log");
  EXPECT_NE(r.out.find("timestamps carry no year"), std::string::npos) << r.out;
}

}  // namespace
