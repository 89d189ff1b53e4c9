// pcapng files: a sequence of sections, each opened by a section header block that sets the
// byte order, followed by interface description blocks and packet blocks that refer to those
// interfaces by index. Every block carries its length at both ends, so a damaged block can be
// stepped over as long as its length is believable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flow/capture_reader.h"

namespace callhome {

class PcapngReader final : public CaptureReader {
 public:
  // The section header's block type reads the same in both byte orders.
  static constexpr uint32_t kSectionHeader = 0x0a0d0d0a;

  // True when `data` starts a section header, with a known byte-order magic if `size` shows it.
  static bool sniff_section(const uint8_t* data, size_t size);

  // Checks the section header at the start of `src`; nullptr with *error when it is unusable.
  static std::unique_ptr<CaptureReader> open(ByteSource& src, InputReport& report,
                                             std::string* error);

  bool next(RawPacket& packet) override;
  const char* format_name() const override { return "pcapng"; }

 private:
  struct Interface {
    bool usable = false;  // false: its description block was damaged, its packets are rejected
    uint32_t linktype = 0;
    uint32_t snaplen = 0;  // 0: no limit
    // Timestamp units per second (10^6 unless if_tsresol says otherwise); 0 when that does not
    // fit in 64 bits, and then `unit_seconds` alone converts.
    uint64_t units = 1000000;
    double unit_seconds = 1e-6;
    double offset_seconds = 0;  // if_tsoffset

    void set_resolution(uint8_t tsresol);
    // Whole seconds and the fraction are converted apart and then added: a nanosecond count
    // since 1970 has more digits than a double, so converting it whole would round twice.
    double seconds(uint64_t ts) const {
      if (units == 1000000) {  // the common cases, with constant divisors
        return double(ts / 1000000) + offset_seconds + double(ts % 1000000) / 1e6;
      }
      if (units == 1000000000) {
        return double(ts / 1000000000) + offset_seconds + double(ts % 1000000000) / 1e9;
      }
      if (units != 0) {
        return double(ts / units) + offset_seconds + double(ts % units) / double(units);
      }
      return offset_seconds + double(ts) * unit_seconds;
    }
  };
  enum class Step { packet, more, stop };

  PcapngReader(ByteSource& src, InputReport& report) : src_(src), report_(report) {}
  Step block(RawPacket& p);
  // Steps over the block at `offset` of `len` bytes, of which `done` are already consumed, and
  // checks its trailing length.
  Step skip(uint32_t len, uint64_t offset, bool swap, size_t done);
  // Counts the unreadable block at `offset` as rejected and looks for the next good one.
  Step resync(uint32_t type, uint64_t offset, const std::string& why);
  Step large_packet(uint32_t type, uint32_t len, uint64_t offset, RawPacket& p);
  bool plausible_length(uint32_t len, uint64_t offset) const;
  void lose(uint32_t type, uint64_t offset, bool swap, const std::string& why);
  void section(const uint8_t* b, uint32_t len, uint64_t offset, bool swap);
  void interface(const uint8_t* b, uint32_t len, uint64_t offset);
  bool packet(const uint8_t* b, uint32_t len, uint32_t type, uint64_t offset, RawPacket& p);
  bool simple_packet(const uint8_t* b, uint32_t len, uint64_t offset, RawPacket& p);
  void fill(RawPacket& p, uint64_t number, uint64_t offset, const uint8_t* data, uint32_t caplen,
            uint32_t wirelen, uint32_t iface);
  const Interface* interface_for(uint32_t iface, uint64_t number, uint64_t offset);
  void finish();

  ByteSource& src_;
  InputReport& report_;
  bool swap_ = false;                  // byte order of the current section
  std::vector<Interface> interfaces_;  // of the current section, by index
  uint64_t number_ = 0;                // of the last packet block met
  size_t pending_ = 0;                 // bytes of the block handed out, consumed on the next call
  double last_ts_ = 0;                 // simple packet blocks have none and inherit this
  uint64_t longer_than_wire_ = 0;      // packets whose captured length exceeded the wire length
  bool done_ = false;
  // A large packet block handed out from its head: the rest is skipped on the next call.
  struct Tail {
    uint32_t len = 0;  // 0: none
    uint64_t offset = 0;
    size_t done = 0;  // bytes of it that pending_ consumes
  } tail_;
};

}  // namespace callhome
