// Owner lookups in the compiled ip-location-db index (goal: 10 M IPv4 lookups/s on one core),
// the Enricher facade around it, and the one-time compile of the CSVs (time and peak memory,
// measured in a forked child so the figure is the compile's alone). Needs the data installed
// by scripts/install-ipdb.sh; skips with a message otherwise.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <vector>

#include "enrich/enricher.h"
#include "enrich/ip_db_builder.h"
#include "enrich/ip_db_cache.h"
#include "enrich/range_csv.h"
#include "enrich/reserved_ranges.h"

namespace callhome {
namespace {

const IpDb* database() {
  static std::optional<IpDb> db = [] {
    auto r = open_ipdb(default_ipdb_dir());
    return r ? std::optional<IpDb>(std::move(*r)) : std::nullopt;
  }();
  return db ? &*db : nullptr;
}

std::vector<uint32_t> random_v4(size_t n) {
  std::mt19937 rng(42);
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = rng();
  return v;
}

// Global unicast (2000::/3), where all of the data lives; uniformly random 128-bit values would
// nearly all fall in one empty segment and flatter the figure.
std::vector<Address> random_v6(size_t n) {
  std::mt19937_64 rng(43);
  std::vector<Address> v(n);
  for (auto& a : v) {
    uint8_t b[16];
    uint64_t hi = rng(), lo = rng();
    for (int i = 0; i < 8; ++i)
      b[i] = uint8_t(hi >> (56 - 8 * i)), b[8 + i] = uint8_t(lo >> (56 - 8 * i));
    b[0] = uint8_t(0x20 | (b[0] & 0x1f));
    a = Address::v6_bytes(b);
  }
  return v;
}

void BM_IpDbLookupV4Raw(benchmark::State& state) {
  const IpDb* db = database();
  if (!db) return state.SkipWithError("ip-location-db not installed (scripts/install-ipdb.sh)");
  auto addrs = random_v4(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(db->v4_info(addrs[i]));
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IpDbLookupV4Raw);

void BM_IpDbLookupV4(benchmark::State& state) {
  const IpDb* db = database();
  if (!db) return state.SkipWithError("ip-location-db not installed (scripts/install-ipdb.sh)");
  std::vector<Address> addrs;
  for (uint32_t v : random_v4(1 << 20)) addrs.push_back(Address::v4(v));
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto r = db->lookup(addrs[i]);
    found += r.has_value();
    benchmark::DoNotOptimize(r);
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_ratio"] = double(found) / double(state.iterations());
}
BENCHMARK(BM_IpDbLookupV4);

void BM_IpDbLookupV6(benchmark::State& state) {
  const IpDb* db = database();
  if (!db) return state.SkipWithError("ip-location-db not installed (scripts/install-ipdb.sh)");
  auto addrs = random_v6(1 << 20);
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto r = db->lookup(addrs[i]);
    found += r.has_value();
    benchmark::DoNotOptimize(r);
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_ratio"] = double(found) / double(state.iterations());
}
BENCHMARK(BM_IpDbLookupV6);

// Addresses inside ranges the data knows: a random row of the ASN CSV, a random offset in it.
// Unlike uniformly random addresses, which mostly land in a few huge ranges whose records stay
// in cache, every lookup here touches cold memory: the pessimistic figure.
std::vector<Address> allocated_sample(int role, bool v6) {
  IpDbSources sources = find_ipdb_sources(default_ipdb_dir());
  std::vector<std::pair<ipdb::u128, ipdb::u128>> rows;
  if (sources.paths[role].empty()) return {};
  read_range_csv(sources.paths[role], v6,
                 [&](ipdb::u128 a, ipdb::u128 b, const auto&) { rows.emplace_back(a, b); });
  std::mt19937_64 rng(44);
  std::vector<Address> addrs(1 << 20);
  for (auto& a : addrs) {
    auto [first, last] = rows[rng() % rows.size()];
    ipdb::u128 span = last - first;
    ipdb::u128 r = ipdb::u128(rng()) << 64 | rng();
    ipdb::u128 k = first + (span == ~ipdb::u128(0) ? r : r % (span + 1));
    if (!v6) {
      a = Address::v4(uint32_t(k));
      continue;
    }
    uint8_t b[16];
    for (int i = 15; i >= 0; --i, k >>= 8) b[i] = uint8_t(k);
    a = Address::v6_bytes(b);
  }
  return addrs;
}

void lookup_loop(benchmark::State& state, const std::vector<Address>& addrs) {
  const IpDb* db = database();
  if (!db || addrs.empty()) {
    return state.SkipWithError("ip-location-db not installed (scripts/install-ipdb.sh)");
  }
  size_t i = 0, found = 0;
  for (auto _ : state) {
    auto r = db->lookup(addrs[i]);
    found += r.has_value();
    benchmark::DoNotOptimize(r);
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_ratio"] = double(found) / double(state.iterations());
}

void BM_IpDbLookupV4Allocated(benchmark::State& state) {
  lookup_loop(state, allocated_sample(ipdb::kAsnV4, false));
}
BENCHMARK(BM_IpDbLookupV4Allocated);

void BM_IpDbLookupV6Allocated(benchmark::State& state) {
  lookup_loop(state, allocated_sample(ipdb::kAsnV6, true));
}
BENCHMARK(BM_IpDbLookupV6Allocated);

void BM_ReservedRange(benchmark::State& state) {
  std::vector<Address> addrs;
  for (uint32_t v : random_v4(1 << 16)) addrs.push_back(Address::v4(v));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(reserved_range(addrs[i]));
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReservedRange);

// The whole answer the investigation gets: reserved check, index, curated data, strings.
void BM_EnricherOwnerV4(benchmark::State& state) {
  static Enricher e([] {
    EnricherOptions o;
    o.warn = [](const std::string&) {};
    return o;
  }());
  if (!e.has_ip_database()) return state.SkipWithError("ip-location-db not installed");
  std::vector<Address> addrs;
  for (uint32_t v : random_v4(1 << 16)) addrs.push_back(Address::v4(v));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(e.owner(addrs[i]));
    i = (i + 1) & (addrs.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnricherOwnerV4);

// Every run after the first: map the cached index and validate all of it.
void BM_OpenIndex(benchmark::State& state) {
  if (!database()) return state.SkipWithError("ip-location-db not installed");
  std::string path = default_ipdb_dir() + "/callhome-ipdb.bin";
  for (auto _ : state) {
    auto db = IpDb::open(path);
    if (!db) return state.SkipWithError(db.error().c_str());
    benchmark::DoNotOptimize(db->v4_segments());
  }
}
BENCHMARK(BM_OpenIndex)->Unit(benchmark::kMillisecond);

// The first-use compile of the CSVs, in a child process: wall time and the child's peak RSS
// above what it inherited.
void BM_CompileIndex(benchmark::State& state) {
  IpDbSources sources = find_ipdb_sources(default_ipdb_dir());
  if (!sources.any()) return state.SkipWithError("ip-location-db not installed");
  for (auto _ : state) {
    int fds[2];
    if (::pipe(fds) != 0) return state.SkipWithError("pipe failed");
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      rusage before{};
      ::getrusage(RUSAGE_SELF, &before);
      auto t0 = std::chrono::steady_clock::now();
      IpDbBuildStats stats;
      auto image = build_ipdb_image(sources, &stats);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rusage after{};
      ::getrusage(RUSAGE_SELF, &after);
      double out[5] = {secs, double(after.ru_maxrss - before.ru_maxrss) / 1024.0,
                       double(image ? image->size() : 0), double(stats.v4_segments),
                       double(stats.v6_segments)};
      ssize_t w = ::write(fds[1], out, sizeof out);
      ::_exit(w == ssize_t(sizeof out) && image ? 0 : 1);
    }
    ::close(fds[1]);
    double in[5] = {};
    ssize_t got = ::read(fds[0], in, sizeof in);
    ::close(fds[0]);
    int status = 0;
    rusage child{};
    ::wait4(pid, &status, 0, &child);
    if (got != ssize_t(sizeof in) || status != 0) return state.SkipWithError("compile failed");
    state.SetIterationTime(in[0]);
    state.counters["compile_s"] = in[0];
    state.counters["peak_rss_MiB"] = double(child.ru_maxrss) / 1024.0;
    state.counters["rss_growth_MiB"] = in[1];
    state.counters["index_MiB"] = in[2] / (1024.0 * 1024.0);
    state.counters["v4_segments"] = in[3];
    state.counters["v6_segments"] = in[4];
  }
}
BENCHMARK(BM_CompileIndex)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callhome
