// Format detection: the first four bytes name the format, and each reader takes it from there.
#include "flow/capture_reader.h"

#include <cstring>

#include "flow/pcap_reader.h"
#include "flow/pcapng_reader.h"

namespace callhome {

bool CaptureReader::sniff(const uint8_t* data, size_t size) {
  if (size < 4) return false;
  uint32_t magic;
  std::memcpy(&magic, data, 4);
  return PcapReader::is_magic(magic) || PcapngReader::sniff_section(data, size);
}

std::unique_ptr<CaptureReader> CaptureReader::open(ByteSource& src, InputReport& report,
                                                   std::string* error) {
  uint32_t magic = 0;
  if (src.ensure(4) >= 4) std::memcpy(&magic, src.data(), 4);
  if (PcapReader::is_magic(magic)) return PcapReader::open(src, report, error);
  if (magic == PcapngReader::kSectionHeader) return PcapngReader::open(src, report, error);
  if (error) *error = "not a pcap or pcapng file";
  return nullptr;
}

}  // namespace callhome
