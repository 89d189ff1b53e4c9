// The DNS part of the capture hot path: emit_payload_names over UDP port-53 packets (query,
// response, query, ...), reporting responses only (no pairing: what captures did before
// DnsTransactions) against pairing every query with its response. Both runs also pass a TCP
// packet between each DNS pair, to show that non-DNS packets pay nothing extra.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "flow/dns_transactions.h"
#include "flow/payload_names.h"

namespace callhome {
namespace {

struct Frame {
  std::vector<uint8_t> bytes;
  DecodedPacket p;
};

std::vector<uint8_t> dns_message(uint16_t id, bool response, const std::string& name) {
  std::vector<uint8_t> m = {uint8_t(id >> 8),
                            uint8_t(id),
                            uint8_t(response ? 0x81 : 0x01),
                            uint8_t(response ? 0x80 : 0),
                            0,
                            1,
                            0,
                            uint8_t(response),
                            0,
                            0,
                            0,
                            0};
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    m.push_back(uint8_t(dot - start));
    m.insert(m.end(), name.begin() + long(start), name.begin() + long(dot));
    start = dot + 1;
  }
  m.insert(m.end(), {0, 0, 1, 0, 1});
  if (response) m.insert(m.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34});
  return m;
}

const std::vector<Frame>& frames() {
  static const std::vector<Frame> all = [] {
    std::vector<Frame> v;
    v.reserve(30000);
    for (uint32_t i = 0; i < 10000; ++i) {
      const Address client = Address::v4(0xc0a80000u | (i % 500)), server = Address::v4(0x08080808);
      const uint16_t port = uint16_t(40000 + i % 2000), id = uint16_t(i * 7919);
      const std::string name = "host" + std::to_string(i) + ".example.com";
      for (int k = 0; k < 3; ++k) {
        Frame f;
        f.p.ip_proto = k == 2 ? 6 : 17;
        f.p.transport_ok = true;
        f.p.src = k == 1 ? server : client;
        f.p.dst = k == 1 ? client : server;
        f.p.src_port = k == 1 ? 53 : port;
        f.p.dst_port = k == 0 ? 53 : k == 1 ? port : 443;
        f.bytes = k == 2 ? std::vector<uint8_t>(100, 0x17) : dns_message(id, k == 1, name);
        v.push_back(std::move(f));
      }
    }
    for (auto& f : v) {
      f.p.payload = f.bytes.data();
      f.p.payload_len = f.p.payload_caplen = uint32_t(f.bytes.size());
    }
    return v;
  }();
  return all;
}

struct Count : EventSink {
  size_t n = 0;
  void on_dns(const DnsEvent&) override { ++n; }
};

void ResponsesOnly(benchmark::State& state) {
  Count sink;
  for (auto _ : state) {
    double ts = 0;
    for (const Frame& f : frames()) emit_payload_names(f.p, ts += 0.001, {0, 1}, sink);
  }
  state.SetItemsProcessed(int64_t(state.iterations() * frames().size()));
  state.counters["dns_events"] = double(sink.n) / double(state.iterations());
}

void PairedQueries(benchmark::State& state) {
  Count sink;
  for (auto _ : state) {
    DnsTransactions dns(sink);
    double ts = 0;
    for (const Frame& f : frames()) emit_payload_names(f.p, ts += 0.001, {0, 1}, sink, &dns);
    dns.flush();
  }
  state.SetItemsProcessed(int64_t(state.iterations() * frames().size()));
  state.counters["dns_events"] = double(sink.n) / double(state.iterations());
}

BENCHMARK(ResponsesOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK(PairedQueries)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace callhome
