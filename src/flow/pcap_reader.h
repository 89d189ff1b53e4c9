// Classic libpcap files: a 24-byte file header, then records of a 16-byte header and the packet
// bytes, back to back with no marker between them. A record with a damaged length therefore
// leaves no way to find the next one, and the read ends there.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "flow/capture_reader.h"

namespace callhome {

class PcapReader final : public CaptureReader {
 public:
  // The magic numbers as a little-endian machine reads them from its own files.
  static constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
  static constexpr uint32_t kMagicNano = 0xa1b23c4d;
  // True for either magic in either byte order.
  static bool is_magic(uint32_t m) {
    return m == kMagicMicro || m == kMagicNano || m == __builtin_bswap32(kMagicMicro) ||
           m == __builtin_bswap32(kMagicNano);
  }

  // Reads the file header at the start of `src` (which starts with a pcap magic); nullptr with
  // *error when it is truncated.
  static std::unique_ptr<CaptureReader> open(ByteSource& src, InputReport& report,
                                             std::string* error);

  bool next(RawPacket& packet) override;
  Peek peek(int ahead) const override;
  const char* format_name() const override { return "pcap"; }

 private:
  PcapReader(ByteSource& src, InputReport& report) : src_(src), report_(report) {}
  bool end_of_records();
  bool stop(std::string what);
  bool finish();
  uint32_t longer_than_wire(uint32_t caplen, uint32_t wirelen);

  ByteSource& src_;
  InputReport& report_;
  bool swap_ = false;
  double units_per_second_ = 1e6;  // of the timestamp fraction: 1e6 or 1e9
  uint32_t linktype_ = kLinkEthernet;
  uint32_t max_caplen_ = 0;  // a longer record is damage
  uint32_t snaplen_ = 0;
  uint64_t number_ = 0;            // of the last record handed out
  size_t pending_ = 0;             // bytes of that record, consumed on the next call
  uint64_t longer_than_wire_ = 0;  // records whose captured length exceeded the wire length
  bool done_ = false;
};

}  // namespace callhome
