// A fixture that runs frames through two decoders, one verifying checksums and one not, and
// keeps what they said.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "decoder_frames.h"
#include "flow/packet_decoder.h"

namespace callhome::test_frames {

using Result = PacketDecoder::Result;

class DecoderFixture : public ::testing::Test {
 protected:
  PacketDecoder verifying{PacketDecoder::Options{true}};
  PacketDecoder lenient{PacketDecoder::Options{false}};
  DecodedLayers layers;
  std::string why;

  Bytes frame_;  // the frame last decoded: layers point into it, so it outlives temporaries

  Result run(PacketDecoder& decoder, const Bytes& frame, uint32_t linktype, double ts,
             size_t caplen, size_t wirelen) {
    frame_ = frame;
    RawPacket raw;
    raw.data = frame_.data();
    raw.caplen = uint32_t(caplen);
    raw.wirelen = uint32_t(wirelen);
    raw.linktype = linktype;
    raw.ts = ts;
    why.clear();
    return decoder.decode(raw, layers, &why);
  }
  // Decodes with checksum verification, the whole frame captured.
  Result decode(const Bytes& frame, uint32_t linktype = kLinkEthernet, double ts = 1.0) {
    return run(verifying, frame, linktype, ts, frame.size(), frame.size());
  }
  Result decode_lenient(const Bytes& frame, uint32_t linktype = kLinkEthernet, double ts = 1.0) {
    return run(lenient, frame, linktype, ts, frame.size(), frame.size());
  }
  // Decodes the first `caplen` bytes of a frame that was longer on the wire (a snap length).
  Result decode_cut(const Bytes& frame, size_t caplen, uint32_t linktype = kLinkEthernet) {
    return run(verifying, frame, linktype, 1.0, caplen, frame.size());
  }
  const DecodedPacket& layer(int i = 0) const { return layers.layer[size_t(i)]; }
  std::string payload(int i = 0) const {
    const DecodedPacket& p = layer(i);
    return std::string(reinterpret_cast<const char*>(p.payload), p.payload_caplen);
  }
};

}  // namespace callhome::test_frames
