#include "cli/commands.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/input_runner.h"
#include "core/fanout_sink.h"
#include "report/conn_log_writer.h"
#include "report/connection_summary.h"

namespace callhome {
namespace {

struct CommonArgs {
  std::vector<std::string> inputs;
  std::string format;
  bool verify_checksums = false;
  int year = 0;
};

void add_common(CLI::App* cmd, CommonArgs& args) {
  cmd->add_option("INPUT", args.inputs, "capture or log files, or directories (read recursively)")
      ->required();
  cmd->add_option("--format", args.format, "force the input format instead of detecting it");
  cmd->add_flag("--verify-checksums", args.verify_checksums,
                "drop packets with bad checksums as Zeek does by default (history C/c)");
  cmd->add_option("--year", args.year, "year for syslog timestamps, which carry none")
      ->check(CLI::Range(1970, 2200));
}

// Escapes a string that came from evidence (a file name, a log field) for a terminal: control
// characters could otherwise move the cursor or recolour the screen.
std::string term_safe(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) {
      out += fmt::format("\\x{:02x}", ch);
    } else {
      out.push_back(char(ch));
    }
  }
  return out;
}

void print_problems(const InputReport& r) {
  for (const auto& p : r.problems) {
    if (p.ref) {
      std::fprintf(stderr, "callhome: %s: %s %llu (offset %llu): %s\n", term_safe(r.path).c_str(),
                   r.format == "pcap" || r.format == "pcapng" ? "packet" : "line",
                   static_cast<unsigned long long>(p.ref),
                   static_cast<unsigned long long>(p.offset), term_safe(p.what).c_str());
    } else {
      std::fprintf(stderr, "callhome: %s: %s\n", term_safe(r.path).c_str(),
                   term_safe(p.what).c_str());
    }
  }
  if (r.problems_dropped) {
    std::fprintf(stderr, "callhome: %s: %llu more problems not shown\n", term_safe(r.path).c_str(),
                 static_cast<unsigned long long>(r.problems_dropped));
  }
}

// Reads every input into `sink`; returns the exit status the spec asks for (0, or 2 when no
// input could be used at all).
int read_all(const CommonArgs& args, EventSink& sink, std::vector<InputReport>& reports) {
  std::vector<std::string> errors;
  auto files = expand_inputs(args.inputs, errors);
  for (const auto& e : errors) std::fprintf(stderr, "callhome: %s\n", term_safe(e).c_str());
  RunOptions options;
  options.verify_checksums = args.verify_checksums;
  options.forced_format = args.format;
  options.year = args.year;
  size_t usable = 0;
  for (const auto& path : files) {
    InputReport report;
    bool ok = run_input(path, uint32_t(reports.size()), options, sink, report);
    print_problems(report);
    if (ok) ++usable;
    reports.push_back(std::move(report));
  }
  if (usable == 0) {
    std::fprintf(stderr, "callhome: no usable input\n");
    return 2;
  }
  if (usable < files.size() || !errors.empty()) {
    std::fprintf(stderr, "callhome: warning: %zu of %zu inputs could not be used\n",
                 files.size() - usable + errors.size(), files.size() + errors.size());
  }
  return 0;
}

int run_conn(const CommonArgs& args, bool json, bool stats) {
  ConnLogWriter writer(stdout, json ? ConnLogWriter::Format::json : ConnLogWriter::Format::tsv,
                       NetworkSet::private_ranges());
  std::vector<InputReport> reports;
  int status = read_all(args, writer, reports);
  writer.finish();
  if (stats) {
    for (const auto& r : reports) {
      std::fprintf(stderr,
                   "callhome: stats: %s: %llu records, %llu rejected, %llu connections, "
                   "%llu peak live connections\n",
                   term_safe(r.path).c_str(), static_cast<unsigned long long>(r.records),
                   static_cast<unsigned long long>(r.rejected),
                   static_cast<unsigned long long>(r.connections),
                   static_cast<unsigned long long>(r.peak_live_connections));
    }
  }
  return status;
}

int run_analyze(const CommonArgs& args) {
  ConnectionSummary summary(NetworkSet::private_ranges());
  FanOutSink sink;
  sink.add(summary);
  std::vector<InputReport> reports;
  int status = read_all(args, sink, reports);
  std::string out = "callhome " CALLHOME_VERSION "\n\nInputs\n";
  for (const auto& r : reports) {
    out += fmt::format("  {}  {}  {} bytes  {} records  {} rejected  sha256 {}\n",
                       term_safe(r.path), r.format.empty() ? "?" : r.format, r.bytes, r.records,
                       r.rejected, r.sha256.empty() ? "-" : r.sha256.substr(0, 16) + "...");
  }
  out += "\nHosts calling out\n";
  out += summary.render_text(20);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"callhome: which machine inside this network is calling out, and why"};
  app.set_version_flag("--version", "callhome " CALLHOME_VERSION);
  app.require_subcommand(1);

  CommonArgs conn_args;
  bool conn_json = false;
  auto* conn = app.add_subcommand("conn", "write connection records as Zeek's conn.log");
  add_common(conn, conn_args);
  conn->add_flag("--json", conn_json, "JSON lines instead of TSV");
  bool conn_stats = false;
  conn->add_flag("--stats", conn_stats, "print per-input counts to standard error");

  CommonArgs analyze_args;
  auto* analyze = app.add_subcommand("analyze", "rank the hosts calling out, with evidence");
  add_common(analyze, analyze_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (*conn) return run_conn(conn_args, conn_json, conn_stats);
    if (*analyze) return run_analyze(analyze_args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "callhome: internal error: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace callhome
