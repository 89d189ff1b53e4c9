// Helpers for the fingerprint tests: packets built byte by byte (IPv4 + TCP with options, TLS
// ClientHellos), and the samples a real capture yields, read through the same decoder and tap
// that `callhome analyze` uses, with their bytes copied so they outlive the read.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/input_report.h"
#include "fingerprint/software_tap.h"
#include "flow/capture_reader.h"
#include "flow/packet_decoder.h"
#include "ingest/byte_source.h"

// Tests build headers with designated initializers naming only the fields they care about;
// GCC 12's -Wmissing-field-initializers still reports the rest, which have defaults.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

namespace callhome::fp_test {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put24(Bytes& b, uint32_t v) {
  b.push_back(uint8_t(v >> 16));
  put16(b, uint16_t(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}

inline Bytes text_bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

// An IPv4 header: 20 bytes plus `options`.
struct Ip4 {
  uint8_t ttl = 64;
  bool df = true;
  uint16_t id = 0x1234;
  uint8_t tos = 0;
  Bytes options;
  uint8_t proto = 6;
  uint32_t src = 0xc0a80103, dst = 0x0a000001;  // 192.168.1.3 -> 10.0.0.1
};
inline Bytes ip4(const Ip4& h, size_t payload = 40) {
  Bytes b;
  b.push_back(uint8_t(0x40 | (5 + h.options.size() / 4)));
  b.push_back(h.tos);
  put16(b, uint16_t(20 + h.options.size() + payload));
  put16(b, h.id);
  put16(b, h.df ? 0x4000 : 0);
  b.push_back(h.ttl);
  b.push_back(h.proto);
  put16(b, 0);
  put32(b, h.src);
  put32(b, h.dst);
  b.insert(b.end(), h.options.begin(), h.options.end());
  return b;
}

// TCP options by p0f's names: "mss" (with `mss`), "nop", "ws" (with `wscale`), "sok", "ts", "eol".
struct Tcp {
  uint8_t flags = 0x02;  // SYN
  uint16_t window = 65535;
  uint32_t seq = 1000, ack = 0;
  uint16_t mss = 1460;
  uint8_t wscale = 0;
  uint32_t ts1 = 12345, ts2 = 0;
  std::vector<std::string> options;
  uint16_t sport = 1025, dport = 80;
};
inline Bytes tcp(const Tcp& t) {
  Bytes opt;
  for (const auto& o : t.options) {
    if (o == "mss") {
      opt.insert(opt.end(), {2, 4});
      put16(opt, t.mss);
    } else if (o == "nop") {
      opt.push_back(1);
    } else if (o == "ws") {
      opt.insert(opt.end(), {3, 3, t.wscale});
    } else if (o == "sok") {
      opt.insert(opt.end(), {4, 2});
    } else if (o == "ts") {
      opt.insert(opt.end(), {8, 10});
      put32(opt, t.ts1);
      put32(opt, t.ts2);
    } else if (o == "eol") {
      opt.push_back(0);
    }
  }
  while (opt.size() % 4) opt.push_back(0);
  Bytes b;
  put16(b, t.sport);
  put16(b, t.dport);
  put32(b, t.seq);
  put32(b, t.ack);
  b.push_back(uint8_t((5 + opt.size() / 4) << 4));
  b.push_back(t.flags);
  put16(b, t.window);
  put16(b, 0);
  put16(b, 0);
  b.insert(b.end(), opt.begin(), opt.end());
  return b;
}

// A ClientHello in one TLS record (or split into records of at most `record_max` bytes).
struct Hello {
  uint16_t version = 0x0303;
  std::vector<uint16_t> ciphers;
  std::vector<std::pair<uint16_t, Bytes>> extensions;  // type, body
};
inline Bytes sni_ext(const std::string& name) {
  Bytes b;
  put16(b, uint16_t(name.size() + 3));
  b.push_back(0);
  put16(b, uint16_t(name.size()));
  b.insert(b.end(), name.begin(), name.end());
  return b;
}
inline Bytes u16_list_ext(const std::vector<uint16_t>& v, bool one_byte_length = false) {
  Bytes b;
  if (one_byte_length) {
    b.push_back(uint8_t(v.size() * 2));
  } else {
    put16(b, uint16_t(v.size() * 2));
  }
  for (uint16_t x : v) put16(b, x);
  return b;
}
inline Bytes alpn_ext(const std::vector<std::string>& protos) {
  Bytes list;
  for (const auto& p : protos) {
    list.push_back(uint8_t(p.size()));
    list.insert(list.end(), p.begin(), p.end());
  }
  Bytes b;
  put16(b, uint16_t(list.size()));
  b.insert(b.end(), list.begin(), list.end());
  return b;
}
inline Bytes client_hello(const Hello& h, size_t record_max = 16384) {
  Bytes body;
  put16(body, h.version);
  body.insert(body.end(), 32, 0x11);  // random
  body.push_back(0);                  // session id
  put16(body, uint16_t(h.ciphers.size() * 2));
  for (uint16_t c : h.ciphers) put16(body, c);
  body.insert(body.end(), {1, 0});  // compression: null
  Bytes exts;
  for (const auto& [type, data] : h.extensions) {
    put16(exts, type);
    put16(exts, uint16_t(data.size()));
    exts.insert(exts.end(), data.begin(), data.end());
  }
  put16(body, uint16_t(exts.size()));
  body.insert(body.end(), exts.begin(), exts.end());
  Bytes msg = {1};
  put24(msg, uint32_t(body.size()));
  msg.insert(msg.end(), body.begin(), body.end());
  Bytes out;
  for (size_t at = 0; at < msg.size(); at += record_max) {
    const size_t n = std::min(record_max, msg.size() - at);
    out.insert(out.end(), {0x16, 0x03, 0x01});
    put16(out, uint16_t(n));
    out.insert(out.end(), msg.begin() + at, msg.begin() + at + n);
  }
  return out;
}

// A PacketSampleEvent with its bytes owned.
struct Sample {
  PacketSampleEvent::Kind kind{};
  double ts = 0;
  Address src, dst;
  uint16_t src_port = 0, dst_port = 0;
  Bytes ip, transport, payload;
  uint32_t payload_len = 0;
  Provenance prov;

  PacketSampleEvent view() const {
    PacketSampleEvent e;
    e.kind = kind;
    e.ts = ts;
    e.src = src;
    e.dst = dst;
    e.src_port = src_port;
    e.dst_port = dst_port;
    e.ip_header = ip;
    e.transport = transport;
    e.payload = payload;
    e.payload_len = payload_len;
    e.prov = prov;
    return e;
  }
};

struct Collector : EventSink {
  std::vector<Sample> samples;
  std::vector<HttpEvent> http;  // views dropped: only counted
  void on_packet_sample(const PacketSampleEvent& e) override {
    Sample s;
    s.kind = e.kind;
    s.ts = e.ts;
    s.src = e.src;
    s.dst = e.dst;
    s.src_port = e.src_port;
    s.dst_port = e.dst_port;
    s.ip.assign(e.ip_header.begin(), e.ip_header.end());
    s.transport.assign(e.transport.begin(), e.transport.end());
    s.payload.assign(e.payload.begin(), e.payload.end());
    s.payload_len = e.payload_len;
    s.prov = e.prov;
    samples.push_back(std::move(s));
  }
};

// Every sample of the capture at `path` (empty if it cannot be read), with the packet numbers
// Wireshark gives its frames.
inline std::vector<Sample> capture_samples(const std::string& path, EventSink* also = nullptr) {
  std::string error;
  auto src = ByteSource::open(path, &error);
  if (!src) return {};
  InputReport report;
  auto reader = CaptureReader::open(*src, report, &error);
  if (!reader) return {};
  PacketDecoder decoder(PacketDecoder::Options{});
  SoftwareTap tap;
  Collector c;
  struct Both : EventSink {
    Collector* c;
    EventSink* also;
    void on_packet_sample(const PacketSampleEvent& e) override {
      c->on_packet_sample(e);
      if (also) also->on_packet_sample(e);
    }
  } both;
  both.c = &c;
  both.also = also;
  RawPacket raw;
  DecodedLayers layers;
  while (reader->next(raw)) {
    if (decoder.decode(raw, layers, nullptr) != PacketDecoder::Result::ok) continue;
    for (int i = 0; i < layers.count; ++i) {
      tap.packet(layers.layer[i], raw.ts, Provenance{0, raw.number}, both);
    }
  }
  return std::move(c.samples);
}

// Standard output of a command (empty when it cannot run).
inline std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(command.c_str(), "r"), &::pclose);
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

inline bool have_command(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

inline bool exists(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::fclose(f);
  return true;
}

}  // namespace callhome::fp_test
