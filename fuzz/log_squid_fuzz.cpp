// Fuzzes the Squid access.log sniffer and reader (native and common/combined lines).
#include <cstddef>
#include <cstdint>
#include <string>

#include "logs/squid_reader.h"

namespace {

// Reads every byte an event carries, so that a view past its string shows up under ASan.
struct TouchAll : callhome::EventSink {
  size_t sum = 0;
  void touch(const std::string& s) {
    for (char c : s) sum += uint8_t(c);
  }
  void on_http(const callhome::HttpEvent& e) override {
    touch(e.method), touch(e.url), touch(e.host), touch(e.user_agent), touch(e.result);
    touch(e.hierarchy), touch(e.content_type);
    sum += e.status + e.bytes + e.server_port + e.prov.ref;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  volatile int score = callhome::sniff_squid(bytes);
  (void)score;
  callhome::ByteSource::Options options;
  options.hash = false;
  options.decompress = false;
  options.chunk = 4096;  // small reads: cheap per run, and lines straddle refills
  auto src = callhome::ByteSource::from_memory(std::move(bytes), options);
  callhome::LineReader lines(*src, 2048);  // a small limit, so that overlong lines occur
  callhome::ReadContext ctx;
  ctx.year = 2020;
  TouchAll sink;
  callhome::InputReport report;
  callhome::read_squid(lines, ctx, sink, report);
  volatile size_t sum = sink.sum + report.records + report.rejected;
  (void)sum;
  return 0;
}
