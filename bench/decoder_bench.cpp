// PacketDecoder throughput on ~100k realistic Ethernet/IPv4 frames (TCP bulk data, pure acks,
// small requests, DNS over UDP), with and without checksum verification, next to a reference
// loop that only reads each frame's first 64 bytes: the ratio shows what decoding costs over
// merely touching the headers.
//
// The argument is how many of the frames each pass covers. All 100k (84 MB) do not fit in any
// cache, so that pass measures memory latency as much as the decoder (verifying is faster
// there: reading whole frames lets the prefetcher bring in the next frame's headers); the first
// 2048 (about 1.7 MB) stay cached, as frames fresh from the capture reader are, and measure the
// decoder's own cost.
#include <benchmark/benchmark.h>

#include <algorithm>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "flow/checksum.h"
#include "flow/packet_decoder.h"

// Counts heap allocations, to show that decoding allocates nothing per packet. GCC takes the
// replaced operator delete calling free() for a mismatch with the operator new it replaces.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
std::atomic<uint64_t> g_allocations{0};

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace {

using callhome::DecodedLayers;
using callhome::PacketDecoder;
using callhome::RawPacket;

constexpr size_t kFrames = 100'000;

struct Capture {
  std::vector<uint8_t> bytes;  // all frames back to back
  std::vector<RawPacket> packets;
  size_t total_bytes = 0;
};

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  put16(b, at, uint16_t(v >> 16));
  put16(b, at + 2, uint16_t(v));
}

// One Ethernet/IPv4 frame with a TCP (proto 6) or UDP (17) header and `payload` bytes, all
// checksums right; padded to the 60-byte Ethernet minimum.
std::vector<uint8_t> frame(std::mt19937& rng, uint8_t proto, size_t payload, uint32_t client,
                           uint16_t client_port, uint16_t server_port, bool to_server) {
  const size_t l4 = proto == 6 ? 20 : 8;
  const size_t ip_len = 20 + l4 + payload;
  std::vector<uint8_t> f(std::max<size_t>(14 + ip_len, 60), 0);
  for (int i = 0; i < 12; ++i) f[size_t(i)] = uint8_t(0x10 + i);
  put16(f, 12, 0x0800);
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  put16(f, 16, uint16_t(ip_len));
  put16(f, 18, uint16_t(rng()));
  ip[6] = 0x40;  // DF
  ip[8] = 64;
  ip[9] = proto;
  const uint32_t server = 0xc0000201;  // 192.0.2.1
  put32(f, 26, to_server ? client : server);
  put32(f, 30, to_server ? server : client);
  put16(f, 24, uint16_t(~callhome::checksum_fold(callhome::checksum_add(ip, 20))));
  uint8_t* t = ip + 20;
  put16(f, 34, to_server ? client_port : server_port);
  put16(f, 36, to_server ? server_port : client_port);
  for (size_t i = 0; i < payload; ++i) t[l4 + i] = uint8_t(rng());
  size_t sum_at;
  if (proto == 6) {
    put32(f, 38, rng());
    put32(f, 42, rng());
    t[12] = 0x50;
    t[13] = payload ? 0x18 : 0x10;  // PSH|ACK with data, else ACK
    put16(f, 48, 64240);
    sum_at = 50;
  } else {
    put16(f, 38, uint16_t(8 + payload));
    sum_at = 40;
  }
  uint32_t pseudo = callhome::checksum_add(ip + 12, 8) + proto + uint32_t(l4 + payload);
  put16(f, sum_at,
        uint16_t(~callhome::checksum_fold(callhome::checksum_add(t, l4 + payload, pseudo))));
  return f;
}

const Capture& capture() {
  static const Capture c = [] {
    Capture out;
    std::mt19937 rng(2024);
    std::vector<std::vector<uint8_t>> frames;
    frames.reserve(kFrames);
    while (frames.size() < kFrames) {
      const uint32_t client = 0x0a000000 | (rng() & 0xffff);
      const uint16_t port = uint16_t(1024 + rng() % 60000);
      const int kind = int(rng() % 10);
      if (kind < 2) {  // DNS query and answer
        frames.push_back(frame(rng, 17, 30 + rng() % 40, client, port, 53, true));
        frames.push_back(frame(rng, 17, 60 + rng() % 200, client, port, 53, false));
      } else if (kind < 5) {  // a small request, its answer, an ack
        frames.push_back(frame(rng, 6, 200 + rng() % 400, client, port, 443, true));
        frames.push_back(frame(rng, 6, 100 + rng() % 1000, client, port, 443, false));
        frames.push_back(frame(rng, 6, 0, client, port, 443, true));
      } else {  // bulk download: full segments and acks
        for (int i = 0; i < 8; ++i) {
          frames.push_back(frame(rng, 6, 1460, client, port, 443, false));
          if (i % 2) frames.push_back(frame(rng, 6, 0, client, port, 443, true));
        }
      }
    }
    frames.resize(kFrames);
    for (const auto& f : frames) out.total_bytes += f.size();
    out.bytes.reserve(out.total_bytes);
    std::vector<size_t> offsets;
    for (const auto& f : frames) {
      offsets.push_back(out.bytes.size());
      out.bytes.insert(out.bytes.end(), f.begin(), f.end());
    }
    for (size_t i = 0; i < frames.size(); ++i) {
      RawPacket p;
      p.data = out.bytes.data() + offsets[i];
      p.caplen = p.wirelen = uint32_t(frames[i].size());
      p.ts = 1.0 + double(i) * 1e-4;
      p.number = i + 1;
      out.packets.push_back(p);
    }
    return out;
  }();
  return c;
}

void decode_all(benchmark::State& state, bool verify) {
  const Capture& full = capture();
  Capture c;  // the frames of one pass: the first range(0)
  c.packets.assign(full.packets.begin(), full.packets.begin() + state.range(0));
  for (const RawPacket& p : c.packets) c.total_bytes += p.caplen;
  PacketDecoder decoder(PacketDecoder::Options{verify});
  DecodedLayers layers;
  std::string why;
  uint64_t ok = 0, allocations = 0;
  for (auto _ : state) {
    const uint64_t before = g_allocations.load(std::memory_order_relaxed);
    for (const RawPacket& p : c.packets) {
      ok += decoder.decode(p, layers, &why) == PacketDecoder::Result::ok;
      benchmark::DoNotOptimize(layers.layer[0].src_port);
    }
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
  }
  if (ok != uint64_t(state.iterations()) * c.packets.size()) state.SkipWithError("a frame failed");
  state.counters["allocs_per_packet"] =
      double(allocations) / double(uint64_t(state.iterations()) * c.packets.size());
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(c.packets.size()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(c.total_bytes));
}

void BM_Decode(benchmark::State& state) {
  decode_all(state, false);
}
BENCHMARK(BM_Decode)->Arg(kFrames)->Arg(2048)->Unit(benchmark::kMicrosecond);

void BM_DecodeVerifyingChecksums(benchmark::State& state) {
  decode_all(state, true);
}
BENCHMARK(BM_DecodeVerifyingChecksums)->Arg(kFrames)->Arg(2048)->Unit(benchmark::kMicrosecond);

// The floor: read the first 64 bytes (or the whole frame, if shorter) of every frame.
void BM_TouchFirst64Bytes(benchmark::State& state) {
  const Capture& full = capture();
  Capture c;
  c.packets.assign(full.packets.begin(), full.packets.begin() + state.range(0));
  for (const RawPacket& p : c.packets) c.total_bytes += p.caplen;
  for (auto _ : state) {
    uint64_t sum = 0;
    for (const RawPacket& p : c.packets) {
      const size_t n = std::min<size_t>(p.caplen, 64);
      for (size_t i = 0; i < n; ++i) sum += p.data[i];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(c.packets.size()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(c.total_bytes));
}
BENCHMARK(BM_TouchFirst64Bytes)->Arg(kFrames)->Arg(2048)->Unit(benchmark::kMicrosecond);

}  // namespace
