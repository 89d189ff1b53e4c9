// callhome's OS fingerprinting against p0f 3 itself (Debian's p0f, the same p0f.fp) on the real
// captures in ../shared/corpus: for every SYN and SYN+ACK p0f reports, the same signature text
// (raw_sig), the same OS and the same distance. Then the OS of hosts whose system the corpus
// documents. Skips when p0f, p0f.fp or the corpus is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "fingerprint/p0f_database.h"
#include "fingerprint/software_observer.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

namespace fs = std::filesystem;

struct P0fRecord {
  bool syn_ack = false;
  std::string client, server;  // "10.10.10.70/1036"
  std::string os, dist, raw_sig;
};

// "2607:f8b0:400c:c03:0:0:0:1a/25" as callhome writes it ("2607:f8b0:400c:c03::1a/25").
std::string normalise(const std::string& endpoint) {
  const size_t slash = endpoint.rfind('/');
  if (slash == std::string::npos) return endpoint;
  auto a = Address::parse(endpoint.substr(0, slash));
  return (a ? a->to_string() : endpoint.substr(0, slash)) + endpoint.substr(slash);
}

// The observation blocks of `p0f -r FILE`: ".-[ A/p -> B/q (syn) ]-" then "| key = value" lines.
std::vector<P0fRecord> p0f_records(const std::string& capture) {
  const std::string out = fp_test::run("p0f -r '" + capture + "' -f /etc/p0f/p0f.fp 2>/dev/null");
  std::vector<P0fRecord> records;
  std::istringstream in(out);
  std::string line;
  P0fRecord* cur = nullptr;
  while (std::getline(in, line)) {
    if (line.starts_with(".-[ ")) {
      cur = nullptr;
      const bool syn = line.ends_with("(syn) ]-"), syn_ack = line.ends_with("(syn+ack) ]-");
      if (!syn && !syn_ack) continue;
      std::istringstream w(line.substr(4));
      P0fRecord r;
      std::string arrow;
      w >> r.client >> arrow >> r.server;
      r.client = normalise(r.client);
      r.server = normalise(r.server);
      r.syn_ack = syn_ack;
      records.push_back(r);
      cur = &records.back();
    } else if (cur && line.starts_with("| ")) {
      const size_t eq = line.find(" = ");
      if (eq == std::string::npos) continue;
      std::string key = line.substr(2, eq - 2);
      key.erase(key.find_last_not_of(' ') + 1);
      const std::string value = line.substr(eq + 3);
      if (key == "os" || key == "app") cur->os = value;
      if (key == "dist") cur->dist = value;
      if (key == "raw_sig") cur->raw_sig = value;
    }
  }
  return records;
}

std::string endpoint(const Address& a, uint16_t port) {
  return a.to_string() + "/" + std::to_string(port);
}

class P0fReference : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fp_test::have_command("p0f")) GTEST_SKIP() << "p0f is not installed (scripts/setup.sh)";
    if (!fp_test::exists("/etc/p0f/p0f.fp")) GTEST_SKIP() << "/etc/p0f/p0f.fp is absent";
    if (!fs::is_directory(CALLHOME_CORPUS_DIR)) {
      GTEST_SKIP() << CALLHOME_CORPUS_DIR << " is absent: the real captures are not here";
    }
    auto db = P0fDatabase::load("/etc/p0f/p0f.fp");
    ASSERT_TRUE(db) << db.error();
    db_ = std::move(*db);
  }
  P0fDatabase db_;
};

TEST_F(P0fReference, SameSignaturesAndGuessesAsP0fOnTheCorpus) {
  size_t compared = 0, same_sig = 0, same_os = 0, same_dist = 0, files = 0, known = 0;
  std::vector<std::string> differences;
  for (const auto& entry : fs::recursive_directory_iterator(CALLHOME_CORPUS_DIR)) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || !(path.ends_with(".pcap") || path.ends_with(".pcapng"))) {
      continue;
    }
    const std::vector<P0fRecord> records = p0f_records(path);
    if (records.empty()) continue;
    ++files;
    const std::vector<fp_test::Sample> samples = fp_test::capture_samples(path);
    // The MSS of each flow's SYN, for its SYN+ACK, as p0f keeps it per flow.
    std::map<std::string, uint16_t> syn_mss;
    for (const auto& s : samples) {
      TcpSignature sig;
      if (s.kind == PacketSampleEvent::Kind::tcp_syn &&
          read_tcp_signature(s.ip, s.transport, s.payload_len, sig)) {
        syn_mss[endpoint(s.src, s.src_port) + ">" + endpoint(s.dst, s.dst_port)] =
            uint16_t(sig.mss);
      }
    }
    for (const P0fRecord& r : records) {
      // p0f reports a flow's handshake once, or again when a later SYN of the same ports starts
      // it anew (a retransmission with other options): ours is the flow's packet of that kind
      // with p0f's signature, else its first.
      const fp_test::Sample* found = nullptr;
      for (const auto& s : samples) {
        const bool ack = s.kind == PacketSampleEvent::Kind::tcp_syn_ack;
        if (ack != r.syn_ack || (!ack && s.kind != PacketSampleEvent::Kind::tcp_syn)) continue;
        const std::string from = endpoint(s.src, s.src_port), to = endpoint(s.dst, s.dst_port);
        if ((!ack && from == r.client && to == r.server) ||
            (ack && from == r.server && to == r.client)) {
          TcpSignature sig;
          const uint16_t mss = r.syn_ack ? syn_mss[r.client + ">" + r.server] : 0;
          if (!found) found = &s;
          if (read_tcp_signature(s.ip, s.transport, s.payload_len, sig) &&
              format_observed(sig, r.syn_ack, mss) == r.raw_sig) {
            found = &s;
            break;
          }
        }
      }
      ++compared;
      if (!found) {
        differences.push_back(path + ": no sample for " + r.client + " -> " + r.server);
        continue;
      }
      TcpSignature sig;
      ASSERT_TRUE(read_tcp_signature(found->ip, found->transport, found->payload_len, sig));
      const uint16_t mss = r.syn_ack ? syn_mss[r.client + ">" + r.server] : 0;
      const P0fMatch m = db_.match(r.syn_ack, sig, mss);
      const std::string raw = format_observed(sig, r.syn_ack, mss);
      const std::string os = m.label ? m.label->text() : "???";
      const std::string dist =
          (m.signature && m.signature->bad_ttl ? "<= " : "") + std::to_string(m.distance);
      same_sig += raw == r.raw_sig;
      same_os += os == r.os;
      same_dist += dist == r.dist;
      known += m.label != nullptr;
      if (raw != r.raw_sig || os != r.os || dist != r.dist) {
        differences.push_back(path + ": " + r.client + " -> " + r.server + " p0f " + r.raw_sig +
                              " [" + r.os + ", " + r.dist + "], callhome " + raw + " [" + os +
                              ", " + dist + "]");
      }
    }
  }
  std::printf(
      "p0f reference: %zu captures, %zu handshake packets; same raw_sig %zu, same OS %zu "
      "(%zu with a guess), same distance %zu\n",
      files, compared, same_sig, same_os, known, same_dist);
  for (size_t i = 0; i < differences.size() && i < 10; ++i) {
    std::printf("  differs: %s\n", differences[i].c_str());
  }
  ASSERT_GT(compared, 100u);
  EXPECT_EQ(same_sig, compared);
  EXPECT_EQ(same_os, compared);
  EXPECT_EQ(same_dist, compared);
}

// The OS of hosts whose system the corpus documents (truth.json and MANIFEST.md), from all their
// SYNs and SYN+ACKs: the guess seen most often must be a Windows one. (The rbot case's target,
// 192.150.11.111, is left out: it is a honeypot emulating Windows' LSASS, and its SYN+ACKs are
// Linux 2.4-2.6's, for callhome and p0f alike.)
TEST_F(P0fReference, DocumentedWindowsHostsAreWindows) {
  struct Known {
    std::string capture, host, documented;
  };
  const std::vector<Known> known = {
      {"labelled/c2-aurora-reverse-shell-retries/evidence06.pcap", "10.10.10.70",
       "truth.json: 'a Windows laptop (10.10.10.70)'"},
      {"labelled/c2-emotet-http-slow/Example-1-2021-01-06-Emotet-infection.pcap", "10.1.6.206",
       "MANIFEST.md: 'Emotet-infected Windows host 10.1.6.206'"},
      {"labelled/c2-dns-roguerobin-net/roguerobin-net_upload-validation_240925.pcapng",
       "192.168.7.7", "truth.json: 'One Windows victim'"},
  };
  size_t matched = 0;
  for (const Known& k : known) {
    const std::string path = std::string(CALLHOME_CORPUS_DIR) + "/" + k.capture;
    if (!fp_test::exists(path)) continue;
    SoftwareObserverOptions opt;
    opt.internal = NetworkSet({*Cidr::parse(k.host)});
    opt.p0f = &db_;
    SoftwareObserver observer(opt);
    fp_test::capture_samples(path, &observer);
    const auto hosts = observer.hosts();
    ASSERT_EQ(hosts.size(), 1u) << k.capture;
    const OsObservation* best = nullptr;
    for (const auto& o : hosts[0].os) {
      if (!o.guess.empty() && !o.tool) {
        best = &o;
        break;  // most packets first
      }
    }
    ASSERT_NE(best, nullptr) << k.host << " (" << k.documented << "): no OS guess";
    std::printf("%s (%s): %s, %s match, %s, %llu packet(s), signature line %zu\n", k.host.c_str(),
                k.documented.c_str(), best->guess.c_str(), best->match.c_str(),
                best->syn_ack ? "from its SYN+ACKs" : "from its SYNs",
                static_cast<unsigned long long>(best->packets), best->signature_line);
    EXPECT_EQ(best->os_class, "win") << k.host << ": " << best->guess;
    matched += best->os_class == "win";
  }
  std::printf("documented Windows hosts guessed Windows: %zu of %zu\n", matched, known.size());
}

}  // namespace
}  // namespace callhome
