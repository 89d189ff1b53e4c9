// Streaming reader for pcap (both byte orders, micro/nanosecond) and pcapng files.
#pragma once

#include <memory>
#include <string>

#include "core/input_report.h"
#include "flow/raw_packet.h"
#include "ingest/byte_source.h"

namespace callhome {

class CaptureReader {
 public:
  virtual ~CaptureReader() = default;

  // Returns the reader for the capture at the start of `src` (pcap or pcapng, chosen from the
  // magic number), or nullptr with *error saying why ("not a capture file", "pcap header
  // truncated"). Problems found later are recorded in `report` (with packet number and offset)
  // and never stop the read: a damaged record is skipped when the format allows resyncing,
  // otherwise the read ends at the damage.
  static std::unique_ptr<CaptureReader> open(ByteSource& src, InputReport& report,
                                             std::string* error);

  // True when the first bytes look like a pcap or pcapng file (format detection).
  static bool sniff(const uint8_t* data, size_t size);

  // The next packet; false at the end of the file (or at unrecoverable damage).
  virtual bool next(RawPacket& packet) = 0;

  // The packet `ahead` records after the one next() returned last, when the reader already
  // holds it (data == nullptr otherwise). Only a hint, for prefetching what it will need: it
  // moves nothing and checks nothing beyond the record lengths.
  struct Peek {
    const uint8_t* data = nullptr;
    uint32_t caplen = 0;
    uint32_t linktype = 0;
  };
  virtual Peek peek(int ahead) const {
    (void)ahead;
    return {};
  }
  virtual const char* format_name() const = 0;  // "pcap" or "pcapng"
};

}  // namespace callhome
