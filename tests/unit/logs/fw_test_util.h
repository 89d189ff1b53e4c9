// Helpers for the firewall-log reader tests: run a reader over text held in memory and keep
// what it emitted.
#pragma once

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <string>
#include <vector>

#include "core/events.h"
#include "core/input_report.h"
#include "ingest/byte_source.h"
#include "logs/log_reader.h"

namespace callhome::fwtest {

struct Collect : EventSink {
  std::vector<Connection> conns;
  void on_connection(const Connection& c) override { conns.push_back(c); }
};

struct Result {
  std::vector<Connection> conns;
  InputReport report;
};

inline Result run(ReadFn read, const std::string& text, const ReadContext& ctx = ReadContext{}) {
  auto src = ByteSource::from_memory(text);
  LineReader lines(*src);
  Result r;
  Collect sink;
  read(lines, ctx, sink, r.report);
  r.conns = std::move(sink.conns);
  return r;
}

inline ReadContext context(int year, const absl::TimeZone* tz = nullptr, uint32_t input = 0) {
  ReadContext ctx;
  ctx.year = year;
  ctx.tz = tz;
  ctx.input_index = input;
  return ctx;
}

// UNIX seconds of a UTC civil time.
inline double utc(int y, int mo, int d, int h, int mi, int s) {
  return double(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone())));
}

inline std::string addr(const Address& a) {
  return a.to_string();
}

inline absl::TimeZone chicago() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("America/Chicago", &tz)) tz = absl::FixedTimeZone(-6 * 3600);
  return tz;
}

}  // namespace callhome::fwtest
