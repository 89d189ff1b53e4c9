// Beacon scoring and detection throughput: RITA's scoring of one pair of 1000 connections, and
// the BeaconDetector taking 10 M synthetic connections (then scoring every pair at the end).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "detect/beacon_detector.h"
#include "detect/beacon_score.h"

namespace callhome {
namespace {

constexpr uint32_t kT0 = 1700000000;

// 1000 connections over a day, every ~86 s with +-10 s of jitter, sizes within a few bytes.
void BM_ScorePair1000(benchmark::State& state) {
  std::mt19937 rng(1);
  std::vector<uint32_t> ts;
  std::vector<double> bytes;
  for (uint32_t i = 0; i < 1000; ++i) {
    ts.push_back(kT0 + i * 86 + rng() % 21);
    bytes.push_back(1200 + rng() % 16);
  }
  double sum = 0;
  for (auto _ : state) {
    const beacon::PairScore r = beacon::score_pair(ts, bytes, kT0, kT0 + 86400);
    sum += r.score;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());  // pairs
}
BENCHMARK(BM_ScorePair1000);

// A day of traffic from 2000 internal hosts, each talking to 100 destinations of its own
// (200 000 pairs, 50 connections each on average); one attempt in 20 fails, which also feeds
// the /24 retry pairs. One Connection is reused, as readers do.
void feed(BeaconDetector& d, size_t n) {
  Connection c;
  c.ip_proto = kProtoTcp;
  c.resp_p = 443;
  c.has_counts = true;
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const uint32_t host = uint32_t(x % 2000), dst = uint32_t((x >> 16) % 100);
    c.ts = kT0 + double(i) * (86400.0 / double(n));
    c.orig_h = Address::v4(0x0a000000u + host);                          // 10.0.x.x
    c.resp_h = Address::v4(0x08000000u + host * 7919u + dst * 104729u);  // spread over 8/8...
    c.orig_p = uint16_t(1024 + i % 60000);
    const bool failed = (x >> 40) % 20 == 0;
    c.state = failed ? ConnState::S0 : ConnState::SF;
    c.history = failed ? "S" : "ShADadFf";
    c.orig_ip_bytes = failed ? 60 : 400 + (x >> 32) % 4000;
    c.first = c.last = {0, i + 1};
    d.on_connection(c);
  }
}

void BM_DetectorIngest(benchmark::State& state) {
  const auto n = size_t(state.range(0));
  for (auto _ : state) {
    auto d = std::make_unique<BeaconDetector>();
    feed(*d, n);
    benchmark::DoNotOptimize(d->stats().pairs);
    state.PauseTiming();  // exclude freeing the maps
    state.counters["pairs"] = double(d->stats().pairs);
    d.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // records
}
BENCHMARK(BM_DetectorIngest)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_DetectorFinish(benchmark::State& state) {
  const auto n = size_t(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    auto d = std::make_unique<BeaconDetector>();
    feed(*d, n);
    state.ResumeTiming();
    std::vector<Finding> out;
    d->finish(out);
    benchmark::DoNotOptimize(out.size());
    state.PauseTiming();
    state.counters["pairs"] = double(d->stats().pairs);
    state.counters["findings"] = double(out.size());
    d.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // records scored
}
BENCHMARK(BM_DetectorFinish)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callhome
