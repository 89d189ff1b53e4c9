// Fuzzes the Snort/Suricata alert (fast and full) sniffer and reader, in a zone with DST.
#include <absl/time/time.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "logs/snort_reader.h"

namespace {

// Reads every byte an event carries, so that a view past its string shows up under ASan.
struct TouchAll : callhome::EventSink {
  size_t sum = 0;
  void touch(const std::string& s) {
    for (char c : s) sum += uint8_t(c);
  }
  void on_alert(const callhome::AlertEvent& e) override {
    touch(e.signature), touch(e.classification);
    sum += e.sid + e.gid + e.rev + e.src_port + e.dst_port + size_t(e.priority) + e.prov.ref;
  }
};

const absl::TimeZone& chicago() {
  static const absl::TimeZone tz = [] {
    absl::TimeZone z;
    if (!absl::LoadTimeZone("America/Chicago", &z)) z = absl::UTCTimeZone();
    return z;
  }();
  return tz;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  volatile int score = callhome::sniff_snort(bytes);
  (void)score;
  callhome::ByteSource::Options options;
  options.hash = false;
  options.decompress = false;
  options.chunk = 4096;  // small reads: cheap per run, and lines straddle refills
  auto src = callhome::ByteSource::from_memory(std::move(bytes), options);
  callhome::LineReader lines(*src, 2048);  // a small limit, so that overlong lines occur
  callhome::ReadContext ctx;
  ctx.year = 2020;
  ctx.tz = size % 2 ? &chicago() : nullptr;
  TouchAll sink;
  callhome::InputReport report;
  callhome::read_snort(lines, ctx, sink, report);
  volatile size_t sum = sink.sum + report.records + report.rejected;
  (void)sum;
  return 0;
}
