// Hot path of `callhome conn`, stage by stage, on a generated capture held in memory: a raw walk
// over the record headers is the reference every other stage is a fraction of.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "flow/capture_reader.h"
#include "flow/conn_tracker.h"
#include "flow/packet_decoder.h"
#include "flow/tracker_prefetch.h"

namespace callhome {
namespace {

const std::string& capture() {
  static const std::string bytes = [] {
    const std::string path = "/tmp/callhome-bench-pipeline.pcap";
    std::ifstream probe(path);
    if (!probe) {
      std::string cmd = std::string(GEN_CAPTURE) + " " + path + " 50000 7 4096 128 2>/dev/null";
      if (std::system(cmd.c_str()) != 0) std::abort();
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return bytes;
}

// Set field by field: the options struct grows members (callbacks) the benchmark leaves unset.
ByteSource::Options memory_options() {
  ByteSource::Options o;
  o.hash = false;
  o.decompress = true;
  o.chunk = size_t(4) << 20;
  return o;
}

void RawRecordWalk(benchmark::State& state) {
  const std::string& b = capture();
  for (auto _ : state) {
    size_t pos = 24, packets = 0, bytes = 0;
    while (pos + 16 <= b.size()) {
      uint32_t caplen;
      std::memcpy(&caplen, b.data() + pos + 8, 4);
      bytes += caplen;
      pos += 16 + caplen;
      ++packets;
    }
    benchmark::DoNotOptimize(bytes);
    state.counters["packets"] = double(packets);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * b.size()));
}

void ReadOnly(benchmark::State& state) {
  for (auto _ : state) {
    auto src = ByteSource::from_memory(capture(), memory_options());
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    RawPacket p;
    size_t n = 0;
    while (reader->next(p)) n += p.caplen;
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * capture().size()));
}

void ReadDecode(benchmark::State& state) {
  for (auto _ : state) {
    auto src = ByteSource::from_memory(capture(), memory_options());
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    PacketDecoder decoder(PacketDecoder::Options{false});
    RawPacket p;
    DecodedLayers layers;
    std::string why;
    size_t n = 0;
    while (reader->next(p)) n += size_t(decoder.decode(p, layers, &why));
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * capture().size()));
}

// Reading, decoding and connection tracking as `callhome conn` does them: the uid is made only
// where a tunnel needs it (ConnTracker::feed), since most packets are not tunnels, and the
// tracker is told of the packets ahead.
void ReadDecodeTrack(benchmark::State& state) {
  struct Null : EventSink {
    size_t n = 0;
    void on_connection(const Connection&) override { ++n; }
  } sink;
  for (auto _ : state) {
    auto src = ByteSource::from_memory(capture(), memory_options());
    InputReport report;
    std::string error;
    auto reader = CaptureReader::open(*src, report, &error);
    PacketDecoder decoder(PacketDecoder::Options{false});
    ConnTracker tracker(TrackerOptions{}, sink);
    RawPacket p;
    DecodedLayers layers;
    std::string why, parent;
    TrackerPrefetch prefetch;  // as in the CLI's read_capture
    while (reader->next(p)) {
      prefetch.ahead(*reader, tracker);
      if (decoder.decode(p, layers, &why) != PacketDecoder::Result::ok) continue;
      parent.clear();
      for (int i = 0; i < layers.count; ++i) {
        tracker.feed(layers.layer[i], p.ts, {0, p.number}, parent);
        if (i + 1 < layers.count) parent = tracker.last_uid();
      }
    }
    tracker.flush();
    state.counters["connections"] = double(tracker.stats().connections);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * capture().size()));
}

BENCHMARK(RawRecordWalk)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadDecode)->Unit(benchmark::kMillisecond);
BENCHMARK(ReadDecodeTrack)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace callhome
