// Throughput of the firewall-log readers on ~100 MB of synthetic lines held in memory, against
// the floor any line reader has: counting newlines with memchr (what `wc -l` does), and
// splitting the same bytes into lines with LineReader alone.
//   build-*/bench/firewall_reader_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ingest/byte_source.h"
#include "logs/asa_reader.h"
#include "logs/filterlog_reader.h"
#include "logs/iptables_reader.h"
#include "logs/table_reader.h"

namespace callhome {
namespace {

constexpr size_t kTarget = size_t(100) << 20;

// A small deterministic generator: the benchmark must not depend on libc's rand().
struct Lcg {
  uint64_t s = 0x2545F4914F6CDD1Dull;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 33);
  }
};

template <typename Line>
std::string make(Line line) {
  std::string out;
  out.reserve(kTarget + 4096);
  Lcg r;
  char buf[512];
  for (uint64_t i = 0; out.size() < kTarget; ++i) {
    const int n = line(buf, sizeof buf, r, i);
    out.append(buf, size_t(n));
  }
  return out;
}

const std::string& iptables_text() {
  static const std::string text = make([](char* b, size_t n, Lcg& r, uint64_t i) {
    static const char* kPrefixes[] = {"[UFW BLOCK] ", "[UFW ALLOW] ",
                                      "Shorewall:net2fw:DROP:", "[WAN_IN-D]"};
    const uint32_t sec = uint32_t(i / 20);
    return std::snprintf(
        b, n,
        "Nov 17 %02u:%02u:%02u gw kernel: [%7u.%06u] %sIN=eth0 OUT= "
        "MAC=90:10:35:5a:1e:3a:90:10:9e:ec:2c:71:08:00 SRC=192.168.%u.%u DST=72.246.%u.%u "
        "LEN=52 TOS=0x00 PREC=0x00 TTL=115 ID=%u DF PROTO=TCP SPT=%u DPT=80 WINDOW=8192 "
        "RES=0x00 SYN URGP=0\n",
        (sec / 3600) % 24, (sec / 60) % 60, sec % 60, sec, r.next() % 1000000,
        kPrefixes[r.next() % 4], r.next() % 256, 1 + r.next() % 254, r.next() % 256,
        1 + r.next() % 254, r.next() % 65536, 1024 + r.next() % 64000);
  });
  return text;
}

const std::string& filterlog_text() {
  static const std::string text = make([](char* b, size_t n, Lcg& r, uint64_t i) {
    const uint32_t sec = uint32_t(i / 20);
    return std::snprintf(
        b, n,
        "<134>Nov 17 %02u:%02u:%02u filterlog[72237]: 146,,,1535324496,igb1.12,match,%s,in,4,"
        "0x0,,63,%u,0,DF,6,tcp,60,10.170.%u.%u,1.1.%u.%u,%u,853,0,S,%u,,64240,,mss;sackOK;TS\n",
        (sec / 3600) % 24, (sec / 60) % 60, sec % 60, r.next() % 2 ? "block" : "pass",
        r.next() % 65536, r.next() % 256, 1 + r.next() % 254, r.next() % 256, 1 + r.next() % 254,
        1024 + r.next() % 64000, r.next());
  });
  return text;
}

const std::string& asa_text() {
  static const std::string text = make([](char* b, size_t n, Lcg& r, uint64_t i) {
    const uint32_t sec = uint32_t(i / 20);
    return std::snprintf(
        b, n,
        "Nov 17 2006 %02u:%02u:%02u: %%ASA-4-106023: Deny tcp src inside:192.168.%u.%u/%u dst "
        "outside:72.246.%u.%u/80 by access-group \"inside_in\" [0x0, 0x0]\n",
        (sec / 3600) % 24, (sec / 60) % 60, sec % 60, r.next() % 256, 1 + r.next() % 254,
        1024 + r.next() % 64000, r.next() % 256, 1 + r.next() % 254);
  });
  return text;
}

const std::string& table_text() {
  static const std::string text = [] {
    std::string t = "Date,Time,Protocol,Source IP,Source Port,Destination IP,Destination Port\n";
    t += make([](char* b, size_t n, Lcg& r, uint64_t i) {
      const uint32_t sec = uint32_t(i / 20);
      return std::snprintf(b, n, "17-Nov-06,%02u:%02u:%02u,TCP,192.168.%u.%u,%u,72.246.%u.%u,80\n",
                           (sec / 3600) % 24, (sec / 60) % 60, sec % 60, r.next() % 256,
                           1 + r.next() % 254, 1024 + r.next() % 64000, r.next() % 256,
                           1 + r.next() % 254);
    });
    return t;
  }();
  return text;
}

struct NullSink : EventSink {
  uint64_t n = 0;
  void on_connection(const Connection& c) override { n += c.resp_p; }
};

std::unique_ptr<ByteSource> source(const std::string& text) {
  ByteSource::Options o;
  o.hash = false;
  return ByteSource::from_memory(text, o);
}

void BM_MemchrNewlines(benchmark::State& state) {
  const std::string& text = iptables_text();
  for (auto _ : state) {
    size_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p))))) {
      ++lines;
      ++p;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * text.size()));
}
BENCHMARK(BM_MemchrNewlines)->Unit(benchmark::kMillisecond);

void BM_LineReaderOnly(benchmark::State& state) {
  const std::string& text = iptables_text();
  for (auto _ : state) {
    state.PauseTiming();
    auto src = source(text);
    state.ResumeTiming();
    LineReader lines(*src);
    std::string_view line;
    size_t bytes = 0;
    while (lines.next(line)) bytes += line.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * text.size()));
}
BENCHMARK(BM_LineReaderOnly)->Unit(benchmark::kMillisecond);

template <ReadFn Read>
void read_bench(benchmark::State& state, const std::string& text) {
  uint64_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto src = source(text);
    state.ResumeTiming();
    LineReader lines(*src);
    NullSink sink;
    InputReport report;
    ReadContext ctx;
    ctx.year = 2006;
    Read(lines, ctx, sink, report);
    records = report.records;
    if (report.rejected != 0) state.SkipWithError("rejected lines");
    benchmark::DoNotOptimize(sink.n);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * text.size()));
  state.SetItemsProcessed(int64_t(state.iterations() * records));
}

void BM_ReadIptables(benchmark::State& state) {
  read_bench<read_iptables>(state, iptables_text());
}
BENCHMARK(BM_ReadIptables)->Unit(benchmark::kMillisecond);

void BM_ReadFilterlog(benchmark::State& state) {
  read_bench<read_filterlog>(state, filterlog_text());
}
BENCHMARK(BM_ReadFilterlog)->Unit(benchmark::kMillisecond);

void BM_ReadAsa(benchmark::State& state) {
  read_bench<read_asa>(state, asa_text());
}
BENCHMARK(BM_ReadAsa)->Unit(benchmark::kMillisecond);

void BM_ReadTable(benchmark::State& state) {
  read_bench<read_table>(state, table_text());
}
BENCHMARK(BM_ReadTable)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callhome
