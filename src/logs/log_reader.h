// The contract every text-log reader follows: recognise its format from the first lines, then
// stream the file line by line into normalised events.
#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <string_view>

#include "core/events.h"
#include "core/input_report.h"
#include "ingest/byte_source.h"

namespace callhome {

struct ReadContext {
  uint32_t input_index = 0;            // goes into every event's Provenance::input
  const absl::TimeZone* tz = nullptr;  // the site's zone, for formats that log local time
  int year = 0;                        // year for timestamps that carry none (syslog, Snort)
};

// A reader is a pair of free functions, registered in logs/registry.cpp:
//   int sniff_X(std::string_view head);
//     `head` is the first bytes of the (decompressed) file, cut at a line end, up to 64 KiB.
//     Returns a confidence 0..100 that this is format X (0: certainly not). Must be cheap and
//     must not be fooled by a single matching line inside another format.
//   void read_X(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);
//     Emits one event per usable line; counts report.records for every line used and calls
//     report.reject(line_number, offset, why) for every line that should have been a record
//     but could not be parsed (comments, headers and blank lines are neither). Calls
//     report.saw_time(ts) for each record. Never throws, never aborts on bad input.
using SniffFn = int (*)(std::string_view head);
using ReadFn = void (*)(LineReader& lines, const ReadContext& ctx, EventSink& sink,
                        InputReport& report);

}  // namespace callhome
