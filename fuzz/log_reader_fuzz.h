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

#include "ingest/byte_source.h"
#include "logs/log_reader.h"

namespace callhome::fuzz {

struct CheckingSink : EventSink {
  uint64_t n = 0;
  void on_connection(const Connection& c) override {
    // Provenance must name real lines, in order; times must be numbers.
    if (c.first.ref == 0 || c.last.ref < c.first.ref || !std::isfinite(c.ts)) std::abort();
    if (c.has_duration && !(c.duration >= 0)) std::abort();
    n += c.orig_p + c.resp_p + c.history.size();
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
