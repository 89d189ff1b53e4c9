#include "cli/help_text.h"

namespace callhome {
namespace {

// The statuses every command shares; analyze adds --fail-on's.
constexpr const char* kExitStatus =
    "EXIT STATUS:\n"
    "  0  the inputs were read (with or without findings)\n"
    "  1  internal error, or an output could not be written\n"
    "  2  bad usage, or no input could be used (each message names the file and why)\n";

constexpr const char* kFailOnStatus =
    "  3  --fail-on SEVERITY: an incident of at least SEVERITY was found (0 otherwise)\n";

constexpr const char* kInputs =
    "INPUT is a file, a directory (read recursively) or - for standard input. The format is\n"
    "told by the content, not the name; gzip, bzip2, xz and zstd are decompressed as read.\n";

}  // namespace

std::string main_help_footer() {
  return std::string(kInputs) +
         "\n"
         "EXAMPLES:\n"
         "  callhome analyze capture.pcap\n"
         "  callhome analyze --site site.toml -o report/ evidence/\n"
         "  callhome inputs evidence/\n"
         "  callhome help analyze\n"
         "\n" +
         kExitStatus + kFailOnStatus;
}

std::string analyze_help_footer() {
  return std::string(kInputs) +
         "\n"
         "EXAMPLES:\n"
         "  callhome analyze capture.pcap                 ranked summary on standard output\n"
         "  callhome analyze --site site.toml -o report/ evidence/\n"
         "                                                report folder (report.html, ...)\n"
         "  callhome analyze --json - logs/ | jq .incidents\n"
         "  zcat fw-*.log.gz | callhome analyze --year 2024 -\n"
         "  callhome analyze --fail-on high nightly/      exit status 3 if anything is high\n"
         "\n" +
         kExitStatus + kFailOnStatus;
}

std::string conn_help_footer() {
  return std::string(kInputs) +
         "\n"
         "EXAMPLES:\n"
         "  callhome conn capture.pcap > conn.log          Zeek conn.log TSV\n"
         "  callhome conn --json capture.pcapng | jq -r '.\"id.resp_h\"'\n"
         "  tcpdump -i eth0 -c 10000 -w - | callhome conn -\n"
         "\n" +
         kExitStatus;
}

std::string inputs_help_footer() {
  return std::string(kInputs) +
         "\n"
         "EXAMPLES:\n"
         "  callhome inputs evidence/                      one line per file\n"
         "  callhome inputs --year 2006 kern.log\n"
         "\n" +
         kExitStatus;
}

std::string help_help_footer() {
  return "EXAMPLES:\n"
         "  callhome help                                  the commands\n"
         "  callhome help analyze                          the same as callhome analyze --help\n"
         "\n"
         "EXIT STATUS:\n"
         "  0  the help was printed\n"
         "  2  no such command\n";
}

}  // namespace callhome
