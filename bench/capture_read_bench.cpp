// The capture reader against the least work that reading a capture can take: a walk over the
// same file, through the same ByteSource, that only steps from record header to record header
// and sums the lengths. Both report bytes per second, so their ratio is the reader's cost.
//
//   build-capture/bench/capture_read_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "flow/capture_reader.h"

namespace callhome {
namespace {

constexpr int kPackets = 200000;

void put32(std::string& s, uint32_t v) {
  s.append(reinterpret_cast<const char*>(&v), 4);
}
void put16(std::string& s, uint16_t v) {
  s.append(reinterpret_cast<const char*>(&v), 2);
}

// Packet sizes as on a busy link: half bare ACKs, a third full frames, the rest in between.
std::vector<uint32_t> packet_sizes() {
  std::vector<uint32_t> sizes;
  uint32_t x = 12345;
  for (int i = 0; i < kPackets; ++i) {
    x = x * 1103515245 + 12345;
    const uint32_t r = (x >> 8) % 100;
    sizes.push_back(r < 50 ? 66 : r < 80 ? 1514 : 60 + (x >> 16) % 540);
  }
  return sizes;
}

std::string make_pcap() {
  std::string f;
  put32(f, 0xa1b2c3d4);
  put16(f, 2);
  put16(f, 4);
  put32(f, 0);
  put32(f, 0);
  put32(f, 262144);
  put32(f, 1);
  const std::string frame(1514, '\x42');
  uint32_t i = 0;
  for (uint32_t size : packet_sizes()) {
    put32(f, 1700000000 + i / 1000);
    put32(f, i % 1000 * 1000);
    put32(f, size);
    put32(f, size);
    f.append(frame, 0, size);
    ++i;
  }
  return f;
}

std::string make_pcapng() {
  auto block = [](std::string& f, uint32_t type, const std::string& body) {
    const uint32_t len = uint32_t(12 + body.size());
    put32(f, type);
    put32(f, len);
    f += body;
    put32(f, len);
  };
  std::string f, body;
  put32(body, 0x1a2b3c4d);
  put16(body, 1);
  put16(body, 0);
  put32(body, 0xffffffff);
  put32(body, 0xffffffff);
  block(f, 0x0a0d0d0a, body);
  body.clear();
  put16(body, 1);
  put16(body, 0);
  put32(body, 0);
  block(f, 1, body);
  const std::string frame(1516, '\x42');
  uint64_t ts = 1700000000000000ULL;
  for (uint32_t size : packet_sizes()) {
    body.clear();
    put32(body, 0);
    put32(body, uint32_t(ts >> 32));
    put32(body, uint32_t(ts));
    put32(body, size);
    put32(body, size);
    body.append(frame, 0, (size + 3) & ~3u);
    block(f, 6, body);
    ts += 1000;
  }
  return f;
}

// The capture files, written once to the temporary directory and removed at exit.
struct Files {
  std::string pcap, pcapng;
  Files() {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string tag = std::to_string(getpid());
    pcap = (dir / ("callhome-capture-bench-" + tag + ".pcap")).string();
    pcapng = (dir / ("callhome-capture-bench-" + tag + ".pcapng")).string();
    write(pcap, make_pcap());
    write(pcapng, make_pcapng());
  }
  ~Files() {
    std::remove(pcap.c_str());
    std::remove(pcapng.c_str());
  }
  static void write(const std::string& path, const std::string& bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
    std::fclose(f);
  }
};

const Files& files() {
  static const Files f;
  return f;
}

std::unique_ptr<ByteSource> open(const std::string& path) {
  ByteSource::Options options;
  options.hash = false;  // the hash is the same cost for both sides and would hide the ratio
  std::string error;
  auto src = ByteSource::open(path, &error, options);
  if (!src) std::abort();
  return src;
}

uint32_t le32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void report(benchmark::State& state, const std::string& path, uint64_t packets) {
  state.SetBytesProcessed(int64_t(state.iterations() * std::filesystem::file_size(path)));
  state.SetItemsProcessed(int64_t(state.iterations() * packets));
  state.counters["packets"] = double(packets);
}

// (a) The reference: pcap record lengths summed, nothing else.
void BM_PcapRawRecordWalk(benchmark::State& state) {
  const std::string& path = files().pcap;
  uint64_t packets = 0;
  for (auto _ : state) {
    auto src = open(path);
    src->ensure(24);
    src->consume(24);
    uint64_t sum = 0;
    packets = 0;
    while (src->ensure(16) >= 16) {
      const size_t record = 16 + size_t(le32(src->data() + 8));
      if (src->ensure(record) < record) break;
      sum += record;
      ++packets;
      src->consume(record);
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state, path, packets);
}
BENCHMARK(BM_PcapRawRecordWalk)->Unit(benchmark::kMillisecond);

// (b) The reader over the same file: every packet handed out, its lengths summed.
void BM_PcapCaptureReader(benchmark::State& state) {
  const std::string& path = files().pcap;
  uint64_t packets = 0;
  for (auto _ : state) {
    auto src = open(path);
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    RawPacket p;
    uint64_t sum = 0;
    packets = 0;
    while (reader->next(p)) {
      sum += p.caplen;
      ++packets;
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state, path, packets);
}
BENCHMARK(BM_PcapCaptureReader)->Unit(benchmark::kMillisecond);

// The same two for pcapng: block lengths summed, then the reader.
void BM_PcapngRawBlockWalk(benchmark::State& state) {
  const std::string& path = files().pcapng;
  uint64_t packets = 0;
  for (auto _ : state) {
    auto src = open(path);
    uint64_t sum = 0;
    packets = 0;
    while (src->ensure(8) >= 8) {
      const size_t len = le32(src->data() + 4);
      if (len < 12 || src->ensure(len) < len) break;
      sum += len;
      packets += le32(src->data()) == 6;
      src->consume(len);
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state, path, packets);
}
BENCHMARK(BM_PcapngRawBlockWalk)->Unit(benchmark::kMillisecond);

void BM_PcapngCaptureReader(benchmark::State& state) {
  const std::string& path = files().pcapng;
  uint64_t packets = 0;
  for (auto _ : state) {
    auto src = open(path);
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    RawPacket p;
    uint64_t sum = 0;
    packets = 0;
    while (reader->next(p)) {
      sum += p.caplen;
      ++packets;
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state, path, packets);
}
BENCHMARK(BM_PcapngCaptureReader)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callhome
