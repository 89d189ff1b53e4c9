// pcap records are handed out in place in the ByteSource buffer and consumed on the next call,
// so reading copies nothing and allocates nothing per packet.
#include "flow/pcap_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "flow/capture_bytes.h"

namespace callhome {
namespace {

using capture_bytes::load16;
using capture_bytes::load32;

constexpr size_t kFileHeader = 24, kRecordHeader = 16;
// libpcap's MAXIMUM_SNAPLEN: no capture tool writes a longer record, so one is damage.
constexpr uint32_t kMaxCaplen = 262144;
// The upper bits of the link-type field say whether frames end with an FCS, and how long it
// is (libpcap's LT_FCS_LENGTH_PRESENT and LT_FCS_LENGTH); the type is the rest.
constexpr uint32_t kLinkTypeMask = 0x03ffffff;

}  // namespace

std::unique_ptr<CaptureReader> PcapReader::open(ByteSource& src, InputReport& report,
                                                std::string* error) {
  if (src.ensure(kFileHeader) < kFileHeader) {
    if (error) *error = "pcap file header truncated";
    return nullptr;
  }
  const uint8_t* h = src.data();
  uint32_t magic;
  std::memcpy(&magic, h, 4);
  std::unique_ptr<PcapReader> r(new PcapReader(src, report));
  r->swap_ = magic != kMagicMicro && magic != kMagicNano;
  r->units_per_second_ =
      (magic == kMagicNano || magic == __builtin_bswap32(kMagicNano)) ? 1e9 : 1e6;
  const uint16_t major = load16(h + 4, r->swap_), minor = load16(h + 6, r->swap_);
  if (major != 2) {
    report.note(0, 0,
                "pcap version " + std::to_string(major) + "." + std::to_string(minor) +
                    " (expected 2.x); read as 2.4");
  }
  r->snaplen_ = load32(h + 16, r->swap_);
  r->linktype_ = load32(h + 20, r->swap_) & kLinkTypeMask;
  // A writer that states a snapshot length never writes records much longer than it, so a
  // record beyond twice that is taken as damage rather than read as a giant packet.
  const bool sensible_snaplen = r->snaplen_ > 0 && r->snaplen_ <= kMaxCaplen;
  r->max_caplen_ = sensible_snaplen ? std::min(kMaxCaplen, 2 * r->snaplen_) : kMaxCaplen;
  src.consume(kFileHeader);
  return r;
}

bool PcapReader::next(RawPacket& p) {
  src_.consume(pending_);
  pending_ = 0;
  if (done_) [[unlikely]]
    return false;
  if (src_.ensure(kRecordHeader) < kRecordHeader) return end_of_records();
  const uint32_t caplen = load32(src_.data() + 8, swap_);
  if (caplen > max_caplen_) [[unlikely]] {
    return stop("record " + std::to_string(number_ + 1) + ": captured length " +
                std::to_string(caplen) + " is not plausible (snapshot length " +
                std::to_string(snaplen_) + "); pcap cannot resync, reading stops");
  }
  const size_t record = kRecordHeader + caplen;
  if (src_.ensure(record) < record) [[unlikely]] {
    return stop("record " + std::to_string(number_ + 1) +
                " truncated: " + std::to_string(src_.available() - kRecordHeader) + " of " +
                std::to_string(caplen) + " captured bytes present");
  }
  const uint8_t* h = src_.data();  // ensure() may have moved the buffer
  uint32_t wirelen = load32(h + 12, swap_);
  if (wirelen < caplen) [[unlikely]]
    wirelen = longer_than_wire(caplen, wirelen);
  // Seconds and fraction converted apart and then added: one rounding, not two.
  p.ts = double(load32(h, swap_)) + double(load32(h + 4, swap_)) / units_per_second_;
  p.caplen = caplen;
  p.wirelen = wirelen;
  p.linktype = linktype_;
  p.interface = 0;
  p.number = ++number_;
  p.offset = src_.offset();
  p.data = h + kRecordHeader;
  pending_ = record;
  return true;
}

CaptureReader::Peek PcapReader::peek(int ahead) const {
  if (done_) return {};
  const uint8_t* base = src_.data();
  const size_t avail = src_.available();
  size_t at = pending_;
  for (int i = 1;; ++i) {
    if (avail - at < kRecordHeader) return {};
    const uint32_t caplen = load32(base + at + 8, swap_);
    if (caplen > max_caplen_ || avail - at - kRecordHeader < caplen) return {};
    if (i == ahead) return Peek{base + at + kRecordHeader, caplen, linktype_};
    at += kRecordHeader + caplen;
  }
}

bool PcapReader::end_of_records() {
  if (const size_t left = src_.available(); left > 0) {
    report_.reject(number_ + 1, src_.offset(),
                   "record " + std::to_string(number_ + 1) + " truncated: " + std::to_string(left) +
                       " of 16 header bytes present");
    src_.consume(left);
  }
  return finish();
}

bool PcapReader::finish() {
  done_ = true;
  if (longer_than_wire_ > 1) {
    report_.note(0, 0,
                 std::to_string(longer_than_wire_) +
                     " records in all had a captured length above their wire length");
  }
  return false;
}

bool PcapReader::stop(std::string what) {
  report_.reject(number_ + 1, src_.offset(), std::move(what));
  return finish();  // nothing after the damage can be trusted
}

uint32_t PcapReader::longer_than_wire(uint32_t caplen, uint32_t wirelen) {
  // Some writers leave the wire length at 0; the packet is still whole, so it is used. Only the
  // first such record is named, so that a file full of them does not crowd out other problems.
  if (longer_than_wire_++ == 0) {
    report_.note(number_ + 1, src_.offset(),
                 "record " + std::to_string(number_ + 1) + ": captured length " +
                     std::to_string(caplen) + " above wire length " + std::to_string(wirelen) +
                     "; wire length taken as " + std::to_string(caplen));
  }
  return caplen;
}

}  // namespace callhome
