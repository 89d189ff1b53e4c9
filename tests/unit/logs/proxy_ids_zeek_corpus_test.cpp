// Every real Squid, Snort/Suricata fast, EVE and Zeek sample in ../shared/corpus: recognised as
// its own format by the sniffers, read to the end, no line rejected unless it is genuinely
// unusable (each such file is named below with the reason). Also: the sniffers leave the other
// formats in the corpus, and a few foreign lines, alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "logs/eve_reader.h"
#include "logs/snort_reader.h"
#include "logs/squid_reader.h"
#include "logs/zeek_reader.h"

namespace callhome {
namespace {
namespace fs = std::filesystem;

struct Format {
  const char* name;
  SniffFn sniff;
  ReadFn read;
};
const Format kFormats[] = {{"squid", sniff_squid, read_squid},
                           {"snort", sniff_snort, read_snort},
                           {"eve", sniff_eve, read_eve},
                           {"zeek", sniff_zeek, read_zeek}};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// What the format detector hands a sniffer: up to 64 KiB, cut at a line end.
std::string_view head_of(const std::string& bytes) {
  std::string_view head(bytes);
  if (head.size() > 64 * 1024) {
    head = head.substr(0, 64 * 1024);
    head = head.substr(0, head.rfind('\n') + 1);
  }
  return head;
}

struct Counts : EventSink {
  uint64_t events = 0;
  void on_connection(const Connection&) override { ++events; }
  void on_http(const HttpEvent&) override { ++events; }
  void on_dns(const DnsEvent&) override { ++events; }
  void on_name(const NameEvent&) override { ++events; }
  void on_alert(const AlertEvent&) override { ++events; }
};

struct Sample {
  fs::path path;
  std::string format;
};

std::vector<Sample> samples(const fs::path& corpus) {
  std::vector<Sample> out;
  auto add_dir = [&](const fs::path& dir, const std::string& format, auto keep) {
    if (!fs::exists(dir)) return;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && keep(e.path())) out.push_back({e.path(), format});
    }
  };
  auto any = [](const fs::path&) { return true; };
  auto zeek_log = [](const fs::path& p) {
    const std::string name = p.filename().string();
    return name.ends_with(".log") || name.ends_with(".log.labeled");
  };
  add_dir(corpus / "logs" / "squid", "squid", any);
  add_dir(corpus / "logs" / "snort-fast", "snort", any);
  add_dir(corpus / "pcaps" / "suricata-verify", "snort",
          [](const fs::path& p) { return p.filename() == "fast.log"; });
  add_dir(corpus / "pcaps" / "suricata-verify", "eve",
          [](const fs::path& p) { return p.filename() == "eve.json"; });
  add_dir(corpus / "logs" / "suricata-eve", "eve", any);
  add_dir(corpus / "logs" / "zeek", "zeek", zeek_log);
  add_dir(corpus / "rita" / "proxy", "zeek", zeek_log);
  add_dir(corpus / "zeek", "zeek", zeek_log);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.path < b.path; });
  return out;
}

// Files with lines that are genuinely unusable, and how many. Everything else must read clean.
//  - Zeek's btest baselines (corpus/zeek/*.log) had every ts replaced by "XXXXXXXXXX.XXXXXX"
//    when btest canonified them: no time, so each data line is rejected ("ts is not a time").
//  - The zeek-cut baselines (*.conn.cut.log) keep only some columns; those without ts and the
//    addresses cannot make a connection record ("no ts").
const std::map<std::string, uint64_t> kExpectedRejects = {
    {"chksums__localhost-bad-chksum.conn-failed.log", 2},
    {"chksums__localhost-bad-chksum.conn-worked.log", 1},
    {"communityid__sctp.conn.log", 1},
    {"dhcp__dhcp.conn.log", 4},
    {"dns__dns-corrupt.conn.cut.log", 1},  // columns: uid orig_pkts resp_pkts history conn_state
    {"ftp__ipv4.conn.log", 5},
    {"http__get.conn.log", 1},
    {"mixed-vlan-mpls.conn.log", 3},
    {"pcapng-multi-interface.conn.log", 3},
    {"q-in-q.conn.log", 2},
    {"q-in-q.vlan-logging.conn.log", 2},
    {"radiotap.conn.log", 2},
    {"ssh__ssh.server-side-half-duplex.conn.log", 20},
    {"tcp__ctu-64702-888.conn.cut.log", 1},
    {"tcp__http-on-irc-port-missing-syn.conn.log", 1},
    {"tcp__missing-syn.conn.log", 1},
    {"tcp__one-sided-2745.conn.cut.log", 2},
    {"tcp__retransmit-timeout.conn-all.log", 2},
    {"tcp__retransmit-timeout.conn-limited.log", 1},
    {"tcp__syn-bad.conn.cut.log", 1},  // columns: uid orig_pkts resp_pkts history conn_state
    {"tunnels__Teredo.conn.log", 21},
    {"udp-broadcast.conn.cut.log", 1},
};

// Samples no sniffer can tell from any other text, left out on purpose:
//  - gnutella__max-header.conn.cut.log: one column, "history", then "ShADXFf".
//  - test9-mixed-zeek-dir/loaded_scripts.log (JSON): objects with a lone "name" key.
const std::set<std::string> kUnrecognisable = {"gnutella__max-header.conn.cut.log",
                                               "test9-mixed-zeek-dir/loaded_scripts.log"};

bool unrecognisable(const fs::path& p) {
  const std::string tail = p.parent_path().filename().string() + "/" + p.filename().string();
  return kUnrecognisable.count(p.filename().string()) || kUnrecognisable.count(tail);
}

TEST(ProxyIdsZeekCorpus, EverySampleIsRecognisedAndReadsClean) {
  const fs::path corpus = CALLHOME_CORPUS_DIR;
  if (!fs::exists(corpus / "logs")) {
    GTEST_SKIP() << "corpus not found at " << corpus << ": real samples not checked";
  }
  const auto all = samples(corpus);
  ASSERT_GT(all.size(), 50u);
  for (const auto& s : all) {
    SCOPED_TRACE(s.path.string());
    if (unrecognisable(s.path)) continue;
    const std::string bytes = slurp(s.path);
    const std::string_view head = head_of(bytes);
    const Format* best = nullptr;
    int best_score = 0;
    std::string scores;
    for (const auto& f : kFormats) {
      const int score = f.sniff(head);
      scores += std::string(" ") + f.name + "=" + std::to_string(score);
      if (score > best_score) {
        best = &f;
        best_score = score;
      }
    }
    if (best == nullptr) {
      ADD_FAILURE() << "no sniffer claims it:" << scores;
      continue;
    }
    EXPECT_EQ(best->name, s.format) << scores;
    EXPECT_GE(best_score, 60) << scores;

    const Format& f = *std::find_if(std::begin(kFormats), std::end(kFormats),
                                    [&](const Format& x) { return s.format == x.name; });
    auto src = ByteSource::from_memory(bytes);
    LineReader lines(*src);
    Counts sink;
    InputReport report;
    ReadContext ctx;
    ctx.input_index = 3;
    ctx.year = 2024;
    f.read(lines, ctx, sink, report);
    const auto it = kExpectedRejects.find(s.path.filename().string());
    const uint64_t expected = it == kExpectedRejects.end() ? 0 : it->second;
    std::string first_problem = report.problems.empty() ? "" : report.problems[0].what;
    EXPECT_EQ(report.rejected, expected) << first_problem;
    std::printf("%-6s %-70s lines %6llu records %6llu rejected %3llu events %6llu%s\n", f.name,
                fs::relative(s.path, corpus).c_str(), (unsigned long long)lines.line_number(),
                (unsigned long long)report.records, (unsigned long long)report.rejected,
                (unsigned long long)sink.events,
                first_problem.empty() ? "" : (" (" + first_problem + ")").c_str());
  }
}

TEST(ProxyIdsZeekCorpus, OtherFormatsInTheCorpusAreNotClaimed) {
  const fs::path corpus = CALLHOME_CORPUS_DIR;
  if (!fs::exists(corpus / "logs")) {
    GTEST_SKIP() << "corpus not found at " << corpus << ": real samples not checked";
  }
  std::vector<fs::path> foreign;
  for (const char* dir :
       {"logs/iptables", "logs/pfsense-filterlog", "logs/windows-firewall", "logs/argus-binetflow",
        "logs/wazuh-ruleset-tests", "logs/logstash-patterns-spec"}) {
    for (const auto& e : fs::recursive_directory_iterator(corpus / dir)) {
      if (e.is_regular_file()) foreign.push_back(e.path());
    }
  }
  for (const auto& e : fs::directory_iterator(corpus / "zeek")) {  // print output, scripts
    const std::string name = e.path().filename().string();
    if (name.ends_with(".out") || name.ends_with(".txt") || name.ends_with(".tsv")) {
      foreign.push_back(e.path());
    }
  }
  foreign.push_back(corpus / "MANIFEST.md");
  foreign.push_back(corpus / "rita" / "beacon-vectors.json");
  for (const auto& p : foreign) {
    const std::string bytes = slurp(p);
    for (const auto& f : kFormats) {
      EXPECT_LT(f.sniff(head_of(bytes)), 50) << f.name << " claims " << p;
    }
  }
}

TEST(ProxyIdsZeekSniffers, ForeignLinesAreNotClaimed) {
  const std::string foreign[] = {
      // iptables via syslog
      "Nov 17 13:12:50 fw kernel: [WAN_IN-D] IN=eth0 OUT=eth1 SRC=192.168.0.13 DST=72.246.53.81 "
      "LEN=48 PROTO=TCP SPT=2499 DPT=80 SYN\n",
      // pfSense filterlog
      "<134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,"
      "12617,0,DF,6,tcp,60,10.170.12.50,1.1.1.1,49724,853,0,S,1891286705,,64240,,mss\n",
      // Windows Firewall pfirewall.log (W3C header)
      "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
      "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
      "tcpack tcpwin icmptype icmpcode info path pid\n\n"
      "2023-01-10 10:00:01 DROP TCP 10.0.0.5 192.229.221.95 65457 80 0 - 0 0 0 - - - SEND 1360\n",
      // a CSV table with a header row (the Case 2 export)
      "Date,Time,Protocol,Source IP,Source Port,Destination IP,Destination Port\n"
      "17-Nov-06,13:12:50,TCP,192.168.0.13,2499,72.246.53.81,80 (HTTP)\n"
      "17-Nov-06,13:12:49,TCP,192.168.0.13,2498,72.246.53.96,80 (HTTP)\n",
      // an Apache access log: same syntax as Squid's common format, but a web server's
      "10.0.0.1 - - [17/Nov/2006:13:12:50 +0100] \"GET /index.html HTTP/1.1\" 200 1234 \"-\" "
      "\"Mozilla/5.0\"\n",
      "",
      std::string(4096, '\0'),
  };
  for (const auto& text : foreign) {
    for (const auto& f : kFormats) {
      EXPECT_EQ(f.sniff(text), 0) << f.name << " claims: " << text.substr(0, 60);
    }
  }
}

// A sample of each of our formats: the right sniffer wins, the others say 0.
TEST(ProxyIdsZeekSniffers, EachFormatWinsOnlyItsOwn) {
  const std::pair<const char*, std::string> own[] = {
      {"squid",
       "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST "
       "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss - "
       "DIRECT/updaterservice.wildtangent.com text/plain\n"},
      {"squid",
       "192.168.0.13 - - [17/Nov/2006:13:12:50 +0100] \"GET http://x.example/ HTTP/1.0\" 200 1234 "
       "\"-\" \"Mozilla/4.0\" TCP_MISS:DIRECT\n"},
      {"snort",
       "05/30-19:09:10.917356  [**] [1:527:8] BAD-TRAFFIC same SRC/DST [**] [Classification: "
       "Potentially Bad Traffic] [Priority: 2] {UDP} 0.0.0.0:68 -> 255.255.255.255:67\n"},
      {"snort",
       "[**] [1:1917:6] SCAN UPnP service discover attempt [**]\n[Priority: 3]\n"
       "12/30-14:09:21.116402 192.168.15.10:1035 -> 239.255.255.250:1900\n"
       "UDP TTL:1 TOS:0x0 ID:0 IpLen:20 DgmLen:161\n\n"},
      {"eve",
       "{\"timestamp\":\"2021-06-06T15:59:46.457984+0200\",\"event_type\":\"stats\",\"stats\":{}}"
       "\n"},
      {"zeek",
       "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
       "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"},
      {"zeek",
       "{\"ts\":29.557741,\"uid\":\"CTudTc7oyRltJwU32\",\"id.orig_h\":\"10.0.2.15\","
       "\"id.orig_p\":54330,\"id.resp_h\":\"147.32.80.9\",\"id.resp_p\":53,\"query\":\"x\"}\n"},
  };
  for (const auto& [name, text] : own) {
    for (const auto& f : kFormats) {
      const int score = f.sniff(text);
      if (std::string_view(f.name) == name) {
        EXPECT_GE(score, 60) << name << ": " << text.substr(0, 60);
      } else {
        EXPECT_EQ(score, 0) << f.name << " claims a " << name << " sample";
      }
    }
  }
}

// One matching line inside another format does not make the file ours.
TEST(ProxyIdsZeekSniffers, OneMatchingLineAmongOthersScoresLow) {
  std::string text;
  for (int i = 0; i < 30; ++i) {
    text += "Nov 17 13:12:" + std::to_string(10 + i) +
            " fw kernel: IN=eth0 SRC=192.168.0.13 DST=72.246.53.81 PROTO=TCP\n";
  }
  const std::string squid =
      "990049564.625 873 192.168.1.3 TCP_MISS/200 303 GET http://a.example/ - DIRECT/1.2.3.4 -\n";
  const std::string snort =
      "05/30-19:09:10.917356  [**] [1:527:8] X [**] [Priority: 2] {UDP} 1.2.3.4:68 -> "
      "5.6.7.8:67\n";
  EXPECT_LT(sniff_squid(text + squid), 10);
  EXPECT_LT(sniff_snort(text + snort), 10);
}

}  // namespace
}  // namespace callhome
