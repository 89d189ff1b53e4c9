// Writes a large synthetic capture for throughput benchmarks: interleaved, stateful TCP and UDP
// conversations from a pool of concurrently open flows, classic pcap, microsecond timestamps,
// Ethernet, with packets cut to a snaplen as `tcpdump -s` would.
//
//   gen_capture OUT.pcap [connections=500000] [seed=1] [concurrent=4096] [snaplen=128]
//
// Traffic mix per connection: 70% TCP web-like exchanges (handshake, request, a response of
// several segments, FIN or RST teardown), 10% unanswered or refused SYNs (scans, dead peers),
// 20% UDP (DNS query/answer, NTP, periodic beacons). Every IPv4 header checksum is valid.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <random>
#include <string>
#include <vector>

namespace {

struct Writer {
  std::FILE* f;
  uint32_t snaplen;
  uint64_t packets = 0, bytes = 0;
  std::vector<uint8_t> frame = std::vector<uint8_t>(2048);

  void header() {
    uint32_t h[6] = {0xa1b2c3d4, 0x00040002, 0, 0, snaplen, 1};
    std::fwrite(h, 4, 6, f);
  }
  void put(double ts, uint32_t wire_len) {
    uint32_t cap = wire_len < snaplen ? wire_len : snaplen;
    uint32_t rec[4] = {uint32_t(ts), uint32_t((ts - uint32_t(ts)) * 1e6), cap, wire_len};
    std::fwrite(rec, 4, 4, f);
    std::fwrite(frame.data(), 1, cap, f);
    ++packets;
    bytes += 16 + cap;
  }
};

void be16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void be32(uint8_t* p, uint32_t v) {
  be16(p, uint16_t(v >> 16));
  be16(p + 2, uint16_t(v));
}

uint16_t ip_checksum(const uint8_t* p) {
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

// Builds Ethernet + IPv4 + TCP/UDP headers into w.frame; returns the wire length.
uint32_t build(Writer& w, uint32_t src, uint32_t dst, uint8_t proto, uint16_t sp, uint16_t dp,
               uint32_t seq, uint32_t ack, uint8_t flags, uint32_t payload) {
  uint8_t* f = w.frame.data();
  std::memset(f, 0, 54);
  std::memcpy(f, "\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00", 14);
  uint8_t* ip = f + 14;
  uint32_t l4 = proto == 6 ? 20 : 8;
  uint32_t total = 20 + l4 + payload;
  ip[0] = 0x45;
  be16(ip + 2, uint16_t(total));
  be16(ip + 4, uint16_t(seq));
  ip[6] = 0x40;
  ip[8] = 64;
  ip[9] = proto;
  be32(ip + 12, src);
  be32(ip + 16, dst);
  be16(ip + 10, ip_checksum(ip));
  uint8_t* t = ip + 20;
  be16(t, sp);
  be16(t + 2, dp);
  if (proto == 6) {
    be32(t + 4, seq);
    be32(t + 8, ack);
    t[12] = 0x50;
    t[13] = flags;
    be16(t + 14, 64240);
  } else {
    be16(t + 4, uint16_t(8 + payload));
  }
  // Payload bytes that land inside the snaplen: a little text, like the start of a request.
  uint8_t* d = t + l4;
  for (uint32_t i = 0; i < payload && 14 + 20 + l4 + i < w.snaplen; ++i)
    d[i] = uint8_t('a' + i % 26);
  return 14 + total;
}

struct Flow {
  uint32_t client, server;
  uint16_t cport, sport;
  uint8_t kind;  // 0 web, 1 failed attempt, 2 dns, 3 ntp/beacon
  uint8_t step = 0;
  uint8_t steps = 0;
  uint32_t cseq, sseq;
  uint32_t response_segments;
  double next;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.pcap [connections] [seed] [concurrent] [snaplen]\n",
                 argv[0]);
    return 2;
  }
  const uint64_t total = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 500000;
  const uint32_t seed = argc > 3 ? uint32_t(std::strtoul(argv[3], nullptr, 10)) : 1;
  const uint32_t pool = argc > 4 ? uint32_t(std::strtoul(argv[4], nullptr, 10)) : 4096;
  const uint32_t snaplen = argc > 5 ? uint32_t(std::strtoul(argv[5], nullptr, 10)) : 128;
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f) {
    std::perror(argv[1]);
    return 1;
  }
  std::setvbuf(f, nullptr, _IOFBF, 1 << 22);
  Writer w{f, snaplen};
  w.header();
  std::mt19937_64 rng(seed);
  auto uniform = [&](uint32_t n) { return uint32_t(rng() % n); };
  double now = 1700000000.0;
  uint64_t started = 0;
  uint16_t next_port = 1024;

  auto start_flow = [&](Flow& fl) {
    fl.client = (192u << 24) | (168u << 16) | uniform(4096);  // 192.168.0.0/20
    uint32_t r = uniform(100);
    fl.kind = r < 70 ? 0 : r < 80 ? 1 : r < 95 ? 2 : 3;
    fl.server =
        fl.kind == 2 ? (192u << 24 | 168u << 16 | 1) : (uniform(200) + 20) << 24 | uniform(1 << 24);
    fl.cport = next_port = uint16_t(next_port == 65535 ? 1024 : next_port + 1);
    fl.sport = fl.kind == 0   ? (uniform(4) ? 443 : 80)
               : fl.kind == 1 ? uint16_t(1 + uniform(1024))
               : fl.kind == 2 ? 53
                              : 123;
    fl.step = 0;
    fl.cseq = uint32_t(rng());
    fl.sseq = uint32_t(rng());
    fl.response_segments = 4 + uniform(30);
    fl.steps = fl.kind == 0 ? uint8_t(6 + fl.response_segments) : fl.kind == 1 ? 2 : 2;
    fl.next = now + uniform(1000) * 1e-5;
    ++started;
  };

  // Flows advance in time order: the next packet always belongs to the flow due soonest.
  std::vector<Flow> flows(pool);
  using Due = std::pair<double, uint32_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> due;
  for (uint32_t i = 0; i < pool; ++i) {
    start_flow(flows[i]);
    due.emplace(flows[i].next, i);
  }
  while (!due.empty()) {
    const uint32_t idx = due.top().second;
    due.pop();
    Flow& fl = flows[idx];
    now = std::max(now, fl.next);
    uint32_t len = 0;
    switch (fl.kind) {
      case 0: {  // web: S, SA, A, request, N response segments, FIN/FIN or RST
        uint32_t s = fl.step, n = fl.response_segments;
        if (s == 0) {
          len = build(w, fl.client, fl.server, 6, fl.cport, fl.sport, fl.cseq, 0, 0x02, 0);
        } else if (s == 1) {
          len =
              build(w, fl.server, fl.client, 6, fl.sport, fl.cport, fl.sseq, fl.cseq + 1, 0x12, 0);
        } else if (s == 2) {
          len = build(w, fl.client, fl.server, 6, fl.cport, fl.sport, fl.cseq + 1, fl.sseq + 1,
                      0x10, 0);
        } else if (s == 3) {
          len = build(w, fl.client, fl.server, 6, fl.cport, fl.sport, fl.cseq + 1, fl.sseq + 1,
                      0x18, 400);
        } else if (s < 4 + n) {
          uint32_t off = (s - 4) * 1400;
          len = build(w, fl.server, fl.client, 6, fl.sport, fl.cport, fl.sseq + 1 + off,
                      fl.cseq + 401, 0x10, 1400);
        } else if (s == 4 + n) {
          len = build(w, fl.client, fl.server, 6, fl.cport, fl.sport, fl.cseq + 401,
                      fl.sseq + 1 + n * 1400, uniform(10) ? 0x11 : 0x04, 0);
        } else {
          len = build(w, fl.server, fl.client, 6, fl.sport, fl.cport, fl.sseq + 1 + n * 1400,
                      fl.cseq + 402, 0x11, 0);
        }
        break;
      }
      case 1:  // a SYN, then a retransmission or a refusal
        if (fl.step == 0 || uniform(2)) {
          len = build(w, fl.client, fl.server, 6, fl.cport, fl.sport, fl.cseq, 0, 0x02, 0);
        } else {
          len = build(w, fl.server, fl.client, 6, fl.sport, fl.cport, 0, fl.cseq + 1, 0x14, 0);
        }
        break;
      default:  // UDP request and answer
        len = fl.step == 0 ? build(w, fl.client, fl.server, 17, fl.cport, fl.sport, 0, 0, 0, 40)
                           : build(w, fl.server, fl.client, 17, fl.sport, fl.cport, 0, 0, 0, 120);
        break;
    }
    w.put(now, len);
    ++fl.step;
    fl.next = now + (fl.kind == 1 && fl.step == 1 ? 1.0 : 1e-3 * (1 + uniform(50)));
    if (fl.step >= fl.steps) {
      if (started >= total) continue;  // this slot retires
      start_flow(fl);
    }
    due.emplace(fl.next, idx);
  }
  std::fclose(f);
  std::fprintf(stderr, "%s: %llu connections, %llu packets, %llu bytes\n", argv[1],
               static_cast<unsigned long long>(started), static_cast<unsigned long long>(w.packets),
               static_cast<unsigned long long>(w.bytes + 24));
  return 0;
}
