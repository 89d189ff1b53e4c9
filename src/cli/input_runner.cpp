#include "cli/input_runner.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

#include <ctime>
#include <filesystem>
#include <memory>
#include <string_view>
#include <tuple>

#include "fingerprint/software_tap.h"
#include "flow/capture_reader.h"
#include "flow/conn_tracker.h"
#include "flow/dns_transactions.h"
#include "flow/packet_decoder.h"
#include "flow/payload_names.h"
#include "flow/tracker_prefetch.h"
#include "ingest/byte_source.h"
#include "ingest/compression.h"
#include "logs/registry.h"

namespace callhome {
namespace fs = std::filesystem;

namespace {

// Passes every event on, with each connection's action set to blocked: the analyst declared
// that this input lists blocked connections, which its records cannot say themselves.
class DeclaredBlockedSink : public EventSink {
 public:
  explicit DeclaredBlockedSink(EventSink& next) : next_(next) {}
  void on_connection(const Connection& c) override {
    Connection b = c;
    b.action = Action::blocked;
    next_.on_connection(b);
  }
  void on_http(const HttpEvent& e) override { next_.on_http(e); }
  void on_dns(const DnsEvent& e) override { next_.on_dns(e); }
  void on_name(const NameEvent& e) override { next_.on_name(e); }
  void on_alert(const AlertEvent& e) override { next_.on_alert(e); }
  void on_packet_sample(const PacketSampleEvent& e) override { next_.on_packet_sample(e); }

 private:
  EventSink& next_;
};

// Where a file sits in a rotated set, so that a directory is read oldest first (logrotate's
// "access.log.2.gz, access.log.1, access.log"; its dateext "kern.log-20061117"; Windows'
// "pfirewall.log.old"), not in name order, which puts the live file before its past.
struct RotationKey {
  std::string base;   // the live file's name: the set's identity
  int kind = 2;       // 0: numbered or .old, 1: dated, 2: the live file (newest)
  int64_t order = 0;  // within the kind, ascending = older first
};

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 14 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

RotationKey rotation_key(const std::string& path) {
  std::string_view name(path);
  if (name.ends_with(".gz")) name.remove_suffix(3);
  if (const size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0) {
    const std::string_view suffix = name.substr(dot + 1);
    if (suffix == "old") return {std::string(name.substr(0, dot)), 0, -1};
    if (all_digits(suffix) && suffix.size() <= 3) {  // not a year: "log.2024"
      return {std::string(name.substr(0, dot)), 0, -std::stoll(std::string(suffix))};
    }
  }
  if (const size_t dash = name.rfind('-'); dash != std::string_view::npos && dash > 0) {
    const std::string_view suffix = name.substr(dash + 1);
    if (all_digits(suffix) && suffix.size() >= 8) {  // YYYYMMDD, YYYYMMDDHH, ...
      return {std::string(name.substr(0, dash)), 1, std::stoll(std::string(suffix))};
    }
  }
  return {std::string(name), 2, 0};
}

// Sorts by name, except that the members of a rotated set go oldest first, the live file last.
void sort_oldest_first(std::vector<std::string>& files) {
  std::vector<std::pair<RotationKey, std::string>> keyed;
  keyed.reserve(files.size());
  for (auto& f : files) keyed.emplace_back(rotation_key(f), std::move(f));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.base, a.first.kind, a.first.order, a.second) <
           std::tie(b.first.base, b.first.kind, b.first.order, b.second);
  });
  for (size_t i = 0; i < files.size(); ++i) files[i] = std::move(keyed[i].second);
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& args,
                                       std::vector<std::string>& errors,
                                       const std::vector<FileId>& skip_dirs,
                                       std::vector<std::string>* notes) {
  const auto skipped = [&](const fs::path& dir) {
    const char* why = nullptr;
    FileId id;
    if (is_temporary_name(dir.filename().string())) {
      why = "a temporary folder of callhome (left by an interrupted run); not read";
    } else if (file_id(dir.string(), id) &&
               std::find(skip_dirs.begin(), skip_dirs.end(), id) != skip_dirs.end()) {
      why = "the report folder being written; not read as evidence";
    }
    if (why && notes) notes->push_back(dir.string() + ": " + why);
    return why != nullptr;
  };
  std::vector<std::string> files;
  for (const auto& arg : args) {
    if (arg == kStdinArg) {
      files.push_back(arg);
      continue;
    }
    std::error_code ec;
    auto status = fs::status(arg, ec);
    if (ec) {
      errors.push_back(arg + ": " + ec.message());
      continue;
    }
    if (fs::is_directory(status)) {
      if (skipped(arg)) continue;
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(
               arg, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec) && !it->is_symlink(type_ec) && skipped(it->path())) {
          it.disable_recursion_pending();
        } else if (it->is_regular_file(type_ec)) {
          found.push_back(it->path().string());
        }
      }
      if (ec) errors.push_back(arg + ": " + ec.message());
      sort_oldest_first(found);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(arg);
    }
  }
  return files;
}

std::string detect_format(const std::string& head) {
  if (CaptureReader::sniff(reinterpret_cast<const uint8_t*>(head.data()), head.size())) {
    // The reader itself tells pcap from pcapng; the name here is only for reports.
    return head.size() >= 4 && uint8_t(head[0]) == 0x0a && uint8_t(head[1]) == 0x0d &&
                   uint8_t(head[2]) == 0x0d && uint8_t(head[3]) == 0x0a
               ? "pcapng"
               : "pcap";
  }
  // Text logs: cut the head at the last complete line so sniffers never see half a line.
  std::string_view text(head);
  if (auto nl = text.rfind('\n'); nl != std::string_view::npos) text = text.substr(0, nl + 1);
  int best = 0;
  const LogFormat* winner = nullptr;
  for (const auto& f : log_formats()) {
    int score = f.sniff(text);
    if (score > best) {
      best = score;
      winner = &f;
    }
  }
  return winner ? winner->name : "";
}

namespace {

// Returns the number of packets that decoded (not rejected as malformed).
uint64_t read_capture(ByteSource& src, uint32_t index, const RunOptions& options, EventSink& sink,
                      InputReport& report) {
  std::string error;
  auto reader = CaptureReader::open(src, report, &error);
  if (!reader) {
    report.note(0, 0, error);
    return 0;
  }
  uint64_t usable = 0;
  report.format = reader->format_name();
  PacketDecoder decoder(PacketDecoder::Options{options.verify_checksums});
  TrackerOptions topt;
  topt.local_nets = options.local_nets;
  topt.likely_server_ports = options.likely_server_ports;
  ConnTracker tracker(topt, sink);
  DnsTransactions dns(sink);
  SoftwareTap software;  // SYNs, ClientHellos and echo requests, for fingerprinting
  RawPacket raw;
  DecodedLayers layers;
  std::string why, parent;
  TrackerPrefetch prefetch;
  while (reader->next(raw)) {
    prefetch.ahead(*reader, tracker);
    ++report.records;
    report.saw_time(raw.ts);
    why.clear();
    auto result = decoder.decode(raw, layers, &why);
    if (result == PacketDecoder::Result::malformed) {
      report.reject(raw.number, raw.offset, why.empty() ? "malformed packet" : why);
      continue;
    }
    ++usable;
    if (result != PacketDecoder::Result::ok) continue;
    parent.clear();
    const Provenance prov{index, raw.number};
    for (int i = 0; i < layers.count; ++i) {
      tracker.feed(layers.layer[i], raw.ts, prov, parent);
      // Only an inner layer needs the uid of the connection carrying it.
      if (i + 1 < layers.count) parent = tracker.last_uid();
      emit_payload_names(layers.layer[i], raw.ts, prov, sink, &dns);
      software.packet(layers.layer[i], raw.ts, prov, sink);
    }
  }
  dns.flush();
  tracker.flush();
  decoder.report_incomplete(report);
  report.connections = tracker.stats().connections;
  report.peak_live_connections = tracker.stats().peak_live;
  return usable;
}

}  // namespace

bool declared_blocked(const std::string& path, const std::vector<BlockedListPattern>& patterns,
                      std::string* origin) {
  const std::string name = fs::path(path).filename().string();
  for (const auto& p : patterns) {
    bool hit = ::fnmatch(p.pattern.c_str(), path.c_str(), 0) == 0 ||
               (p.pattern.find('/') == std::string::npos &&
                ::fnmatch(p.pattern.c_str(), name.c_str(), 0) == 0);
    // The same file or directory however it is spelt ("./fw.csv", an absolute path).
    std::error_code ec;
    for (fs::path at = fs::path(path); !hit && !at.empty(); at = at.parent_path()) {
      hit = fs::equivalent(p.pattern, at, ec);
      if (at == at.parent_path()) break;
    }
    if (hit) {
      if (origin) *origin = p.origin;
      return true;
    }
  }
  return false;
}

InputResult run_input(const std::string& path, uint32_t index, const RunOptions& options,
                      EventSink& events, InputReport& report) {
  const bool is_stdin = path == kStdinArg;
  report.path = is_stdin ? std::string(kStdinName) : path;
  std::string declared_by;
  DeclaredBlockedSink blocked_sink(events);
  const bool blocked = declared_blocked(path, options.blocked_lists, &declared_by);
  EventSink& sink = blocked ? static_cast<EventSink&>(blocked_sink) : events;
  if (blocked) {
    report.note(0, 0,
                "every record read as blocked: declared a list of blocked connections (" +
                    declared_by + ")");
  }
  std::string error;
  ByteSource::Options bopt;
  bopt.hash = options.hash;
  auto src = is_stdin ? ByteSource::open_stdin(bopt) : ByteSource::open(path, &error, bopt);
  if (!src) {
    report.note(0, 0, error);
    return InputResult::unusable;
  }
  if (options.progress) {
    src->on_read(
        [&options, size = src->file_size()](uint64_t done) { options.progress(done, size); });
  }
  report.bytes = src->file_size();
  src->ensure(64 * 1024);
  // Compressed or archived as callhome cannot read: say what to do instead. (A log inside a tar
  // would half sniff as that log, its lines numbered in the archive and its headers rejected.)
  std::string refusal;
  if (*src->unsupported_compression()) {
    refusal = std::string("compressed with ") + src->unsupported_compression() +
              ", which callhome does not read; decompress it first";
  } else if (const char* archive = detect_archive(src->data(), src->available())) {
    refusal =
        std::string("a ") + archive + " archive, which callhome does not read; extract it first";
  }
  if (!refusal.empty()) {
    report.note(0, 0, refusal);
    report.sha256 = src->finish_hash();
    report.bytes = src->file_size();
    if (!src->stream_error().empty()) report.note(0, src->offset(), src->stream_error());
    return InputResult::unusable;
  }
  std::string head(reinterpret_cast<const char*>(src->data()), src->available());
  std::string format = options.forced_format.empty() ? detect_format(head) : options.forced_format;
  bool ok = true;
  const LogFormat* const f = find_log_format(format);
  if (f && f->needs_year && options.year == 0 && options.defer_yearless && !is_stdin) {
    return InputResult::needs_year;
  }
  if (format == "pcap" || format == "pcapng") {
    report.format = format;
    ok = read_capture(*src, index, options, sink, report) > 0;
  } else if (f) {
    report.format = f->name;
    LineReader lines(*src);
    ReadContext ctx{index, options.tz, options.year};
    // Said only after the read, and only if a timestamp really lacked the year: Cisco ASA
    // and RFC 5424 lines may carry it.
    std::string year_note;
    if (f->needs_year && !options.year_source.empty()) {
      year_note = "timestamps carry no year and --year was not given: read as " +
                  std::to_string(ctx.year) + " (" + options.year_source + ")";
    } else if (f->needs_year && ctx.year == 0) {
      // No --year: the year the file was last written is the best guess left; say so.
      // Standard input has no such time (and cannot wait for the other inputs): this year.
      struct stat st {};
      const bool dated = !is_stdin && ::stat(path.c_str(), &st) == 0;
      std::time_t t = dated ? st.st_mtime : std::time(nullptr);
      std::tm tm{};
      gmtime_r(&t, &tm);
      ctx.year = tm.tm_year + 1900;
      year_note = "timestamps carry no year and --year was not given: read as " +
                  std::to_string(ctx.year) +
                  (dated ? " (the file's modification time)" : " (the current year)");
    }
    f->read(lines, ctx, sink, report);
    ok = report.records > 0;
    if (report.year_assumed && !year_note.empty()) report.note(0, 0, year_note);
  } else {
    ok = false;
    if (!format.empty()) {
      report.note(0, 0, "unknown format name: " + format);
    } else if (!(src->compressed() && head.empty() && !src->stream_error().empty())) {
      // (Compressed data that decoded to nothing is explained by its stream error below.)
      report.note(0, 0, "unrecognised format (not a capture or a supported log)");
    }
  }
  // Hashing the rest first: that read may find that the file changed size while being read.
  report.sha256 = src->finish_hash();
  report.bytes = src->file_size();  // the bytes hashed, fewer than at open if it shrank
  if (!src->stream_error().empty()) report.note(0, src->offset(), src->stream_error());
  return ok ? InputResult::read : InputResult::unusable;
}

}  // namespace callhome
