// What a run learned about one input: its identity, how much of it was usable, and the
// problems met, each named by place so that a user can look at the bytes themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace callhome {

struct Problem {
  uint64_t ref = 0;     // packet or line number (0: the file as a whole)
  uint64_t offset = 0;  // byte offset in the (decompressed) stream, when known
  std::string what;
};

struct InputReport {
  std::string path;
  std::string format;                  // "pcap", "pcapng", "squid", ...
  std::string sha256;                  // of the bytes on disk (compressed as stored)
  uint64_t bytes = 0;                  // size on disk
  uint64_t records = 0;                // packets or lines used
  uint64_t rejected = 0;               // packets or lines that could not be used
  double first_ts = 0, last_ts = 0;    // 0 when no timestamped record was read
  uint64_t connections = 0;            // captures: connection records produced
  uint64_t peak_live_connections = 0;  // captures: most connections open at once
  std::vector<Problem> problems;       // the first few, in order; `rejected` has the full count
  uint64_t problems_dropped = 0;       // problems not kept once the list was full

  // A timestamp without a year was read (BSD syslog, Snort): its year came from --year or a
  // guess. Formats that may carry the year (Cisco ASA, RFC 5424) set it only when one did not.
  bool year_assumed = false;

  // Zeek logs of kinds callhome has no use for (dhcp, files, x509, ...), by the name the log gives
  // itself ("" when it gives none). Said once for all inputs, not per file: a Zeek directory
  // holds a dozen of them.
  std::vector<std::string> unread_zeek_logs;

  static constexpr size_t kMaxProblems = 20;

  // Counts a rejected record and keeps its description while there is room.
  void reject(uint64_t ref, uint64_t offset, std::string what) {
    ++rejected;
    note(ref, offset, std::move(what));
  }
  // A problem that does not cost a record (a truncated tail, a header oddity).
  void note(uint64_t ref, uint64_t offset, std::string what) {
    if (problems.size() < kMaxProblems) {
      problems.push_back({ref, offset, std::move(what)});
    } else {
      ++problems_dropped;
    }
  }
  void saw_time(double ts) {
    if (ts <= 0) return;
    if (first_ts == 0 || ts < first_ts) first_ts = ts;
    if (ts > last_ts) last_ts = ts;
  }
};

}  // namespace callhome
