// Squid native reader throughput against the floor of any line-based reader: counting the
// newlines of the same ~100 MB with memchr (what `wc -l` does). Both run on bytes in memory.
//   build-px/bench/proxy_reader_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "logs/squid_reader.h"

namespace {

// ~100 MB of native lines shaped like a busy proxy's: mostly GETs through DIRECT, some
// CONNECTs, 407 denials, IPv6 clients and parent peers.
const std::string& squid_text() {
  static const std::string text = [] {
    std::string s;
    s.reserve(size_t(105) << 20);
    char line[512];
    for (uint32_t i = 0; s.size() < (size_t(100) << 20); ++i) {
      const unsigned t = 1157689312 + i / 50, ms = i % 1000, host = i % 997;
      int n;
      if (i % 11 == 0) {
        n = std::snprintf(line, sizeof line,
                          "%u.%03u %6u 10.105.%u.%u TCP_DENIED/407 1759 GET "
                          "http://update%u.example.com/cgi/check.asp?id=%u - NONE/- text/html\n",
                          t, ms, i % 50, (i >> 8) & 255, i & 255, host, i);
      } else if (i % 7 == 0) {
        n = std::snprintf(line, sizeof line,
                          "%u.%03u %6u 10.105.%u.%u TCP_TUNNEL/200 %u CONNECT "
                          "login%u.example.net:443 user%u HIER_DIRECT/203.0.%u.%u -\n",
                          t, ms, i % 90000, (i >> 8) & 255, i & 255, 2000 + i % 50000, host,
                          i % 300, host & 255, (host * 7) & 255);
      } else if (i % 13 == 0) {
        n = std::snprintf(line, sizeof line,
                          "%u.%03u %6u 2001:db8:%x::%x TCP_MISS/200 %u GET "
                          "http://cdn%u.example.org/static/app-%u.js - "
                          "FIRST_UP_PARENT/10.0.0.1 application/javascript\n",
                          t, ms, i % 3000, (i >> 8) & 0xffff, i & 0xffff, 500 + i % 90000, host, i);
      } else {
        n = std::snprintf(line, sizeof line,
                          "%u.%03u %6u 192.168.%u.%u TCP_MISS/200 %u GET "
                          "http://www%u.example.com/path/to/page%u.html?q=%u - "
                          "DIRECT/93.184.%u.%u text/html\n",
                          t, ms, i % 5000, (i >> 8) & 255, i & 255, 300 + i % 120000, host, i % 100,
                          i, host & 255, (host * 3) & 255);
      }
      s.append(line, size_t(n));
    }
    return s;
  }();
  return text;
}

struct Sum : callhome::EventSink {
  uint64_t bytes = 0;
  void on_http(const callhome::HttpEvent& e) override { bytes += e.bytes + e.host.size(); }
};

void BM_ReadSquidNative(benchmark::State& state) {
  const std::string& text = squid_text();
  callhome::ByteSource::Options options;
  options.hash = false;  // hashing the evidence is measured elsewhere
  options.decompress = false;
  uint64_t records = 0, rejected = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto src = callhome::ByteSource::from_memory(text, options);  // the copy is not timed
    state.ResumeTiming();
    callhome::LineReader lines(*src);
    Sum sink;
    callhome::InputReport report;
    callhome::read_squid(lines, callhome::ReadContext{}, sink, report);
    benchmark::DoNotOptimize(sink.bytes);
    records = report.records;
    rejected = report.rejected;
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
  state.counters["lines/s"] =
      benchmark::Counter(double(records) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["rejected"] = double(rejected);
}
BENCHMARK(BM_ReadSquidNative)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MemchrNewlineCount(benchmark::State& state) {
  const std::string& text = squid_text();
  for (auto _ : state) {
    uint64_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while (const void* nl = std::memchr(p, '\n', size_t(end - p))) {
      ++lines;
      p = static_cast<const char*>(nl) + 1;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(BM_MemchrNewlineCount)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
