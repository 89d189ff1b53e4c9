// Runs every capture listed in ../shared/corpus/zeek/PAIRS.tsv through `callhome conn` and
// compares the result with Zeek's own conn.log using ../shared/tools/conncmp.py. Each run is
// told what Zeek was told where callhome can follow: the checksum setting (PAIRS.tsv) and the
// likely server ports, derived from the pair's btest script (zeek/STEM.btest.NAME.txt).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
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

// Zeek's likely_server_ports (the ports by which it guesses the originator of a connection
// seen without its SYN) is filled by the scripts a run loads: Analyzer::register_for_ports and
// PacketAnalyzer::register_for_ports add the server ports they register
// (scripts/base/frameworks/analyzer/main.zeek, scripts/base/packet-protocols/main.zeek);
// Analyzer::register_for_port, one port at a time (as the gnutella btest calls it), does not.
// So `zeek -b`, which loads only base/init-bare.zeek, base/init-frameworks-and-bifs.zeek and
// the scripts named, has few. Sources: Zeek's scripts at a13de64f (the commit the corpus comes
// from, MANIFEST.md), each script's @load closure followed by hand.
//
// In every run: base/init-bare.zeek loads base/packet-protocols, whose tunnel scripts register
// ayiya 5072/udp, geneve 6081/udp, gre 4754/udp, gtpv1 2123/udp 2152/udp, teredo 3544/udp,
// vxlan 4789/udp (base/packet-protocols/*/main.zeek).
const char* const kBareModePorts = "2123/udp,2152/udp,3544/udp,4754/udp,4789/udp,5072/udp,6081/udp";

// What each script @loaded by a bare-mode run of the corpus's btests adds to that.
const std::map<std::string, std::string> kPortsOfScript = {
    // base/protocols/conn/*.zeek register nothing (inactivity.zeek only reads the set).
    {"base/protocols/conn", ""},
    {"protocols/conn/vlan-logging", ""},
    {"base/frameworks/notice/weird", ""},
    {"misc/unknown-protocols", ""},
    // Tunnel logging; the tunnel packet analyzers' ports come with base/packet-protocols above.
    {"base/frameworks/tunnels", ""},
    {"base/protocols/tunnels", ""},
    {"frameworks/analyzer/debug-logging.zeek", ""},
    // base/protocols/dhcp/main.zeek: server_ports {67/udp, 4011/udp}; client_ports {68/udp}
    // are registered as non-server ports.
    {"base/protocols/dhcp", "67/udp,4011/udp"},
    // base/protocols/dns/main.zeek: ports.
    {"base/protocols/dns", "53/tcp,53/udp,137/udp,5353/udp,5355/udp"},
    // base/protocols/ftp/main.zeek: ports {21/tcp, 2811/tcp}; base/protocols/ftp/gridftp.zeek
    // loads base/protocols/ssl, whose main.zeek registers ssl_ports and dtls_ports {443/udp}.
    {"base/protocols/ftp",
     "21/tcp,2811/tcp,443/tcp,465/tcp,563/tcp,585/tcp,614/tcp,636/tcp,989/tcp,990/tcp,992/tcp,"
     "993/tcp,995/tcp,5223/tcp,443/udp"},
    // base/protocols/http/main.zeek: ports.
    {"base/protocols/http", "80/tcp,81/tcp,631/tcp,1080/tcp,3128/tcp,8000/tcp,8080/tcp,8888/tcp"},
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Words of a shell command line, quotes removed; operators (&& || ; |) and redirections (< > >>
// >& ...) are words of their own.
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  auto end_word = [&] {
    if (in_word) words.push_back(cur);
    cur.clear();
    in_word = false;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quote) {
      if (ch == quote) {
        quote = 0;
      } else {
        cur += ch;
      }
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      in_word = true;
    } else if (ch == ' ' || ch == '\t') {
      end_word();
    } else if (ch == ';' || ch == '|') {
      end_word();
      const bool twice = ch == '|' && i + 1 < line.size() && line[i + 1] == '|';
      words.push_back(twice ? "||" : std::string(1, ch));
      i += twice;
    } else if (ch == '&' || ch == '<' || ch == '>') {
      end_word();
      const size_t end = line.find_first_not_of("&<>", i);
      words.push_back(line.substr(i, end - i));
      i = (end == std::string::npos ? line.size() : end) - 1;
    } else {
      cur += ch;
      in_word = true;
    }
  }
  end_word();
  return words;
}

// One `zeek` command of a btest.
struct ZeekRun {
  bool bare = false;
  bool input = false;                // %INPUT: the btest script itself is loaded
  std::vector<std::string> scripts;  // scripts named on the command line
  std::vector<std::string> traces;   // $TRACES/... as written
};

std::vector<ZeekRun> zeek_runs(const std::string& script) {
  static const std::set<std::string> kOperators = {"&&", "||", ";", "|"};
  std::vector<ZeekRun> runs;
  std::istringstream lines(script);
  std::string line;
  const std::regex exec(R"(@TEST-EXEC:\s*(.*)$)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, exec)) continue;
    const auto words = shell_words(m[1]);
    for (size_t i = 0; i < words.size(); ++i) {
      if (words[i] != "zeek" || (i > 0 && !kOperators.count(words[i - 1]))) continue;
      ZeekRun run;
      auto redirection = [](const std::string& w) {
        return w.find_first_not_of("&<>") == std::string::npos;
      };
      for (++i; i < words.size() && !kOperators.count(words[i]); ++i) {
        const std::string& w = words[i];
        if (w.empty()) continue;
        if (redirection(w)) {
          ++i;  // and its file
        } else if (i + 1 < words.size() && redirection(words[i + 1]) &&
                   w.find_first_not_of("0123456789") == std::string::npos) {
          // the descriptor of a redirection (2>&1)
        } else if (w == "%INPUT") {
          run.input = true;
        } else if (w == "--bare-mode") {
          run.bare = true;
        } else if (w == "--readfile" && i + 1 < words.size()) {
          run.traces.push_back(words[++i]);
        } else if (w.size() > 1 && w[0] == '-' && w[1] != '-') {
          // A cluster of flags as getopt reads it; an option taking an argument ends it
          // (Zeek's getopt string, src/Options.cc).
          for (size_t k = 1; k < w.size(); ++k) {
            if (std::string_view("BcEefGHIinO0oprsTtUwX").find(w[k]) != std::string_view::npos) {
              std::string arg = w.substr(k + 1);
              if (arg.empty() && i + 1 < words.size()) arg = words[++i];
              if (w[k] == 'r') run.traces.push_back(arg);
              break;
            }
            run.bare |= w[k] == 'b';
          }
        } else if (w[0] != '-' && w[0] != '$' && w.find('=') == std::string::npos) {
          run.scripts.push_back(w);  // a script to load; `x=y` and `x += {...}` are redefs
        }
      }
      runs.push_back(run);
    }
  }
  return runs;
}

// The --likely-server-ports value that mirrors `run`: a bare-mode run has the ports of the
// scripts it loads, any other Zeek's default; `redef likely_server_ports += {...}` in the script
// adds. Empty, with `why` set, when a script it loads is not in kPortsOfScript.
std::string likely_server_ports(const ZeekRun& run, const std::string& script, std::string& why) {
  std::vector<std::string> loads = run.scripts;
  std::string added;
  if (run.input) {
    const std::regex load(R"(^\s*@load\s+(\S+))");
    const std::regex redef(R"(redef\s+likely_server_ports\s*\+=\s*\{([^}]*)\})");
    const std::regex port(R"((\d+/(?:tcp|udp)))");
    std::istringstream lines(script);
    std::string line;
    while (std::getline(lines, line)) {
      std::smatch m;
      if (std::regex_search(line, m, load)) loads.push_back(m[1]);
    }
    for (std::sregex_iterator r(script.begin(), script.end(), redef), end; r != end; ++r) {
      const std::string body = (*r)[1];
      for (std::sregex_iterator p(body.begin(), body.end(), port); p != end; ++p) {
        added += "," + (*p)[1].str();
      }
    }
  }
  if (!run.bare) return "default" + added;
  std::string list = kBareModePorts;
  for (const auto& name : loads) {
    const auto it = kPortsOfScript.find(name);
    if (it == kPortsOfScript.end()) {
      why = "the bare-mode run loads " + name +
            ", whose likely server ports kPortsOfScript "
            "does not list";
      return "";
    }
    if (!it->second.empty()) list += "," + it->second;
  }
  return list + added;
}

// The btest script that wrote `baseline` (STEM.KIND): STEM.btest.NAME.txt, the one whose NAME
// is part of KIND or is the stem when there are several.
fs::path btest_script(const fs::path& dir, const std::string& stem, const std::string& baseline) {
  const std::string prefix = stem + ".btest.";
  const std::string kind = baseline.substr(stem.size());
  std::vector<std::pair<std::string, fs::path>> scripts;  // NAME, path
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(prefix, 0) != 0 || f.size() < prefix.size() + 4) continue;
    std::string name = f.substr(prefix.size());
    name = name.substr(0, name.find('.'));
    scripts.emplace_back(name, e.path());
  }
  if (scripts.size() == 1) return scripts[0].second;
  for (const auto& [name, path] : scripts) {
    if (kind.find("." + name + ".") != std::string::npos) return path;
  }
  for (const auto& [name, path] : scripts) {
    if (name == stem) return path;
  }
  return {};
}

// The --likely-server-ports value for a pair: that of every zeek run of its btest that reads
// the pair's trace ($TRACES/a/b.pcap is stored as a__b.pcap); they must agree.
std::string likely_server_ports_of_pair(const fs::path& dir, const std::string& stem,
                                        const std::string& pcap, const std::string& baseline,
                                        std::string& why) {
  const fs::path path = btest_script(dir, stem, baseline);
  if (path.empty()) {
    why = "no btest script " + stem + ".btest.*.txt tells which wrote " + baseline;
    return "";
  }
  const std::string script = read_text(path);
  std::set<std::string> settings;
  for (const ZeekRun& run : zeek_runs(script)) {
    const bool reads_pcap = std::any_of(run.traces.begin(), run.traces.end(), [&](auto t) {
      for (const std::string var : {"$TRACES/", "${TRACES}/"}) {
        if (t.rfind(var, 0) == 0) t = t.substr(var.size());
      }
      return std::regex_replace(t, std::regex("/"), "__") == pcap;
    });
    if (!reads_pcap) continue;
    const std::string s = likely_server_ports(run, script, why);
    if (s.empty()) return "";
    settings.insert(s);
  }
  if (settings.size() != 1) {
    why = path.filename().string() + ": " + std::to_string(settings.size()) +
          " different settings in the zeek runs reading " + pcap;
    return "";
  }
  return *settings.begin();
}

// "default", or "-b" with what the loaded scripts add to the bare-mode ports, for the log.
std::string ports_label(const std::string& ports) {
  if (ports.rfind(kBareModePorts, 0) != 0) return ports;
  std::string added = ports.substr(std::string(kBareModePorts).size());
  if (added.size() > 36) added = added.substr(0, 33) + "...";
  return "-b" + (added.empty() ? "" : " +" + added.substr(1));
}

TEST(ZeekFidelity, BtestCommandLinesAreReadAsZeekReadsThem) {
  const auto runs = zeek_runs(
      "# @TEST-EXEC: zeek -b -Cr $TRACES/tcp/a.pcap base/protocols/http %INPUT >out 2>&1 && mv "
      "conn.log x.log\n"
      "# @TEST-EXEC: zeek -C -w out.pcap -r ${TRACES}/b.pcap \"x += {1.2.3.0/24}\" >&2\n"
      "# @TEST-EXEC: btest-diff x.log\n");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs[0].bare);
  EXPECT_TRUE(runs[0].input);
  EXPECT_EQ(runs[0].traces, std::vector<std::string>{"$TRACES/tcp/a.pcap"});
  EXPECT_EQ(runs[0].scripts, std::vector<std::string>{"base/protocols/http"});
  EXPECT_FALSE(runs[1].bare);
  EXPECT_FALSE(runs[1].input);
  EXPECT_EQ(runs[1].traces, std::vector<std::string>{"${TRACES}/b.pcap"});
  EXPECT_TRUE(runs[1].scripts.empty());
  std::string why;
  EXPECT_EQ(likely_server_ports(runs[1], "", why), "default");
  EXPECT_EQ(likely_server_ports(runs[0], "@load base/protocols/conn\n", why),
            std::string(kBareModePorts) + "," + kPortsOfScript.at("base/protocols/http"));
  EXPECT_EQ(likely_server_ports(runs[0], "@load base/protocols/smtp\n", why), "");
  EXPECT_NE(why.find("base/protocols/smtp"), std::string::npos) << why;
}

TEST(ZeekFidelity, LikelyServerPortsFollowTheBtestRun) {
  const fs::path dir = fs::path(CALLHOME_CORPUS_DIR) / "zeek";
  if (!fs::exists(dir / "PAIRS.tsv")) GTEST_SKIP() << "../shared/corpus/zeek absent";
  std::string why;
  // zeek -b ... %INPUT, loading base/protocols/conn alone: no HTTP analyzer, so no 80/tcp.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "chksums__localhost-bad-chksum",
                                        "chksums__localhost-bad-chksum.pcap",
                                        "chksums__localhost-bad-chksum.conn-failed.log", why),
            kBareModePorts)
      << why;
  // The same in bare mode with base/protocols/conn named on the command line.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "q-in-q", "q-in-q.pcap", "q-in-q.conn.log", why),
            kBareModePorts)
      << why;
  // The second script of the same stem; it loads only protocols/conn/vlan-logging.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "q-in-q", "q-in-q.pcap",
                                        "q-in-q.vlan-logging.conn.log", why),
            kBareModePorts)
      << why;
  // -b with base/protocols/http: its ports; with -b -C as well.
  EXPECT_EQ(
      likely_server_ports_of_pair(dir, "http__get", "http__get.pcap", "http__get.conn.log", why),
      std::string(kBareModePorts) + "," + kPortsOfScript.at("base/protocols/http"))
      << why;
  EXPECT_EQ(likely_server_ports_of_pair(dir, "tcp__missing-syn", "tcp__missing-syn.pcap",
                                        "tcp__missing-syn.conn.log", why),
            std::string(kBareModePorts) + "," + kPortsOfScript.at("base/protocols/http"))
      << why;
  // The btest's `redef likely_server_ports += { 40190/udp };`.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "udp-broadcast", "udp-broadcast.pcap",
                                        "udp-broadcast.conn.cut.log", why),
            std::string(kBareModePorts) + ",40190/udp")
      << why;
  // No -b: the default.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "dns__dns-corrupt", "dns__dns-corrupt.pcap",
                                        "dns__dns-corrupt.conn.cut.log", why),
            "default")
      << why;
  // conn-size-flip: two runs (zeek -C -b), each reading its own trace.
  EXPECT_EQ(likely_server_ports_of_pair(dir, "tcp__ctu-64702-888", "tcp__ctu-64702-888.pcap",
                                        "tcp__ctu-64702-888.conn.cut.log", why),
            kBareModePorts)
      << why;
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
    std::string why;
    const std::string ports =
        likely_server_ports_of_pair(corpus / "zeek", stem, pcap, baseline, why);
    ASSERT_FALSE(ports.empty()) << baseline << ": " << why;
    std::string cmd = std::string(CALLHOME_BINARY) + " conn " +
                      (checksums == "verify" ? "--verify-checksums " : "") +
                      "--likely-server-ports '" + ports + "' '" +
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
    std::printf("%-45s ref=%ld core=%ld full=%ld likely server ports: %s\n", baseline.c_str(), ref,
                core, full, ports_label(ports).c_str());
    if (core < ref || full < ref) std::printf("%s\n", report.c_str());
  }
  ASSERT_GT(ref_total, 0);
  double core_pct = 100.0 * double(core_total) / double(ref_total);
  double full_pct = 100.0 * double(full_total) / double(ref_total);
  std::printf("fidelity: %ld reference connections, core %.1f%%, full %.1f%%\n", ref_total,
              core_pct, full_pct);
  // All but one field of one connection: gnutella's history has Zeek's 'X' (a protocol
  // analyzer hit a limit the btest lowered; callhome has no Gnutella analyzer).
  EXPECT_GE(core_pct, 100.0);
  EXPECT_GE(full_pct, 98.7);
}

}  // namespace
