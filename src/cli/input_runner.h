// Reads evidence files of any supported format into normalised events: detects the format
// from the content, streams the file once, and records what happened in an InputReport.
#pragma once

#include <absl/time/time.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.h"
#include "core/input_report.h"
#include "core/network.h"
#include "flow/likely_server_ports.h"
#include "report/output_file.h"

namespace callhome {

// The INPUT that names standard input, and the name its report and messages give it.
inline constexpr std::string_view kStdinArg = "-";
inline constexpr std::string_view kStdinName = "<stdin>";

// An input the analyst declared a list of blocked connections (a firewall export of its denies
// that has no verdict column), by path or glob.
struct BlockedListPattern {
  std::string pattern;  // a path, a directory, or a glob ("fw/*.csv", "denied-*.txt")
  std::string origin;   // who declared it, for the input's note: "--blocked-list", "site.toml"
};

// True when `path` is declared by one of `patterns`: the same file or a file under the same
// directory, a glob matching the path as read (the command-line argument, or it joined with
// the names found under it), or a pattern without '/' matching the file name alone.
// Sets `origin` to the declaring pattern's origin.
bool declared_blocked(const std::string& path, const std::vector<BlockedListPattern>& patterns,
                      std::string* origin = nullptr);

struct RunOptions {
  bool verify_checksums = false;
  NetworkSet local_nets = NetworkSet::private_ranges();
  const absl::TimeZone* tz = nullptr;
  int year = 0;
  std::string forced_format;  // --format; empty = detect
  // Inputs whose every record counts as blocked (--blocked-list, [inputs] blocked).
  std::vector<BlockedListPattern> blocked_lists;
  bool hash = true;
  LikelyServerPorts likely_server_ports = LikelyServerPorts::defaults();  // for the tracker
  // With no year: leave inputs whose timestamps carry none (syslog) unread, so the caller can
  // read them once the other inputs have told the year.
  bool defer_yearless = false;
  std::string year_source;  // why `year` is what it is, for the note ("the other inputs' ...")
  std::function<void(uint64_t done, uint64_t total)> progress;  // bytes of the file read
};

// Expands directories (recursively, in name order, except that rotated sets such as
// access.log.2.gz, access.log.1, access.log go oldest first) into files; unreadable paths go
// to `errors` as "PATH: why". Files named on the command line keep their order. Directories in
// `skip_dirs` (the report folder being written) and the temporary folders callhome makes
// (.callhome-XXXXXX, left by a killed run) are never walked: what callhome wrote is not
// evidence. Each one skipped is said in `notes`. "-" (standard input) is kept as it is.
std::vector<std::string> expand_inputs(const std::vector<std::string>& args,
                                       std::vector<std::string>& errors,
                                       const std::vector<FileId>& skip_dirs = {},
                                       std::vector<std::string>* notes = nullptr);

// Names the format of the file's first bytes ("pcap", "pcapng", a log format name), or empty.
std::string detect_format(const std::string& head);

enum class InputResult { read, unusable, needs_year };

// Reads one file ("-": standard input) into `sink`. `unusable` when nothing could be read
// (unreadable file, unknown format or compression: `report.problems` then says why; or a known
// format with no usable record); `needs_year` when deferred (defer_yearless; never standard
// input, which cannot be read twice). Damage inside a file is counted in `report` and never stops
// the read.
InputResult run_input(const std::string& path, uint32_t index, const RunOptions& options,
                      EventSink& sink, InputReport& report);

}  // namespace callhome
