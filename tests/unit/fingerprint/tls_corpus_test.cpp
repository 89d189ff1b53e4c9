// JA3 of every ClientHello in the real captures of ../shared/corpus against tshark's own
// (tls.handshake.ja3; this tshark, 4.0, has no JA4), frame by frame; and JA4 against the JA4 that
// nDPI's expected test output records per flow (pcaps/ndpi/*.ndpi.out). Skips when the corpus
// or tshark is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fingerprint/client_hello.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

namespace fs = std::filesystem;

struct Ours {
  std::string ja3, ja4;
  std::string client, server;  // "ip:port"
  bool has_server_name = false;
  std::string alpn_first;
};

// Our fingerprints of every ClientHello in `path`, by frame number (the segment completing it).
std::multimap<uint64_t, Ours> ours(const std::string& path) {
  std::multimap<uint64_t, Ours> out;
  ClientHello h;
  std::vector<uint8_t> scratch;
  for (const auto& s : fp_test::capture_samples(path)) {
    if (s.kind != PacketSampleEvent::Kind::tls_client_hello) continue;
    if (!parse_client_hello(s.payload, h, scratch)) continue;
    out.insert(
        {s.prov.ref, Ours{ja3(h), ja4(h), s.src.to_string() + ":" + std::to_string(s.src_port),
                          s.dst.to_string() + ":" + std::to_string(s.dst_port), h.has_server_name,
                          h.alpn_first}});
  }
  return out;
}

std::vector<std::string> captures() {
  std::vector<std::string> files;
  if (!fs::is_directory(CALLHOME_CORPUS_DIR)) return files;
  for (const auto& e : fs::recursive_directory_iterator(CALLHOME_CORPUS_DIR)) {
    const std::string p = e.path().string();
    if (e.is_regular_file() && (p.ends_with(".pcap") || p.ends_with(".pcapng"))) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(TlsCorpus, Ja3AgreesWithTshark) {
  if (!fs::is_directory(CALLHOME_CORPUS_DIR)) GTEST_SKIP() << CALLHOME_CORPUS_DIR << " is absent";
  if (!fp_test::have_command("tshark")) GTEST_SKIP() << "tshark is not installed";
  size_t theirs = 0, agree = 0, differ = 0, missed = 0, only_ours = 0, files = 0;
  for (const std::string& path : captures()) {
    const std::string out = fp_test::run(
        "tshark -n -r '" + path +
        "' -Y 'tls.handshake.type == 1' -T fields -e frame.number -e tls.handshake.ja3 "
        "2>/dev/null");
    std::map<uint64_t, std::vector<std::string>> ref;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream w(line);
      uint64_t frame = 0;
      std::string ja3s;
      if (!(w >> frame >> ja3s)) continue;
      std::stringstream list(ja3s);  // several hellos in one frame are comma-separated
      for (std::string one; std::getline(list, one, ',');) ref[frame].push_back(one);
    }
    const auto mine = ours(path);
    if (ref.empty() && mine.empty()) continue;
    ++files;
    std::set<uint64_t> seen;
    for (const auto& [frame, list] : ref) {
      seen.insert(frame);
      auto [lo, hi] = mine.equal_range(frame);
      for (const std::string& j : list) {
        ++theirs;
        bool found = false, any = lo != hi;
        for (auto it = lo; it != hi; ++it) found |= it->second.ja3 == j;
        if (found) {
          ++agree;
        } else if (any) {
          ++differ;
          ADD_FAILURE() << path << " frame " << frame << ": tshark " << j << ", ours "
                        << lo->second.ja3;
        } else {
          ++missed;
          std::printf("  no ClientHello read at %s frame %llu (tshark %s)\n", path.c_str(),
                      static_cast<unsigned long long>(frame), j.c_str());
        }
      }
    }
    for (const auto& [frame, o] : mine) only_ours += !seen.count(frame);
  }
  std::printf(
      "JA3 against tshark: %zu captures, tshark %zu ClientHellos: %zu agree, %zu differ, "
      "%zu not read by callhome; %zu read by callhome only (ports tshark does not "
      "dissect as TLS)\n",
      files, theirs, agree, differ, missed, only_ours);
  ASSERT_GT(theirs, 100u);
  EXPECT_EQ(differ, 0u);
  EXPECT_GE(agree * 100, theirs * 99);  // at most 1% not read (e.g. hellos cut by the capture)
}

// nDPI (the 2024-10 snapshot whose output the corpus keeps) departs from the JA4 spec in part a:
// it writes "d" for some hellos that carry no server_name extension (the spec: "d" only when the
// SNI extension exists), and it reads the ALPN "anydesk/6.2.0/linux" as "an" where the spec's
// first and last characters are "ax". So parts b and c (the hashes) must agree everywhere, and
// part a wherever the hello has an SNI extension; the rest is checked against the spec here.
TEST(TlsCorpus, Ja4AgreesWithNdpiExpectedOutput) {
  const std::string dir = std::string(CALLHOME_CORPUS_DIR) + "/pcaps/ndpi";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  // ndpiReader lines: "TCP 192.168.1.252:51110 <-> 91.143.93.242:443 [...][JA4: t12d...]".
  const std::regex flow_re(R"((TCP|UDP) (\S+) <-> (\S+) .*\[JA4: ([a-z0-9_]+)\])");
  size_t theirs = 0, same = 0, same_hashes = 0, departures = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string out_path = e.path().string();
    if (!out_path.ends_with(".ndpi.out")) continue;
    const std::string capture = out_path.substr(0, out_path.size() - 9);
    auto text = fp_test::run("cat '" + out_path + "'");
    std::vector<std::tuple<std::string, std::string, std::string>> expected;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, flow_re) && m[1] == "TCP") {
        expected.emplace_back(m[2], m[3], m[4]);
      }
    }
    if (expected.empty()) continue;
    const auto mine = ours(capture);
    for (const auto& [a, b, ndpi] : expected) {
      ++theirs;
      const Ours* got = nullptr;
      for (const auto& [frame, o] : mine) {
        if ((o.client == a && o.server == b) || (o.client == b && o.server == a)) {
          got = &o;
          if (o.ja4 == ndpi) break;
        }
      }
      ASSERT_NE(got, nullptr) << e.path().filename() << " " << a << " <-> " << b;
      same += got->ja4 == ndpi;
      same_hashes += got->ja4.substr(10) == ndpi.substr(10);
      EXPECT_EQ(got->ja4.substr(10), ndpi.substr(10)) << a << " <-> " << b;
      if (got->ja4 == ndpi) continue;
      // Where part a differs, ours must be what the spec says for this hello.
      ++departures;
      EXPECT_FALSE(got->has_server_name) << a << " <-> " << b << ": " << ndpi;
      EXPECT_EQ(got->ja4[3], 'i');
      if (!got->alpn_first.empty()) {
        const std::string ends = {got->alpn_first.front(), got->alpn_first.back()};
        EXPECT_EQ(got->ja4.substr(8, 2), ends);
      }
      std::printf("  %s %s <-> %s: nDPI %s, callhome %s (no SNI extension%s)\n",
                  e.path().filename().c_str(), a.c_str(), b.c_str(), ndpi.c_str(), got->ja4.c_str(),
                  got->alpn_first.empty() ? "" : (", ALPN \"" + got->alpn_first + "\"").c_str());
    }
  }
  std::printf(
      "JA4 against nDPI's expected output: %zu flows; %zu identical, %zu with the same "
      "hashes (parts b and c); %zu where nDPI departs from the spec in part a\n",
      theirs, same, same_hashes, departures);
  ASSERT_GT(theirs, 10u);
  EXPECT_EQ(same_hashes, theirs);
}

}  // namespace
}  // namespace callhome
