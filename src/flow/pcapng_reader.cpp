// pcapng blocks are read in place in the ByteSource buffer: a packet's bytes are handed out
// there and the block is consumed on the next call, so reading copies nothing and allocates
// nothing per packet. Blocks we do not use are skipped by their length without being buffered.
#include "flow/pcapng_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "flow/capture_bytes.h"

namespace callhome {
namespace {

using capture_bytes::load16;
using capture_bytes::load32;
using capture_bytes::load64;

constexpr uint32_t kInterfaceDescription = 1, kObsoletePacket = 2, kSimplePacket = 3,
                   kEnhancedPacket = 6;
constexpr uint32_t kByteOrderMagic = 0x1a2b3c4d;
// Type, total length, and for a section header its byte-order magic: enough to size any block.
constexpr size_t kBlockStart = 12;
constexpr uint32_t kMinBlock = 12, kMinSectionHeader = 28, kMinInterface = 20, kMinPacket = 32,
                   kMinSimplePacket = 16;
// A longer block is believed only when the file is known to hold it (an uncompressed file
// whose size at open reaches its end): believing a random length would skip the rest of it.
constexpr uint32_t kMaxBlock = 64 << 20;
// Blocks we parse must sit whole in the read buffer; a packet of libpcap's largest snapshot
// length and generous options fits in this many bytes.
constexpr uint32_t kMaxParsedBlock = 1 << 20;
constexpr uint16_t kOptEnd = 0, kOptTsresol = 9, kOptTsoffset = 14;

bool parsed_in_place(uint32_t type) {
  return type == PcapngReader::kSectionHeader || type == kInterfaceDescription ||
         type == kObsoletePacket || type == kSimplePacket || type == kEnhancedPacket;
}
bool is_packet(uint32_t type) {
  return type == kObsoletePacket || type == kSimplePacket || type == kEnhancedPacket;
}

// Block types a resynchronisation may land on: those of the specification, whose length and
// trailing length must then also agree.
bool is_known_block(uint32_t type) {
  switch (type) {
    case PcapngReader::kSectionHeader:
    case kInterfaceDescription:
    case kObsoletePacket:
    case kSimplePacket:
    case 4:  // name resolution
    case 5:  // interface statistics
    case kEnhancedPacket:
    case 9:           // systemd journal export
    case 10:          // decryption secrets
    case 0xbad:       // custom, copiable
    case 0x40000bad:  // custom, not copiable
      return true;
    default:
      return false;
  }
}

// The byte order that makes `p` read as the byte-order magic, if either does.
bool byte_order(const uint8_t* p, bool* swap) {
  uint32_t m;
  std::memcpy(&m, p, 4);
  if (m == kByteOrderMagic || m == __builtin_bswap32(kByteOrderMagic)) {
    *swap = m != kByteOrderMagic;
    return true;
  }
  return false;
}

std::string block_name(uint32_t type) {
  switch (type) {
    case PcapngReader::kSectionHeader:
      return "section header block";
    case kInterfaceDescription:
      return "interface description block";
    case kObsoletePacket:
      return "obsolete packet block";
    case kSimplePacket:
      return "simple packet block";
    case kEnhancedPacket:
      return "enhanced packet block";
    default:
      return "block of type " + std::to_string(type);
  }
}

}  // namespace

void PcapngReader::Interface::set_resolution(uint8_t tsresol) {
  // The low seven bits are a negative exponent of ten, or of two when the top bit is set.
  const int exponent = tsresol & 0x7f;
  if (tsresol & 0x80) {
    units = exponent < 64 ? uint64_t(1) << exponent : 0;
    unit_seconds = std::ldexp(1.0, -exponent);
    return;
  }
  units = 1;
  for (int i = 0; i < exponent && units != 0; ++i) {
    units = units <= UINT64_MAX / 10 ? units * 10 : 0;  // beyond 10^19: no whole seconds
  }
  unit_seconds = std::pow(10.0, -exponent);
}

bool PcapngReader::sniff_section(const uint8_t* data, size_t size) {
  if (size < 4) return false;
  uint32_t type;
  std::memcpy(&type, data, 4);
  if (type != kSectionHeader) return false;
  bool swap;
  return size < kBlockStart || byte_order(data + 8, &swap);
}

std::unique_ptr<CaptureReader> PcapngReader::open(ByteSource& src, InputReport& report,
                                                  std::string* error) {
  const size_t have = src.ensure(kMinSectionHeader);
  bool swap;
  if (have < kBlockStart) {
    if (error) *error = "pcapng section header truncated";
    return nullptr;
  }
  if (!byte_order(src.data() + 8, &swap)) {
    if (error) *error = "pcapng section header with an unknown byte-order magic";
    return nullptr;
  }
  // The header itself is read by next(), like any later section header.
  return std::unique_ptr<CaptureReader>(new PcapngReader(src, report));
}

bool PcapngReader::next(RawPacket& p) {
  src_.consume(pending_);
  pending_ = 0;
  if (tail_.len != 0) {  // the rest of a large packet block handed out from its head
    const Tail t = tail_;
    tail_ = {};
    if (skip(t.len, t.offset, swap_, t.done) == Step::stop) finish();
  }
  while (!done_) {
    switch (block(p)) {
      case Step::packet:
        return true;
      case Step::more:
        break;
      case Step::stop:
        finish();
        break;
    }
  }
  return false;
}

bool PcapngReader::plausible_length(uint32_t len, uint64_t offset) const {
  if (len < kMinBlock || len % 4 != 0) return false;
  if (len <= kMaxBlock) return true;
  return !src_.compressed() && offset + len <= src_.file_size();
}

PcapngReader::Step PcapngReader::block(RawPacket& p) {
  const uint64_t offset = src_.offset();
  const size_t have = src_.ensure(kBlockStart);
  if (have < kBlockStart) {
    if (have > 0) {
      report_.note(number_ + 1, offset,
                   "capture ends inside a block header (" + std::to_string(have) + " bytes)");
    }
    return Step::stop;
  }
  const uint8_t* b = src_.data();
  bool swap = swap_;
  const uint32_t type = load32(b, swap);
  if (type == kSectionHeader && !byte_order(b + 8, &swap)) {
    return resync(type, offset, "section header block with an unknown byte-order magic");
  }
  const uint32_t len = load32(b + 4, swap);
  if (!plausible_length(len, offset)) [[unlikely]] {
    return resync(type, offset,
                  block_name(type) + " with a length of " + std::to_string(len) +
                      " bytes, which is not plausible");
  }
  if (!parsed_in_place(type)) return skip(len, offset, swap, 0);  // NRB, ISB, DSB, custom, ...
  if (len > kMaxParsedBlock) [[unlikely]] {
    if (type == kEnhancedPacket || type == kObsoletePacket)
      return large_packet(type, len, offset, p);
    lose(type, offset, swap, "longer than " + std::to_string(kMaxParsedBlock) + " bytes");
    return skip(len, offset, swap, 0);
  }
  if (src_.ensure(len) < len) [[unlikely]] {
    const std::string what = block_name(type) + " truncated: " + std::to_string(src_.available()) +
                             " of " + std::to_string(len) + " bytes present";
    if (is_packet(type)) {
      report_.reject(++number_, offset, what);
    } else {
      report_.note(number_ + 1, offset, what);
    }
    return Step::stop;
  }
  b = src_.data();  // ensure() may have moved the buffer
  if (const uint32_t trailer = load32(b + len - 4, swap); trailer != len) [[unlikely]] {
    lose(type, offset, swap,
         "its trailing length " + std::to_string(trailer) + " differs from its length " +
             std::to_string(len));
    src_.consume(len);
    return Step::more;
  }
  switch (type) {
    case kEnhancedPacket:
    case kObsoletePacket:
      if (packet(b, len, type, offset, p)) return Step::packet;
      break;
    case kSimplePacket:
      if (simple_packet(b, len, offset, p)) return Step::packet;
      break;
    case kInterfaceDescription:
      interface(b, len, offset);
      break;
    case kSectionHeader:
      section(b, len, offset, swap);
      break;
  }
  src_.consume(len);
  return Step::more;
}

PcapngReader::Step PcapngReader::large_packet(uint32_t type, uint32_t len, uint64_t offset,
                                              RawPacket& p) {
  // A packet block above what we buffer whole, most of it options (a spec-valid block can be
  // up to 4 GiB): the packet is read from the head of the block when its bytes fit in the
  // buffer, and the rest is skipped on the next call, piece by piece.
  if (src_.ensure(kMinPacket - 4) < kMinPacket - 4) {
    report_.reject(++number_, offset, block_name(type) + " truncated in its header");
    return Step::stop;
  }
  const uint32_t caplen = load32(src_.data() + 20, swap_);
  const size_t head = kMinPacket - 4 + size_t(caplen);
  if (caplen > len - kMinPacket || head > kMaxParsedBlock) {
    lose(type, offset, swap_,
         "its packet is longer than " + std::to_string(kMaxParsedBlock) + " bytes");
    return skip(len, offset, swap_, 0);
  }
  if (src_.ensure(head) < head) {
    report_.reject(++number_, offset,
                   block_name(type) + " truncated: " + std::to_string(src_.available()) + " of " +
                       std::to_string(len) + " bytes present");
    return Step::stop;
  }
  if (!packet(src_.data(), len, type, offset, p)) return skip(len, offset, swap_, 0);
  pending_ = head;
  tail_ = {len, offset, head};
  return Step::packet;
}

PcapngReader::Step PcapngReader::resync(uint32_t type, uint64_t offset, const std::string& why) {
  // The block cannot be read, nor stepped over by its length: it is counted as lost, and the
  // next block is looked for at each 4-byte boundary after it (blocks are whole multiples of
  // 4 bytes), as one whose type is known and whose two lengths agree.
  report_.reject(is_packet(type) ? ++number_ : number_ + 1, offset, why);
  uint64_t skipped = 0;
  for (;;) {
    src_.consume(std::min<size_t>(4, src_.available()));
    skipped += 4;
    if (src_.ensure(kBlockStart) < kBlockStart) break;
    const uint8_t* b = src_.data();
    bool swap = swap_;
    const uint32_t t = load32(b, swap);
    if (t == kSectionHeader && !byte_order(b + 8, &swap)) continue;
    if (!is_known_block(t)) continue;
    const uint32_t len = load32(b + 4, swap);
    if (len < kMinBlock || len % 4 != 0 || len > kMaxParsedBlock) continue;
    if (src_.ensure(len) < len) continue;
    if (load32(src_.data() + len - 4, swap) != len) continue;
    report_.note(number_ + 1, src_.offset(),
                 "reading resumes with the " + block_name(t) + " " + std::to_string(skipped) +
                     " bytes on from the damaged block at offset " + std::to_string(offset));
    return Step::more;
  }
  report_.note(number_ + 1, offset,
               "no readable block after the damaged one at offset " + std::to_string(offset) +
                   "; reading stops");
  src_.consume(src_.available());
  return Step::stop;
}

PcapngReader::Step PcapngReader::skip(uint32_t len, uint64_t offset, bool swap, size_t done) {
  // Piece by piece: a skipped block may be larger than the read buffer.
  for (size_t left = len - 4 - done; left > 0;) {
    size_t have = src_.available();
    if (have == 0 && (have = src_.ensure(1)) == 0) {
      report_.note(number_ + 1, offset,
                   "capture ends inside a block of " + std::to_string(len) + " bytes");
      return Step::stop;
    }
    const size_t n = std::min(have, left);
    src_.consume(n);
    left -= n;
  }
  if (src_.ensure(4) < 4) {
    report_.note(number_ + 1, offset,
                 "capture ends inside a block of " + std::to_string(len) + " bytes");
    return Step::stop;
  }
  const uint32_t trailer = load32(src_.data(), swap);
  src_.consume(4);
  if (trailer != len) {
    report_.note(number_ + 1, offset,
                 "block of " + std::to_string(len) + " bytes with trailing length " +
                     std::to_string(trailer) + "; skipped");
  }
  return Step::more;
}

void PcapngReader::lose(uint32_t type, uint64_t offset, bool swap, const std::string& why) {
  // The block is stepped over; what it would have set up is kept as well as can be, so that
  // the blocks after it still read right.
  const std::string what = "damaged " + block_name(type) + " (" + why + "); skipped";
  switch (type) {
    case kSectionHeader:
      // Its byte-order magic was good: a new section starts, with no interfaces yet.
      swap_ = swap;
      interfaces_.clear();
      report_.note(number_ + 1, offset, what);
      break;
    case kInterfaceDescription:
      // A placeholder keeps the indices of the later interfaces right.
      interfaces_.emplace_back();
      report_.note(number_ + 1, offset,
                   what + "; packets of interface " + std::to_string(interfaces_.size() - 1) +
                       " are rejected");
      break;
    default:
      if (is_packet(type)) {
        report_.reject(++number_, offset, what);
      } else {
        report_.note(number_ + 1, offset, what);
      }
      break;
  }
}

void PcapngReader::section(const uint8_t* b, uint32_t len, uint64_t offset, bool swap) {
  swap_ = swap;
  interfaces_.clear();
  if (len < kMinSectionHeader) {
    report_.note(number_ + 1, offset,
                 "section header block of " + std::to_string(len) + " bytes is too short");
    return;
  }
  const uint16_t major = load16(b + 12, swap), minor = load16(b + 14, swap);
  if (major != 1) {
    report_.note(number_ + 1, offset,
                 "pcapng version " + std::to_string(major) + "." + std::to_string(minor) +
                     " (expected 1.x); read as 1.0");
  }
}

void PcapngReader::interface(const uint8_t* b, uint32_t len, uint64_t offset) {
  Interface& i = interfaces_.emplace_back();
  if (len < kMinInterface) {
    report_.note(number_ + 1, offset,
                 "interface description block of " + std::to_string(len) +
                     " bytes is too short; packets of interface " +
                     std::to_string(interfaces_.size() - 1) + " are rejected");
    return;
  }
  i.usable = true;
  i.linktype = load16(b + 8, swap_);
  i.snaplen = load32(b + 12, swap_);
  const size_t end = len - 4;
  for (size_t pos = 16; pos + 4 <= end;) {
    const uint16_t code = load16(b + pos, swap_), olen = load16(b + pos + 2, swap_);
    if (code == kOptEnd) break;
    if (pos + 4 + olen > end) {
      report_.note(number_ + 1, offset,
                   "interface description block: option " + std::to_string(code) +
                       " runs past the block; later options ignored");
      break;
    }
    if (code == kOptTsresol && olen >= 1) {
      i.set_resolution(b[pos + 4]);
    } else if (code == kOptTsoffset && olen >= 8) {
      i.offset_seconds = double(int64_t(load64(b + pos + 4, swap_)));
    }
    pos += 4 + ((size_t(olen) + 3) & ~size_t(3));
  }
}

const PcapngReader::Interface* PcapngReader::interface_for(uint32_t iface, uint64_t number,
                                                           uint64_t offset) {
  if (iface < interfaces_.size()) [[likely]] {
    if (interfaces_[iface].usable) [[likely]]
      return &interfaces_[iface];
    report_.reject(number, offset,
                   "packet " + std::to_string(number) + " is for interface " +
                       std::to_string(iface) + ", whose description block was damaged");
    return nullptr;
  }
  report_.reject(number, offset,
                 "packet " + std::to_string(number) + " is for interface " + std::to_string(iface) +
                     ", which its section does not declare (" + std::to_string(interfaces_.size()) +
                     " interfaces)");
  return nullptr;
}

bool PcapngReader::packet(const uint8_t* b, uint32_t len, uint32_t type, uint64_t offset,
                          RawPacket& p) {
  const uint64_t number = ++number_;
  if (len < kMinPacket) [[unlikely]] {
    report_.reject(number, offset,
                   block_name(type) + " of " + std::to_string(len) + " bytes is too short");
    return false;
  }
  // The obsolete packet block has a 16-bit interface and a drop count where the enhanced one
  // has a 32-bit interface; the rest is laid out alike.
  const uint32_t iface = type == kEnhancedPacket ? load32(b + 8, swap_) : load16(b + 8, swap_);
  const Interface* i = interface_for(iface, number, offset);
  if (i == nullptr) return false;
  const uint32_t caplen = load32(b + 20, swap_), wirelen = load32(b + 24, swap_);
  if (caplen > len - kMinPacket) [[unlikely]] {
    report_.reject(number, offset,
                   "packet " + std::to_string(number) + ": captured length " +
                       std::to_string(caplen) + " does not fit its block of " +
                       std::to_string(len) + " bytes");
    return false;
  }
  last_ts_ = i->seconds(uint64_t(load32(b + 12, swap_)) << 32 | load32(b + 16, swap_));
  fill(p, number, offset, b + 28, caplen, wirelen, iface);
  p.linktype = i->linktype;
  pending_ = len;
  return true;
}

bool PcapngReader::simple_packet(const uint8_t* b, uint32_t len, uint64_t offset, RawPacket& p) {
  const uint64_t number = ++number_;
  if (len < kMinSimplePacket) [[unlikely]] {
    report_.reject(number, offset,
                   "simple packet block of " + std::to_string(len) + " bytes is too short");
    return false;
  }
  const Interface* i = interface_for(0, number, offset);  // always interface 0
  if (i == nullptr) return false;
  // No captured length is stored: it is the wire length, cut to the block and the snaplen.
  const uint32_t wirelen = load32(b + 8, swap_);
  uint32_t caplen = std::min(wirelen, len - kMinSimplePacket);
  if (i->snaplen != 0) caplen = std::min(caplen, i->snaplen);
  fill(p, number, offset, b + 12, caplen, wirelen, 0);  // no time of its own: last_ts_
  p.linktype = i->linktype;
  pending_ = len;
  return true;
}

void PcapngReader::fill(RawPacket& p, uint64_t number, uint64_t offset, const uint8_t* data,
                        uint32_t caplen, uint32_t wirelen, uint32_t iface) {
  if (wirelen < caplen) [[unlikely]] {
    // Used anyway, as the bytes are there; only the first is named so that a file full of them
    // does not crowd out other problems.
    if (longer_than_wire_++ == 0) {
      report_.note(number, offset,
                   "packet " + std::to_string(number) + ": captured length " +
                       std::to_string(caplen) + " above wire length " + std::to_string(wirelen) +
                       "; wire length taken as " + std::to_string(caplen));
    }
    wirelen = caplen;
  }
  p.ts = last_ts_;
  p.caplen = caplen;
  p.wirelen = wirelen;
  p.interface = iface;
  p.number = number;
  p.offset = offset;
  p.data = data;
}

void PcapngReader::finish() {
  done_ = true;
  if (longer_than_wire_ > 1) {
    report_.note(0, 0,
                 std::to_string(longer_than_wire_) +
                     " packets in all had a captured length above their wire length");
  }
}

}  // namespace callhome
