// Fuzzes the whole capture path. First the pcap/pcapng reader: every byte of every packet it
// hands out is read, and checked against the input, so that a packet pointing at the wrong
// bytes (still inside the read buffer, where ASan cannot see it) fails as surely as a read out
// of bounds. Then what it yields goes through link/IP/transport decoding with and without
// checksum verification, fragment reassembly, tunnels, the connection tracker and the payload
// name parsers. The bytes go through ByteSource as the command's do, so compressed inputs (the
// corpus holds gzip, bzip2, xz and zstd seeds, whole, concatenated and truncated) reach the
// decompressors too.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "flow/capture_reader.h"
#include "flow/conn_tracker.h"
#include "flow/packet_decoder.h"
#include "flow/payload_names.h"
#include "flow/tracker_prefetch.h"

namespace {

using namespace callhome;

struct CountingSink : EventSink {
  size_t n = 0;
  void on_connection(const Connection& c) override { n += c.history.size() + 1; }
  void on_dns(const DnsEvent& e) override { n += e.query.size(); }
  void on_name(const NameEvent& e) override { n += e.name.size(); }
};

// Where a packet's bytes start after its record or block header, from the header itself.
size_t header_length(const uint8_t* record, bool pcapng) {
  if (!pcapng) return 16;
  uint32_t type;
  std::memcpy(&type, record, 4);
  if (type == 3 || type == __builtin_bswap32(3)) return 12;  // simple packet block
  return 28;                                                 // enhanced or obsolete packet block
}

// Checks one packet against the input it came from; traps on any inconsistency.
void check(const RawPacket& p, uint64_t previous_number, const uint8_t* input, size_t size,
           bool compressed, bool pcapng) {
  if (p.number <= previous_number || p.wirelen < p.caplen || std::isnan(p.ts) || std::isinf(p.ts) ||
      (p.caplen > 0 && p.data == nullptr)) {
    __builtin_trap();
  }
  uint32_t sum = 0;  // reads every byte, so ASan sees any that is not there
  for (uint32_t i = 0; i < p.caplen; ++i) sum += p.data[i];
  asm volatile("" : : "r"(sum));  // keeps the loads
  if (compressed) return;         // offsets count decompressed bytes: nothing to compare with
  if (p.offset >= size) __builtin_trap();
  const size_t start = p.offset + header_length(input + p.offset, pcapng);
  if (start > size || p.caplen > size - start ||
      (p.caplen > 0 && std::memcmp(p.data, input + start, p.caplen) != 0)) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteSource::Options options;
  options.hash = false;  // not under test here, and it would dominate the run time
  // Small reads for a third of the inputs, so that records straddle buffer refills; otherwise
  // a buffer sized for fuzz inputs (from_memory allocates the requested chunk, 4 MiB by default,
  // and zeroing that on every run would be most of the run time).
  options.chunk = size % 3 == 0 ? 1 + size % 97 : size_t(64) << 10;
  auto src =
      ByteSource::from_memory(std::string(reinterpret_cast<const char*>(data), size), options);
  InputReport report;
  std::string error;
  auto reader = CaptureReader::open(*src, report, &error);
  if (!reader) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  const bool compressed = src->compressed();
  if (!compressed && !CaptureReader::sniff(data, size)) __builtin_trap();  // detection agrees
  const bool pcapng = std::strcmp(reader->format_name(), "pcapng") == 0;
  const bool verify = size % 2 == 0;
  PacketDecoder decoder(PacketDecoder::Options{verify});
  CountingSink sink;
  ConnTracker tracker(TrackerOptions{}, sink);
  RawPacket raw;
  DecodedLayers layers;
  std::string why, parent;
  uint64_t previous = 0;
  // Prefetch hints as the CLI gives them; a record peeked at must be the one next() returns.
  TrackerPrefetch prefetch;
  std::string peeked;
  bool have_peeked = false;
  while (reader->next(raw)) {
    check(raw, previous, data, size, compressed, pcapng);
    previous = raw.number;
    if (have_peeked &&
        peeked != std::string_view(reinterpret_cast<const char*>(raw.data), raw.caplen)) {
      __builtin_trap();
    }
    const CaptureReader::Peek one = reader->peek(1);
    have_peeked = one.data != nullptr;
    if (have_peeked) peeked.assign(reinterpret_cast<const char*>(one.data), one.caplen);
    prefetch.ahead(*reader, tracker);
    if (decoder.decode(raw, layers, &why) != PacketDecoder::Result::ok) continue;
    parent.clear();
    for (int i = 0; i < layers.count; ++i) {
      tracker.feed(layers.layer[i], raw.ts, Provenance{0, raw.number}, parent);
      if (i + 1 < layers.count) parent = tracker.last_uid();
      emit_payload_names(layers.layer[i], raw.ts, Provenance{0, raw.number}, sink);
    }
  }
  if (reader->next(raw)) __builtin_trap();  // the end is final
  tracker.flush();
  return 0;
}
