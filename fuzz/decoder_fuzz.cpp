// Fuzzes PacketDecoder on its own: link layers, IP with fragment reassembly, transports and
// tunnels, with and without checksum verification.
//
// Input: the first byte picks the link type (its low bits index kLinkTypes); the rest is the
// frame. When the first byte's high bit is set, the rest is instead a run of frames, each
// preceded by a 2-byte big-endian length, decoded in order by the same decoders, so that
// fragments can meet in the reassembler and timeouts can pass (each frame is a second later
// than the one before when its length's top bit is set).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "flow/packet_decoder.h"

namespace {

using callhome::DecodedLayers;
using callhome::PacketDecoder;
using callhome::RawPacket;

constexpr uint32_t kLinkTypes[] = {
    callhome::kLinkEthernet,
    callhome::kLinkRaw,
    callhome::kLinkNull,
    callhome::kLinkLoop,
    callhome::kLinkIeee80211,
    callhome::kLinkLinuxSll,
    callhome::kLinkIeee80211Radiotap,
    callhome::kLinkIpv4,
    callhome::kLinkIpv6,
    callhome::kLinkLinuxSll2,
    callhome::kLinkPppoe,
    callhome::kLinkDltRaw12,
    callhome::kLinkDltRaw14,
    callhome::kLinkEthernet,
    callhome::kLinkEthernet,
    callhome::kLinkEthernet,
};
static_assert(sizeof kLinkTypes / sizeof kLinkTypes[0] == 16);

// Reads everything the decoder hands out, so the sanitizers see any pointer that is off.
volatile uint32_t g_sink;

void check(PacketDecoder::Result r, const DecodedLayers& layers, const std::string& why) {
  if (r == PacketDecoder::Result::ok) {
    if (layers.count < 1 || layers.count > DecodedLayers::kMaxLayers) std::abort();
    if (!why.empty()) std::abort();  // reasons are only given for frames that fail
  } else {
    if (layers.count != 0) std::abort();
    if (r == PacketDecoder::Result::malformed && why.empty()) std::abort();
  }
  uint32_t acc = 0;
  for (int i = 0; i < layers.count; ++i) {
    const auto& p = layers.layer[size_t(i)];
    if (!p.transport_ok) std::abort();
    if (p.payload_caplen > p.payload_len) std::abort();
    if (p.payload_caplen > 0 && p.payload == nullptr) std::abort();
    for (uint32_t k = 0; k < p.payload_caplen; ++k) acc += p.payload[k];
    acc += p.src_port + p.dst_port + p.ip_len + p.tunnel_depth;
  }
  g_sink = acc;
}

void decode(PacketDecoder& decoder, uint32_t linktype, const uint8_t* frame, size_t size,
            double ts) {
  RawPacket raw;
  raw.linktype = linktype;
  raw.data = frame;
  raw.caplen = uint32_t(size);
  raw.wirelen = uint32_t(size);
  raw.ts = ts;
  DecodedLayers layers;
  std::string why;
  const auto r = decoder.decode(raw, layers, &why);
  check(r, layers, why);
  // A snap length: the same frame with its tail not captured.
  if (size > 1) {
    raw.caplen = uint32_t(size / 2);
    why.clear();
    check(decoder.decode(raw, layers, &why), layers, why);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint32_t linktype = kLinkTypes[data[0] & 15];
  PacketDecoder verifying(PacketDecoder::Options{true});
  PacketDecoder lenient(PacketDecoder::Options{false});
  if (!(data[0] & 0x80)) {
    decode(verifying, linktype, data + 1, size - 1, 1.0);
    decode(lenient, linktype, data + 1, size - 1, 1.0);
    return 0;
  }
  double ts = 1.0;
  size_t pos = 1;
  while (pos + 2 <= size) {
    const size_t header = size_t(data[pos]) << 8 | data[pos + 1];
    pos += 2;
    const size_t len = std::min(header & 0x7fff, size - pos);
    if (header & 0x8000) ts += 1.0;
    decode(verifying, linktype, data + pos, len, ts);
    decode(lenient, linktype, data + pos, len, ts);
    pos += len;
  }
  return 0;
}
