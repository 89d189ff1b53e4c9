// Shared body of the text-log reader fuzz targets: sniff the bytes, then read them as the
// format under test with a small line limit (so the overlong-line path runs too), and check
// invariants every reader must keep whatever the input.
#pragma once

#include <absl/time/time.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/byte_source.h"
#include "logs/log_reader.h"

namespace callhome::fuzz {

// Checks what every event must hold, and reads every byte of its strings so that a view past
// its buffer shows up under ASan.
struct CheckingSink : EventSink {
  uint64_t n = 0;
  void touch(std::string_view s) {
    for (char c : s) n += uint8_t(c);
  }
  static void check_ref(const Provenance& p) {
    if (p.ref == 0) std::abort();  // provenance must name a real line
  }
  void on_connection(const Connection& c) override {
    // Provenance must name real lines, in order; times must be numbers.
    if (c.first.ref == 0 || c.last.ref < c.first.ref || !std::isfinite(c.ts)) std::abort();
    if (c.has_duration && !(c.duration >= 0)) std::abort();
    n += c.orig_p + c.resp_p;
    touch(c.history), touch(c.service);
  }
  void on_http(const HttpEvent& e) override {
    check_ref(e.prov);
    touch(e.method), touch(e.url), touch(e.host), touch(e.user_agent), touch(e.result);
    touch(e.hierarchy), touch(e.content_type);
    n += e.status + e.bytes + e.server_port;
  }
  void on_dns(const DnsEvent& e) override {
    check_ref(e.prov);
    touch(e.query), touch(e.rcode);
    for (const auto& c : e.cnames) touch(c);
    n += e.addresses.size() + e.qtype;
  }
  void on_name(const NameEvent& e) override {
    check_ref(e.prov);
    touch(e.name), touch(e.source);
  }
  void on_alert(const AlertEvent& e) override {
    check_ref(e.prov);
    touch(e.signature), touch(e.classification);
    n += e.sid + e.gid + e.src_port + e.dst_port;
  }
};

inline const absl::TimeZone* chicago() {
  static absl::TimeZone tz = [] {
    absl::TimeZone z;
    if (!absl::LoadTimeZone("America/Chicago", &z)) z = absl::FixedTimeZone(-6 * 3600);
    return z;
  }();
  return &tz;
}

inline int run_reader(const uint8_t* data, size_t size, SniffFn sniff, ReadFn read) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  volatile int score = sniff(bytes);
  if (score < 0 || score > 100) std::abort();
  ByteSource::Options options;
  options.hash = false;
  options.chunk = 64 * 1024;  // a fuzz input is small; a 4 MiB buffer per run only costs time
  auto src = ByteSource::from_memory(bytes, options);
  LineReader lines(*src, 512);  // small, so fuzzed lines reach the overlong path
  ReadContext ctx;
  ctx.input_index = 1;
  // The first byte picks the context: known or inferred year, UTC or a zone with DST.
  const uint8_t pick = size > 0 ? data[0] : 0;
  ctx.year = pick & 1 ? 0 : 2006;
  ctx.tz = pick & 2 ? chicago() : nullptr;
  CheckingSink sink;
  InputReport report;
  read(lines, ctx, sink, report);
  // Every line is at most one record or one reject (a record may span lines, never the reverse).
  if (report.records + report.rejected > lines.line_number()) std::abort();
  if (report.problems.size() > InputReport::kMaxProblems) std::abort();
  return 0;
}

}  // namespace callhome::fuzz
