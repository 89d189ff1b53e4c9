// Fuzzes the whole capture path: pcap/pcapng reading, link/IP/transport decoding with and
// without checksum verification, fragment reassembly, tunnels, the connection tracker and the
// payload name parsers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "flow/capture_reader.h"
#include "flow/conn_tracker.h"
#include "flow/packet_decoder.h"
#include "flow/payload_names.h"

namespace {
struct CountingSink : callhome::EventSink {
  size_t n = 0;
  void on_connection(const callhome::Connection& c) override { n += c.history.size() + 1; }
  void on_dns(const callhome::DnsEvent& e) override { n += e.query.size(); }
  void on_name(const callhome::NameEvent& e) override { n += e.name.size(); }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace callhome;
  auto src = ByteSource::from_memory(std::string(reinterpret_cast<const char*>(data), size));
  InputReport report;
  std::string error;
  auto reader = CaptureReader::open(*src, report, &error);
  if (!reader) return 0;
  const bool verify = size % 2 == 0;
  PacketDecoder decoder(PacketDecoder::Options{verify});
  CountingSink sink;
  ConnTracker tracker(TrackerOptions{}, sink);
  RawPacket raw;
  DecodedLayers layers;
  std::string why, parent;
  while (reader->next(raw)) {
    if (decoder.decode(raw, layers, &why) != PacketDecoder::Result::ok) continue;
    parent.clear();
    for (int i = 0; i < layers.count; ++i) {
      parent = tracker.packet(layers.layer[i], raw.ts, Provenance{0, raw.number}, parent);
      emit_payload_names(layers.layer[i], raw.ts, Provenance{0, raw.number}, sink);
    }
  }
  tracker.flush();
  return 0;
}
