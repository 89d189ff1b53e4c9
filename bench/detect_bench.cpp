// Throughput and memory of the whole detector set (DetectorSet, as `analyze` builds it) on a
// synthetic day of a site's connections, against a reference loop that generates the same
// records and only sums a field of each: the ratio is the cost of detection per record.
//
//   build-bench/bench/detect_bench --benchmark_counters_tabular=true
//   build-bench/bench/detect_bench --benchmark_filter='/1000000$'    # quick run, 1 M records
//
// Peak memory is process-wide (getrusage), so compare sizes in separate processes:
//   for n in 1000000 10000000; do detect_bench --benchmark_filter="DetectorSet/$n\$"; done
//
// Traffic: 5000 internal hosts (10.1-20.x.y) browsing a skewed pool of 50 000 servers (443, 80,
// DNS to two site resolvers, NTP, mail, ssh), one attempt in 20 failing (S0, REJ or blocked);
// a site proxy 10.0.0.5:3128 that a third of the hosts use, and one host trying direct web
// that the firewall blocks; 20 hosts beaconing every 60-630 s with a few seconds of jitter; a
// PC scanning random outside hosts on tcp/445, a P2P client walking a /24 on tcp/1214, an ICMP
// sweep of 10.7/16; one host flooding one server with UDP. ~100 records per second of traffic
// time from 08:00 UTC (10 M records span 28 hours, crossing the off-hours window 20:00-06:00). One
// Connection is reused, as readers do.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detect/beacon_detector.h"
#include "detect/detector_set.h"
#include "detect/fan_in_detector.h"
#include "detect/flood_detector.h"
#include "detect/icmp_sweep_detector.h"
#include "detect/ids_alert_detector.h"
#include "detect/off_hours_detector.h"
#include "detect/port_fallback_detector.h"
#include "detect/scan_detector.h"
#include "detect/sequential_ports_detector.h"
#include "synthetic.h"

namespace callhome {
namespace {

constexpr uint32_t kHosts = 5000;
constexpr uint32_t kServers = 50000;
constexpr uint32_t kBeacons = 20;
constexpr double kT0 = 1709280000.0;  // 2024-03-01 08:00:00 UTC
constexpr double kPerSecond = 100.0;
const Address kProxy = Address::v4(0x0a000005u);  // 10.0.0.5

using bench::public_v4;
using bench::Rng;

uint32_t host_addr(uint32_t h) {
  return (10u << 24) | ((1 + h / 250) << 16) | ((h % 250) << 8) | (1 + h % 7 * 30);
}

// Fills one Connection per call with the next record of the synthetic site.
class Site {
 public:
  Site() {
    servers_.reserve(kServers);
    for (uint32_t i = 0; i < kServers; ++i) servers_.push_back(public_v4(r_));
    for (uint32_t b = 0; b < kBeacons; ++b) {
      period_[b] = 60.0 + 30.0 * b;
      next_beacon_[b] = kT0 + r_.unit() * period_[b];
    }
    for (uint32_t h = 0; h < kHosts; ++h) port_[h] = uint16_t(49152 + r_.below(16000));
  }

  void next(Connection& c) {
    const double ts = kT0 + double(n_) / kPerSecond + r_.unit() * 0.009;
    ++n_;
    c.ts = ts;
    c.first = c.last = Provenance{0, n_};
    c.action = Action::unknown;
    c.ip_proto = kProtoTcp;
    for (uint32_t b = 0; b < kBeacons; ++b) {
      if (ts >= next_beacon_[b]) {
        next_beacon_[b] += period_[b] + (r_.unit() - 0.5) * 6.0;
        const uint32_t h = 100 + b * 211;
        from(c, h);
        c.resp_h = Address::v4(servers_[kServers - 1 - b]);
        c.resp_p = b % 3 == 0 ? 8080 : 443;
        done(c, 6, 5, 310 + r_.below(8), 1200 + r_.below(8), 0.3 + r_.unit() * 0.1);
        return;
      }
    }
    const uint32_t roll = r_.below(1000);
    if (roll < 6) {  // tcp/445 worm-like scan of random outside hosts
      from(c, 4321);
      c.resp_h = Address::v4(uint32_t(r_.next() >> 32) | 0x01000000u);
      c.resp_p = 445;
      failed(c, false);
      return;
    }
    if (roll < 9) {  // P2P client walking 128.2.10.0/24 on tcp/1214, refused
      from(c, 1234);
      c.resp_h = Address::v4(0x80020A00u | (p2p_++ % 254 + 1));
      c.resp_p = 1214;
      failed(c, true);
      return;
    }
    if (roll < 11) {  // ICMP echo sweep of 10.7/16, mostly unanswered
      from(c, 777);
      c.orig_p = 8;
      c.resp_p = 0;
      c.ip_proto = kProtoIcmp;
      c.resp_h = Address::v4((10u << 24) | (7u << 16) | (sweep_++ % 65000 + 1));
      const bool answered = sweep_ % 50 == 0;
      c.state = ConnState::OTH;
      c.history.clear();
      c.has_counts = c.has_bytes = true;
      c.orig_pkts = 1;
      c.orig_ip_bytes = 84;
      c.orig_bytes = 56;
      c.resp_pkts = answered ? 1 : 0;
      c.resp_ip_bytes = c.resp_bytes = answered ? 84 : 0;
      c.has_duration = false;
      return;
    }
    if (roll < 13) {  // a UDP flood from one host towards one server
      from(c, 2468);
      c.ip_proto = kProtoUdp;
      c.resp_h = Address::v4(servers_[17]);
      c.resp_p = 80;
      c.state = ConnState::S0;
      c.history = "D";
      c.has_counts = c.has_bytes = true;
      c.orig_pkts = 200 + r_.below(100);
      c.orig_bytes = c.orig_pkts * 1400;
      c.orig_ip_bytes = c.orig_bytes + c.orig_pkts * 28;
      c.resp_pkts = c.resp_bytes = c.resp_ip_bytes = 0;
      c.has_duration = true;
      c.duration = 1.0;
      return;
    }
    if (roll < 15) {  // a host going straight out on port 80 beside the proxy: blocked
      from(c, 999);
      c.resp_h = Address::v4(servers_[r_.below(200)]);
      c.resp_p = 80;
      failed(c, false);
      c.action = Action::blocked;
      return;
    }
    // At night (20:00-06:00 UTC) only the first 100 hosts (servers, always-on boxes) browse.
    const auto hour = (int64_t(ts) / 3600) % 24;
    const uint32_t h = r_.below(hour >= 20 || hour < 6 ? 100 : kHosts);
    from(c, h);
    if (roll < 130) {  // DNS to the site's resolvers
      c.ip_proto = kProtoUdp;
      c.resp_h = Address::v4(0x0a000002u + r_.below(2));
      c.resp_p = 53;
      c.state = ConnState::SF;
      c.history = "Dd";
      c.has_counts = c.has_bytes = c.has_duration = true;
      c.orig_pkts = c.resp_pkts = 1;
      c.orig_bytes = 30 + r_.below(30);
      c.resp_bytes = 60 + r_.below(200);
      c.orig_ip_bytes = c.orig_bytes + 28;
      c.resp_ip_bytes = c.resp_bytes + 28;
      c.duration = 0.002 + r_.unit() * 0.05;
      return;
    }
    const double u = r_.unit();
    c.resp_h = Address::v4(servers_[uint32_t(double(kServers - kBeacons) * u * u * u)]);
    if (roll < 150) {
      static const uint16_t kPorts[] = {123, 25, 587, 993, 22};
      c.resp_p = kPorts[r_.below(5)];
      if (c.resp_p == 123) c.ip_proto = kProtoUdp;
    } else if (h % 3 == 0) {  // through the proxy
      c.resp_h = kProxy;
      c.resp_p = 3128;
    } else {
      c.resp_p = r_.below(10) < 7 ? 443 : 80;
    }
    if (r_.below(20) == 0) {
      failed(c, r_.below(3) == 0);
      if (r_.below(2) == 0) c.action = Action::blocked;
      return;
    }
    const uint64_t pk = 4 + r_.below(20);
    done(c, pk, pk + r_.below(40), 200 + r_.below(2000), 500 + r_.below(200000), r_.unit() * 30.0);
    if (c.ip_proto == kProtoUdp) c.history = "Dd";
  }

 private:
  void from(Connection& c, uint32_t h) {
    c.orig_h = Address::v4(host_addr(h));
    c.orig_p = port_[h]++;
    if (port_[h] < 49152) port_[h] = 49152;
  }
  void failed(Connection& c, bool refused) {
    c.state = refused ? ConnState::REJ : ConnState::S0;
    c.history = refused ? "Sr" : "S";
    c.has_counts = c.has_bytes = true;
    c.orig_pkts = refused ? 1 : 1 + r_.below(3);
    c.orig_ip_bytes = c.orig_pkts * 60;
    c.resp_pkts = refused ? 1 : 0;
    c.resp_ip_bytes = refused ? 40 : 0;
    c.orig_bytes = c.resp_bytes = 0;
    c.has_duration = refused;
    c.duration = refused ? 0.0003 : 0;
  }
  void done(Connection& c, uint64_t opk, uint64_t rpk, uint64_t ob, uint64_t rb, double dur) {
    c.state = ConnState::SF;
    c.history = "ShADadFf";
    c.has_counts = c.has_bytes = c.has_duration = true;
    c.orig_pkts = opk;
    c.resp_pkts = rpk;
    c.orig_bytes = ob;
    c.resp_bytes = rb;
    c.orig_ip_bytes = ob + opk * 52;
    c.resp_ip_bytes = rb + rpk * 52;
    c.duration = dur;
  }

  Rng r_;
  std::vector<uint32_t> servers_;
  uint16_t port_[kHosts];
  double period_[kBeacons], next_beacon_[kBeacons];
  uint32_t p2p_ = 0, sweep_ = 0;
  uint64_t n_ = 0;
};

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;  // KiB on Linux
}

double current_rss_mb() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return double(resident) * 4096.0 / (1024.0 * 1024.0);
}

// Bytes of heap in use (glibc): what the detectors hold, whatever malloc keeps cached.
double heap_mb() {
  return double(mallinfo2().uordblks) / (1024.0 * 1024.0);
}

DetectorConfig site_config() {
  DetectorConfig config;
  config.proxies = {{kProxy, 3128}};
  config.unattended = [](double ts) -> std::optional<std::string> {
    const auto hour = (int64_t(ts) / 3600) % 24;
    if (hour >= 20 || hour < 6) return std::string("idle 20:00-06:00");
    return std::nullopt;
  };
  return config;
}

// Reference: the same records generated, one field of each summed.
void BM_GenerateOnly(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  for (auto _ : state) {
    Site site;
    Connection c;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; ++i) {
      site.next(c);
      sum += c.orig_ip_bytes + c.resp_p;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["records_per_s"] =
      benchmark::Counter(double(n) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_GenerateOnly)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The detector set analyze builds: every record through on_connection, then finish().
void BM_DetectorSet(benchmark::State& state) {
  const auto n = uint64_t(state.range(0));
  const double start_rss = current_rss_mb();
  size_t findings = 0;
  double state_mb = 0;
  for (auto _ : state) {
    const double heap0 = heap_mb();
    const DetectorConfig config = site_config();
    auto detectors = std::make_unique<DetectorSet>(config);
    Site site;
    Connection c;
    for (uint64_t i = 0; i < n; ++i) {
      site.next(c);
      detectors->on_connection(c);
    }
    state_mb = heap_mb() - heap0;
    std::vector<Finding> out = detectors->finish();
    findings = out.size();
    benchmark::DoNotOptimize(out.data());
    state.PauseTiming();  // freeing the detectors' state is not part of the work
    detectors.reset();
    out.clear();
    state.ResumeTiming();
  }
  const double peak = peak_rss_mb();
  state.counters["records_per_s"] =
      benchmark::Counter(double(n) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["findings"] = double(findings);
  state.counters["start_rss_MB"] = start_rss;
  state.counters["state_MB"] = state_mb;  // heap held by the detectors before finish()
  state.counters["peak_rss_MB"] = peak;
  state.counters["bytes_per_record"] = (peak - start_rss) * 1024.0 * 1024.0 / double(n);
}
BENCHMARK(BM_DetectorSet)
    ->Arg(1'000'000)
    ->Arg(10'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Each detector alone, as DetectorSet configures it, on the same records: where the time and
// the memory go. Args: the detector's index below (the label names it), the record count.
std::unique_ptr<Detector> make_detector(int64_t i, const DetectorConfig& config) {
  switch (i) {
    case 0: {
      ScanOptions o;
      o.internal = config.internal;
      return std::make_unique<ScanDetector>(o);
    }
    case 1:
      return std::make_unique<IcmpSweepDetector>(config.internal);
    case 2:
      return std::make_unique<PortFallbackDetector>(config.internal);
    case 3:
      return std::make_unique<SequentialPortsDetector>(config.internal);
    case 4: {
      FloodOptions o;
      o.internal = config.internal;
      return std::make_unique<FloodDetector>(o);
    }
    case 5:
      return std::make_unique<IdsAlertDetector>(config.internal);
    case 6: {
      BeaconOptions o;
      o.internal = config.internal;
      return std::make_unique<BeaconDetector>(o);
    }
    case 7: {
      ProxyBypassOptions o;
      o.internal = config.internal;
      o.proxies = config.proxies;
      o.lookup = config.lookup;
      return std::make_unique<ProxyBypassDetector>(o);
    }
    case 8: {
      FanInOptions o;
      o.internal = config.internal;
      o.lookup = config.lookup;
      return std::make_unique<FanInDetector>(o);
    }
    default: {
      OffHoursOptions o;
      o.internal = config.internal;
      o.unattended = config.unattended;
      return std::make_unique<OffHoursDetector>(o);
    }
  }
}

void BM_OneDetector(benchmark::State& state) {
  const auto n = uint64_t(state.range(1));
  const DetectorConfig config = site_config();
  size_t findings = 0;
  double state_mb = 0;
  for (auto _ : state) {
    const double heap0 = heap_mb();
    auto d = make_detector(state.range(0), config);
    state.SetLabel(d->name());
    Site site;
    Connection c;
    for (uint64_t i = 0; i < n; ++i) {
      site.next(c);
      d->on_connection(c);
    }
    state_mb = heap_mb() - heap0;
    std::vector<Finding> out;
    d->finish(out);
    findings = out.size();
    benchmark::DoNotOptimize(out.data());
    state.PauseTiming();
    d.reset();
    out.clear();
    state.ResumeTiming();
  }
  state.counters["records_per_s"] =
      benchmark::Counter(double(n) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["findings"] = double(findings);
  state.counters["state_MB"] = state_mb;
}
BENCHMARK(BM_OneDetector)
    ->ArgsProduct({benchmark::CreateDenseRange(0, 9, 1), {1'000'000, 10'000'000}})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace callhome
