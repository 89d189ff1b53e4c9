#include "cli/commands.h"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "cli/exit_status.h"
#include "cli/fail_on.h"
#include "cli/help_text.h"
#include "cli/input_runner.h"
#include "cli/intel_option.h"
#include "cli/progress.h"
#include "cli/repeated_inputs.h"
#include "cli/unread_logs.h"
#include "cli/usage.h"
#include "core/fanout_sink.h"
#include "detect/detector_set.h"
#include "enrich/enricher.h"
#include "enrich/passive_names.h"
#include "enrich/site_profile.h"
#include "fingerprint/software_knowledge.h"
#include "investigate/investigator.h"
#include "report/conn_log_writer.h"
#include "report/connection_summary.h"
#include "report/escape.h"
#include "report/findings_document.h"
#include "report/html_report.h"
#include "report/output_file.h"
#include "report/report_folder.h"
#include "report/text_report.h"

namespace callhome {
namespace {

struct CommonArgs {
  std::vector<std::string> inputs;
  std::string format;
  bool verify_checksums = false;
  int year = 0;
  std::vector<std::string> blocked_paths;  // --blocked-list
  // The site profile's [inputs] blocked (analyze).
  std::vector<BlockedListPattern> blocked_lists;
  // Set by analyze from the site profile; conn uses the defaults.
  NetworkSet internal = NetworkSet::private_ranges();
  const absl::TimeZone* tz = nullptr;
  // SHA-256 of every input, for the findings document and manifest; conn has no use for it
  // and it cost a fifth of a log read.
  bool hash = true;
  LikelyServerPorts likely_server_ports = LikelyServerPorts::defaults();  // conn's option
};

void add_common(CLI::App* cmd, CommonArgs& args) {
  cmd->add_option("INPUT", args.inputs,
                  "capture or log files, directories (read recursively), or - for standard input")
      ->type_name("")
      ->required();
  cmd->add_option("--format", args.format, "force the input format instead of detecting it")
      ->type_name("NAME");
  cmd->add_flag("--verify-checksums", args.verify_checksums,
                "drop packets with bad checksums as Zeek does by default (history C/c)");
  cmd->add_option("--year", args.year, "year for syslog timestamps, which carry none")
      ->check(CLI::Range(1970, 2200).description(""))
      ->type_name("YYYY");
  // One path or glob per occurrence, so that it never swallows the INPUT arguments after it.
  cmd->add_option("--blocked-list", args.blocked_paths,
                  "the input at PATH (a file, a directory, or a glob such as 'fw/*.csv') lists "
                  "blocked connections: every record read from it counts as blocked, as a "
                  "firewall export of its denies with no verdict column needs; repeatable")
      ->type_name("PATH")
      ->allow_extra_args(false);
}

void print_problems(const InputReport& r) {
  for (const auto& p : r.problems) {
    if (p.ref) {
      std::fprintf(stderr, "callhome: %s: %s %llu (offset %llu): %s\n", term_escape(r.path).c_str(),
                   r.format == "pcap" || r.format == "pcapng" ? "packet" : "line",
                   static_cast<unsigned long long>(p.ref),
                   static_cast<unsigned long long>(p.offset), term_escape(p.what).c_str());
    } else {
      std::fprintf(stderr, "callhome: %s: %s\n", term_escape(r.path).c_str(),
                   term_escape(p.what).c_str());
    }
  }
  if (r.problems_dropped) {
    std::fprintf(stderr, "callhome: %s: %llu more problems not shown\n",
                 term_escape(r.path).c_str(), static_cast<unsigned long long>(r.problems_dropped));
  }
}

// The files to read: directories walked (except `skip_dirs`), repeats dropped. Everything left
// out is said on standard error; `errors` keeps the paths that could not be found at all.
InputFiles collect_inputs(const CommonArgs& args, const std::vector<FileId>& skip_dirs,
                          std::vector<std::string>& errors) {
  std::vector<std::string> notes;
  const auto files = expand_inputs(args.inputs, errors, skip_dirs, &notes);
  for (const auto& e : errors) std::fprintf(stderr, "callhome: %s\n", term_escape(e).c_str());
  InputFiles in = drop_repeated_inputs(files);
  notes.insert(notes.end(), in.notes.begin(), in.notes.end());
  in.notes = std::move(notes);
  for (const auto& n : in.notes) {
    std::fprintf(stderr, "callhome: note: %s\n", term_escape(n).c_str());
  }
  return in;
}

// Reads every input into `sink`; returns the exit status the spec asks for (0, or 2 when no
// input yielded a single usable record: each one's reason is on standard error).
int read_all(const CommonArgs& args, const InputFiles& in, size_t missing, EventSink& sink,
             std::vector<InputReport>& reports, ProgressLine& progress) {
  const auto& files = in.files;
  RunOptions options;
  options.verify_checksums = args.verify_checksums;
  options.forced_format = args.format;
  options.blocked_lists = args.blocked_lists;
  for (const auto& p : args.blocked_paths) {
    options.blocked_lists.push_back({p, "--blocked-list " + p});
  }
  options.year = args.year;
  options.local_nets = args.internal;
  options.tz = args.tz;
  options.hash = args.hash;
  options.likely_server_ports = args.likely_server_ports;
  options.progress = [&](uint64_t done, uint64_t total) { progress.update(done, total); };
  options.defer_yearless = options.year == 0;
  size_t usable = 0;
  UnreadLogs unread;  // Zeek logs of no use, said in one line at the end
  size_t only_unread = 0;
  reports.resize(files.size());
  std::vector<size_t> yearless;
  const auto read_one = [&](size_t i) {
    progress.start(i, files.size(), files[i]);
    InputReport& report = reports[i];
    report = InputReport{};
    const InputResult r = run_input(files[i], uint32_t(i), options, sink, report);
    progress.clear();
    if (r == InputResult::needs_year) {
      yearless.push_back(i);
      return;
    }
    if (unread.add(report)) {
      ++only_unread;
      return;
    }
    print_problems(report);
    if (r == InputResult::unusable && !report.format.empty()) {
      std::fprintf(
          stderr, "callhome: %s: no usable records (%llu read as %s, %llu rejected)\n",
          term_escape(report.path).c_str(), static_cast<unsigned long long>(report.records),
          term_escape(report.format).c_str(), static_cast<unsigned long long>(report.rejected));
    }
    usable += r == InputResult::read;
  };
  for (size_t i = 0; i < files.size(); ++i) read_one(i);
  if (!yearless.empty()) {
    // Syslog lines carry no year: the other inputs' timestamps tell it best.
    double latest = 0;
    for (const auto& r : reports) latest = std::max(latest, r.last_ts);
    if (latest > 0) {
      options.year = int(absl::ToCivilYear(absl::FromUnixSeconds(int64_t(latest)),
                                           args.tz ? *args.tz : absl::UTCTimeZone())
                             .year());
      options.year_source = "the year of the other inputs' timestamps";
    }
    options.defer_yearless = false;
    const auto deferred = yearless;
    for (size_t i : deferred) read_one(i);
  }
  if (const std::string line = unread.summary(); !line.empty()) {
    std::fprintf(stderr, "callhome: %s\n", term_escape(line).c_str());
  }
  if (usable == 0) {
    std::fprintf(stderr, "callhome: no usable input\n");
    return kExitUsage;
  }
  // Logs skipped on purpose are not inputs that failed.
  if (usable + only_unread < files.size() || missing != 0) {
    std::fprintf(stderr, "callhome: warning: %zu of %zu inputs could not be used\n",
                 files.size() - usable - only_unread + missing, files.size() + missing);
  }
  return kExitOk;
}

// conn and inputs: no output but standard output, so nothing to keep out of the walk.
int read_all(const CommonArgs& args, EventSink& sink, std::vector<InputReport>& reports,
             ProgressLine& progress) {
  std::vector<std::string> errors;
  const InputFiles in = collect_inputs(args, {}, errors);
  return read_all(args, in, errors.size(), sink, reports, progress);
}

int run_conn(CommonArgs args, bool json, bool stats) {
  args.hash = false;
  ConnLogWriter writer(stdout, json ? ConnLogWriter::Format::json : ConnLogWriter::Format::tsv,
                       NetworkSet::private_ranges());
  std::vector<InputReport> reports;
  ProgressLine progress(ProgressLine::stderr_is_terminal());
  int status = read_all(args, writer, reports, progress);
  writer.finish();
  if (stats) {
    for (const auto& r : reports) {
      std::fprintf(stderr,
                   "callhome: stats: %s: %llu records, %llu rejected, %llu connections, "
                   "%llu peak live connections\n",
                   term_escape(r.path).c_str(), static_cast<unsigned long long>(r.records),
                   static_cast<unsigned long long>(r.rejected),
                   static_cast<unsigned long long>(r.connections),
                   static_cast<unsigned long long>(r.peak_live_connections));
    }
  }
  return status;
}

// Counts what the readers made of each input, for `inputs`.
struct EventCounter : EventSink {
  struct Counts {
    uint64_t connections = 0, http = 0, dns = 0, names = 0, alerts = 0;
  };
  std::vector<Counts> per_input;
  Counts& of(uint32_t input) {
    if (input >= per_input.size()) per_input.resize(input + 1);
    return per_input[input];
  }
  void on_connection(const Connection& e) override { ++of(e.first.input).connections; }
  void on_http(const HttpEvent& e) override { ++of(e.prov.input).http; }
  void on_dns(const DnsEvent& e) override { ++of(e.prov.input).dns; }
  void on_name(const NameEvent& e) override { ++of(e.prov.input).names; }
  void on_alert(const AlertEvent& e) override { ++of(e.prov.input).alerts; }
};

std::string utc_text(double ts) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(int64_t(ts)),
                          absl::UTCTimeZone());
}

// Says what each input is and how much of it callhome can use, without analysing it: the
// check to run on a pile of evidence before anything else (and the readers' benchmark).
int run_inputs(CommonArgs args) {
  args.hash = false;
  EventCounter counter;
  std::vector<InputReport> reports;
  ProgressLine progress(ProgressLine::stderr_is_terminal());
  const int status = read_all(args, counter, reports, progress);
  for (size_t i = 0; i < reports.size(); ++i) {
    const InputReport& r = reports[i];
    std::string line = term_escape(r.path) + ": ";
    if (r.format.empty()) {
      line += "not usable";
      if (!r.problems.empty()) line += ": " + term_escape(r.problems.front().what);
      std::fputs((line + "\n").c_str(), stdout);
      continue;
    }
    line += fmt::format("{}, {} bytes, {} records, {} rejected", term_escape(r.format), r.bytes,
                        r.records, r.rejected);
    if (r.first_ts > 0) {
      line += ", " + utc_text(r.first_ts) + " to " + utc_text(r.last_ts) + " UTC";
    }
    const auto c = i < counter.per_input.size() ? counter.per_input[i] : EventCounter::Counts{};
    std::string events;
    using Kind = std::pair<uint64_t, const char*>;
    for (const auto& [n, what] : std::initializer_list<Kind>{{c.connections, "connection"},
                                                             {c.http, "web request"},
                                                             {c.dns, "DNS lookup"},
                                                             {c.names, "server name"},
                                                             {c.alerts, "IDS alert"}}) {
      if (n)
        events += fmt::format("{}{} {}{}", events.empty() ? "" : ", ", n, what, n == 1 ? "" : "s");
    }
    line += "; " + (events.empty() ? std::string("no events") : events);
    if (!r.unread_zeek_logs.empty()) {
      line += "; not read: Zeek " + term_escape(UnreadLogs::names_in(r)) + " log" +
              (r.unread_zeek_logs.size() == 1 ? "" : "s");
    }
    line += "\n";
    std::fputs(line.c_str(), stdout);
  }
  return status;
}

struct AnalyzeArgs {
  std::string json_path;       // --json FILE or "-"
  std::string out_dir;         // -o DIR
  std::string site;            // --site FILE.toml
  std::string asn_db, geo_db;  // MaxMind DB files
  std::string fail_on;         // --fail-on SEVERITY; empty: exit 0 whatever was found
  // --intel FILE, repeatable: threat-intel lists
  std::vector<std::string> intel;
};

// Whether `file` would sit directly in folder `dir`, as the file system resolves both paths.
bool in_folder(const std::string& file, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::weakly_canonical(fs::absolute(file, ec), ec).parent_path();
  fs::path folder = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (!folder.has_filename()) folder = folder.parent_path();
  return !ec && parent == folder;
}

// Leaves `object` to be reclaimed when the process ends, still reachable (so leak checkers stay
// quiet), and returns it. For the large state of a run that ends the process anyway.
template <typename T>
T& keep_until_exit(std::unique_ptr<T> object) {
  static auto* const kept = new std::vector<const void*>();
  kept->push_back(object.get());
  return *object.release();
}

int run_analyze(CommonArgs args, const AnalyzeArgs& aa) {
  SiteProfile site = SiteProfile::defaults();
  if (!aa.site.empty()) {
    auto loaded = SiteProfile::load(aa.site);
    if (!loaded) {
      std::fprintf(stderr, "callhome: %s\n", term_escape(loaded.error()).c_str());
      return kExitUsage;
    }
    site = std::move(*loaded);
  }
  for (const auto& w : site.warnings()) {
    std::fprintf(stderr, "callhome: warning: %s\n", term_escape(w).c_str());
  }
  args.internal = site.internal();
  args.tz = &site.tz();
  for (const auto& p : site.blocked_inputs()) {
    args.blocked_lists.push_back({p, site.source() + " [inputs] blocked = \"" + p + "\""});
  }

  // What the run accumulates (every pair, name and sample seen) is handed to the end of the
  // process rather than freed: freeing it node by node cost a seventh of a log-heavy run.
  PassiveNames& names = keep_until_exit(std::make_unique<PassiveNames>());
  EnricherOptions eopt;
  eopt.names = &names;
  eopt.asn_mmdb = aa.asn_db;
  eopt.geo_mmdb = aa.geo_db;
  Enricher enricher(eopt);

  IntelMatcher& intel = keep_until_exit(std::make_unique<IntelMatcher>());
  if (!load_intel_option(site, aa.intel, intel)) return kExitUsage;

  DetectorConfig dconf;
  dconf.intel = &intel;
  dconf.internal = site.internal();
  dconf.lookup = &enricher;
  dconf.tools = enricher.tools().entries();
  for (const auto& p : site.proxies()) dconf.proxies.push_back({p.address, p.port});
  if (!site.idle().empty() || site.has_business_hours()) {
    dconf.unattended = [&site](double ts) { return site.unattended(ts); };
  }
  DetectorSet& detectors = keep_until_exit(std::make_unique<DetectorSet>(dconf));
  ConnectionSummary& summary =
      keep_until_exit(std::make_unique<ConnectionSummary>(site.internal()));
  // The software behind each host's traffic: OS, TLS clients, User-Agents, ping programs.
  const auto& known_software = keep_until_exit(
      std::make_unique<SoftwareKnowledge>(SoftwareKnowledge::load(default_data_dir())));
  for (const auto& w : known_software.warnings) {
    std::fprintf(stderr, "callhome: warning: %s\n", term_escape(w).c_str());
  }
  SoftwareObserver& software =
      keep_until_exit(std::make_unique<SoftwareObserver>(known_software.options(site.internal())));
  FanOutSink sink;
  sink.add(names);
  sink.add(detectors);
  sink.add(summary);
  sink.add(software);

  // Every output is looked at before anything is read or written: one that would land on an
  // input, a block device or a folder, or a report folder holding files callhome did not
  // write, is refused.
  std::unique_ptr<ReportFolder> folder;
  std::vector<std::string> json_in_folder;  // the --json file's name when it goes into -o DIR
  std::vector<FileId> skip_dirs;
  if (!aa.out_dir.empty()) {
    if (!aa.json_path.empty() && aa.json_path != "-" && in_folder(aa.json_path, aa.out_dir)) {
      const std::string name = std::filesystem::path(aa.json_path).filename().string();
      const auto& standard = ReportFolder::standard_names();
      if (name == "findings.json") {
        // The folder's own findings document is the same document: nothing more to write.
      } else if (std::find(standard.begin(), standard.end(), name) != standard.end()) {
        std::fprintf(stderr, "callhome: --json %s would replace the report's own %s\n",
                     term_escape(aa.json_path).c_str(), name.c_str());
        return kExitUsage;
      } else {
        json_in_folder.push_back(name);
      }
    }
    folder = std::make_unique<ReportFolder>(aa.out_dir, json_in_folder);
    if (const std::string why = folder->check(); !why.empty()) {
      std::fprintf(stderr, "callhome: %s: %s\n", term_escape(aa.out_dir).c_str(),
                   term_escape(why).c_str());
      return kExitUsage;
    }
    if (FileId id; folder->dir_id(id)) skip_dirs.push_back(id);
  }
  std::unique_ptr<OutputFile> json_out;
  if (!aa.json_path.empty() && aa.json_path != "-" &&
      !(folder && in_folder(aa.json_path, aa.out_dir))) {
    json_out = std::make_unique<OutputFile>(aa.json_path);
    if (json_out->kind() == OutputFile::Kind::refused) {
      std::fprintf(stderr, "callhome: cannot write %s: %s\n", term_escape(aa.json_path).c_str(),
                   term_escape(json_out->refusal()).c_str());
      return kExitUsage;
    }
  }
  std::vector<std::string> errors;
  const InputFiles in = collect_inputs(args, skip_dirs, errors);
  const auto is_input = [&in](const FileId& id) {
    return std::find(in.ids.begin(), in.ids.end(), id) != in.ids.end();
  };
  if (FileId id; json_out && json_out->existing(id) && is_input(id)) {
    std::fprintf(stderr, "callhome: --json %s is one of the inputs; evidence is never written\n",
                 term_escape(aa.json_path).c_str());
    return kExitUsage;
  }
  if (folder) {
    for (const FileId& id : folder->existing_files()) {
      if (!is_input(id)) continue;
      std::fprintf(stderr,
                   "callhome: -o %s holds one of the inputs; replacing the folder would remove "
                   "evidence\n",
                   term_escape(aa.out_dir).c_str());
      return kExitUsage;
    }
  }

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> conn_file(nullptr, &std::fclose);
  std::unique_ptr<ConnLogWriter> conn_log;
  std::string error;
  if (folder) {
    if (folder->start(error)) conn_file.reset(folder->create("conn.log", error));
    if (!conn_file) {
      std::fprintf(stderr, "callhome: cannot write the report %s: %s\n",
                   term_escape(aa.out_dir).c_str(), term_escape(error).c_str());
      return kExitInternal;
    }
    conn_log = std::make_unique<ConnLogWriter>(conn_file.get(), ConnLogWriter::Format::tsv,
                                               site.internal());
    sink.add(*conn_log);
  }

  std::vector<InputReport> reports;
  ProgressLine progress(ProgressLine::stderr_is_terminal());
  int status = read_all(args, in, errors.size(), sink, reports, progress);
  if (status != 0) return status;
  progress.stage("running the detectors and weighing the explanations");
  std::vector<Finding> findings = detectors.finish();
  InvestigationContext ctx(enricher);
  ctx.internal = site.internal();
  if (!site.proxies().empty()) ctx.proxy = site.proxies().front().text;
  std::vector<Incident> incidents = investigate(findings, ctx);

  progress.clear();
  std::string text = render_text_report(reports, findings, incidents);
  text += "\nHosts calling out\n" + summary.render_text(20);
  const auto doc = findings_document(reports, findings, incidents, software.hosts());
  const std::string json = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (aa.json_path == "-") {
    std::fwrite(json.data(), 1, json.size(), stdout);
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  // Everything is written to temporaries first; only when every byte is down is anything
  // renamed into place, so a failed write (a full disk) leaves the previous outputs as they were.
  if (json_out && !json_out->write(json)) {
    std::fprintf(stderr, "callhome: cannot write %s: %s\n", term_escape(aa.json_path).c_str(),
                 term_escape(json_out->error()).c_str());
    return kExitInternal;
  }
  if (folder) {
    conn_log->finish();
    bool ok = !std::ferror(conn_file.get()) && std::fflush(conn_file.get()) == 0 &&
              ::fsync(::fileno(conn_file.get())) == 0;
    if (!ok) error = std::string("conn.log: ") + std::strerror(errno);
    ok = std::fclose(conn_file.release()) == 0 && ok;
    if (!ok && error.empty()) error = std::string("conn.log: ") + std::strerror(errno);
    nlohmann::json manifest = {{"tool", "callhome"}, {"version", CALLHOME_VERSION}};
    for (const auto& input : doc["inputs"]) {
      manifest["inputs"].push_back({{"path", input["path"]},
                                    {"sha256", input["sha256"]},
                                    {"bytes", input["bytes"]},
                                    {"records", input["records"]},
                                    {"rejected", input["rejected"]},
                                    {"first_ts", input["first_ts"]},
                                    {"last_ts", input["last_ts"]}});
    }
    if (!in.notes.empty()) manifest["notes"] = in.notes;
    const auto add = [&](const std::string& name, std::string_view content) {
      ok = ok && folder->add(name, content, error);
    };
    add("findings.json", json);
    add("report.txt", text);
    add("report.md", render_markdown_report(reports, findings, incidents));
    add("report.html", render_html_report(reports, findings, incidents));
    for (const auto& name : json_in_folder) add(name, json);
    add("manifest.json",
        manifest.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    if (!ok || !folder->commit(error)) {
      std::fprintf(stderr, "callhome: cannot write the report %s: %s\n",
                   term_escape(aa.out_dir).c_str(), term_escape(error).c_str());
      return kExitInternal;
    }
  }
  if (json_out && !json_out->commit()) {
    std::fprintf(stderr, "callhome: cannot write %s: %s\n", term_escape(aa.json_path).c_str(),
                 term_escape(json_out->error()).c_str());
    return kExitInternal;
  }
  // Everything is written: only now may what was found decide the status.
  return fail_on_status(incidents, severity_named(aa.fail_on));
}

// Output that never reached standard output (a full disk, a closed pipe, /dev/full) is a failed
// run, not a silent one: the buffer is flushed and the descriptor closed here, and either
// failing turns the exit status into 1.
int finish_stdout(int status) {
  const bool ok = std::fflush(stdout) == 0 && !std::ferror(stdout);
  const int error = errno;
  if (std::fclose(stdout) != 0 || !ok) {
    std::fprintf(stderr, "callhome: cannot write to standard output: %s\n",
                 std::strerror(ok ? errno : error));
    return status == 0 ? 1 : status;
  }
  return status;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"callhome: which machine inside this network is calling out, and why", "callhome"};
  app.set_version_flag("-V,--version", "callhome " CALLHOME_VERSION, "print the version and exit");
  app.require_subcommand(1);
  app.footer(main_help_footer());
  // Headings in capitals, as the EXAMPLES and EXIT STATUS sections of the footers are.
  app.get_formatter()->label("Usage", "USAGE");
  app.get_formatter()->label("SUBCOMMAND", "COMMAND");
  app.get_formatter()->label("Positionals", "ARGUMENTS");
  app.get_formatter()->label("REQUIRED", "(required)");
  app.get_formatter()->column_width(34);
  app.option_defaults()->group("OPTIONS");
  app.get_help_ptr()->group("OPTIONS")->description("print this help and exit");
  app.get_version_ptr()->group("OPTIONS");
  const auto command = [&app](const char* name, const char* what, std::string footer) {
    CLI::App* cmd = app.add_subcommand(name, what);
    cmd->group("COMMANDS");
    cmd->footer(std::move(footer));
    cmd->get_help_ptr()->group("OPTIONS")->description("print this help and exit");
    return cmd;
  };

  AnalyzeArgs aa;
  CommonArgs analyze_args;
  auto* analyze =
      command("analyze", "rank the hosts calling out, with evidence", analyze_help_footer());
  add_common(analyze, analyze_args);
  analyze->add_option("--json", aa.json_path, "write the findings document to FILE (- for stdout)")
      ->type_name("FILE");
  analyze
      ->add_option("--site", aa.site,
                   "site profile (TOML): internal networks, time zone, proxy, business hours "
                   "and idle windows")
      ->type_name("SITE.toml");
  analyze
      ->add_option("--intel", aa.intel,
                   "threat-intel list: addresses, networks and domains, one a line; repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  analyze->add_option("--asn-db", aa.asn_db, "MaxMind DB with autonomous systems (GeoLite2-ASN)")
      ->type_name("FILE");
  analyze->add_option("--geo-db", aa.geo_db, "MaxMind DB with countries (GeoLite2-Country)")
      ->type_name("FILE");
  analyze
      ->add_option("-o,--output", aa.out_dir,
                   "write a report folder: report.html, report.md, report.txt, findings.json, "
                   "conn.log, manifest.json")
      ->type_name("DIR");
  analyze
      ->add_option("--fail-on", aa.fail_on,
                   "exit with status 3 when an incident of at least this severity is found "
                   "(info, low, medium, high, critical)")
      ->type_name("SEVERITY")
      ->check(severity_validator());

  CommonArgs conn_args;
  bool conn_json = false;
  bool conn_stats = false;
  auto* conn = command("conn", "write connection records as Zeek's conn.log", conn_help_footer());
  add_common(conn, conn_args);
  conn->add_flag("--json", conn_json, "JSON lines instead of TSV");
  conn->add_flag("--stats", conn_stats, "print per-input counts to standard error");
  conn->add_option_function<std::string>(
          "--likely-server-ports",
          [&conn_args](const std::string& list) {
            std::string error;
            auto ports = LikelyServerPorts::parse(list, error);
            if (!ports) throw CLI::ValidationError("--likely-server-ports", error);
            conn_args.likely_server_ports = std::move(*ports);
          },
          "Zeek's likely_server_ports, by which the originator of a connection seen without its "
          "SYN is guessed: default (Zeek's default configuration), none, or a comma list such "
          "as 80/tcp,53/udp that may include default; `zeek -b` has only the ports of the "
          "analyzers it loaded")
      ->type_name("LIST");

  CommonArgs inputs_args;
  auto* inputs = command("inputs",
                         "say what each input is and how much of it can be read, without "
                         "analysing",
                         inputs_help_footer());
  add_common(inputs, inputs_args);

  // Listed with the others; `callhome help CMD` itself is turned into `CMD --help` before parsing.
  std::string help_topic;
  auto* help =
      command("help", "print the help of a command: callhome help COMMAND", help_help_footer());
  help->add_option("COMMAND", help_topic, "the command")->type_name("");

  std::string error;
  const std::vector<std::string> args =
      expand_help_command(app, std::vector<std::string>(argv + 1, argv + argc), error);
  if (!error.empty()) {
    std::fputs(error.c_str(), stderr);
    return finish_stdout(kExitUsage);
  }
  try {
    // CLI11 takes a vector in reverse order, the way it consumes it.
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help, --version: printed to standard output
      app.exit(e);
      return finish_stdout(kExitOk);
    }
    std::fputs(usage_error_message(app, args, e).c_str(), stderr);
    return finish_stdout(kExitUsage);
  }
  int status = kExitUsage;
  try {
    if (*conn) status = run_conn(conn_args, conn_json, conn_stats);
    if (*analyze) status = run_analyze(analyze_args, aa);
    if (*inputs) status = run_inputs(inputs_args);
    if (*help) {  // reached only as `callhome help --help` and the like
      std::fputs(app.help().c_str(), stdout);
      status = kExitOk;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "callhome: internal error: %s\n", e.what());
    status = kExitInternal;
  }
  return finish_stdout(status);
}

}  // namespace callhome
