// pcap and pcapng read straight out of the ByteSource buffer: a packet's bytes are handed out
// in place and consumed on the next call, so the hot loop copies nothing.
#include "flow/capture_reader.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace callhome {
namespace {

constexpr uint32_t kPcapMicro = 0xa1b2c3d4, kPcapNano = 0xa1b23c4d, kPcapngShb = 0x0a0d0d0a,
                   kByteOrderMagic = 0x1a2b3c4d;
constexpr uint32_t kMaxPacket = 262144;   // libpcap's MAXIMUM_SNAPLEN
constexpr uint32_t kMaxBlock = 64 << 20;  // a pcapng block larger than this is damage

uint32_t load32(const uint8_t* p, bool swap) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}
uint16_t load16(const uint8_t* p, bool swap) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return swap ? __builtin_bswap16(v) : v;
}

class PcapReader : public CaptureReader {
 public:
  PcapReader(ByteSource& src, InputReport& report, bool swap, bool nano, uint32_t linktype)
      : src_(src), report_(report), swap_(swap), scale_(nano ? 1e-9 : 1e-6), linktype_(linktype) {}
  const char* format_name() const override { return "pcap"; }

  bool next(RawPacket& p) override {
    src_.consume(pending_);
    pending_ = 0;
    const size_t have = src_.ensure(16);
    if (have < 16) {
      if (have > 0)
        report_.note(number_ + 1, src_.offset(), "capture truncated inside a record header");
      return false;
    }
    const uint8_t* h = src_.data();
    const uint32_t sec = load32(h, swap_), frac = load32(h + 4, swap_);
    uint32_t caplen = load32(h + 8, swap_), wirelen = load32(h + 12, swap_);
    if (caplen > kMaxPacket) {
      // Without a sane length there is no way to find the next record.
      report_.reject(
          number_ + 1, src_.offset(),
          "record length " + std::to_string(caplen) + " is not plausible; reading stops");
      return false;
    }
    if (src_.ensure(16 + size_t(caplen)) < 16 + size_t(caplen)) {
      report_.reject(number_ + 1, src_.offset(), "capture truncated inside a packet");
      return false;
    }
    if (wirelen < caplen) wirelen = caplen;
    p.offset = src_.offset();
    p.number = ++number_;
    p.ts = double(sec) + double(frac) * scale_;
    p.caplen = caplen;
    p.wirelen = wirelen;
    p.linktype = linktype_;
    p.interface = 0;
    p.data = src_.data() + 16;
    pending_ = 16 + size_t(caplen);
    return true;
  }

 private:
  ByteSource& src_;
  InputReport& report_;
  bool swap_;
  double scale_;
  uint32_t linktype_;
  uint64_t number_ = 0;
  size_t pending_ = 0;
};

class PcapngReader : public CaptureReader {
 public:
  PcapngReader(ByteSource& src, InputReport& report) : src_(src), report_(report) {}
  const char* format_name() const override { return "pcapng"; }

  bool next(RawPacket& p) override {
    src_.consume(pending_);
    pending_ = 0;
    for (;;) {
      const size_t have = src_.ensure(12);
      if (have < 12) {
        if (have > 0)
          report_.note(number_ + 1, src_.offset(), "capture truncated inside a block header");
        return false;
      }
      const uint8_t* h = src_.data();
      uint32_t raw_type;
      std::memcpy(&raw_type, h, 4);
      if (raw_type == kPcapngShb) {  // a new section may switch byte order
        uint32_t bom;
        std::memcpy(&bom, h + 8, 4);
        if (bom == kByteOrderMagic) {
          swap_ = false;
        } else if (bom == __builtin_bswap32(kByteOrderMagic)) {
          swap_ = true;
        } else {
          report_.reject(number_ + 1, src_.offset(), "section header with an unknown byte order");
          return false;
        }
        interfaces_.clear();
      }
      const uint32_t type = load32(h, swap_), len = load32(h + 4, swap_);
      if (len < 12 || len % 4 != 0 || len > kMaxBlock) {
        report_.reject(number_ + 1, src_.offset(),
                       "block length " + std::to_string(len) + " is not plausible; reading stops");
        return false;
      }
      if (src_.ensure(len) < len) {
        report_.reject(number_ + 1, src_.offset(), "capture truncated inside a block");
        return false;
      }
      h = src_.data();
      if (load32(h + len - 4, swap_) != len) {
        report_.note(number_ + 1, src_.offset(), "block trailer length differs; block skipped");
        src_.consume(len);
        continue;
      }
      switch (type) {
        case 1:
          interface(h, len);
          break;
        case 6:  // enhanced packet block
        case 2:  // obsolete packet block
          if (packet(h, len, type, p)) return true;
          break;
        case 3:  // simple packet block: interface 0, no timestamp
          if (simple_packet(h, len, p)) return true;
          break;
        default:
          break;  // name resolution, statistics, secrets, custom: nothing for us
      }
      src_.consume(len);
    }
  }

 private:
  struct Interface {
    uint32_t linktype = 0;
    uint32_t snaplen = 0;
    double units_per_second = 1e6;
    int64_t offset_seconds = 0;
  };

  void interface(const uint8_t* h, uint32_t len) {
    if (len < 20) {
      report_.note(number_ + 1, src_.offset(), "interface block too short");
      return;
    }
    Interface i;
    i.linktype = load16(h + 8, swap_);
    i.snaplen = load32(h + 12, swap_);
    for (size_t pos = 16; pos + 4 <= len - 4;) {
      const uint16_t code = load16(h + pos, swap_), olen = load16(h + pos + 2, swap_);
      if (code == 0 || pos + 4 + olen > len - 4) break;
      if (code == 9 && olen >= 1) {  // if_tsresol: power of ten, or of two with the top bit
        const uint8_t r = h[pos + 4];
        i.units_per_second = (r & 0x80) ? std::ldexp(1.0, r & 0x7f) : std::pow(10.0, r);
      } else if (code == 14 && olen >= 8) {  // if_tsoffset, seconds
        if (swap_) {
          uint64_t v;
          std::memcpy(&v, h + pos + 4, 8);
          i.offset_seconds = int64_t(__builtin_bswap64(v));
        } else {
          std::memcpy(&i.offset_seconds, h + pos + 4, 8);
        }
      }
      pos += 4 + ((size_t(olen) + 3) & ~size_t(3));
    }
    interfaces_.push_back(i);
  }

  bool packet(const uint8_t* h, uint32_t len, uint32_t type, RawPacket& p) {
    const uint64_t off = src_.offset();
    if (len < 32) {
      report_.reject(++number_, off, "packet block too short");
      return false;
    }
    const uint32_t iface = type == 6 ? load32(h + 8, swap_) : load16(h + 8, swap_);
    const uint64_t ts = uint64_t(load32(h + 12, swap_)) << 32 | load32(h + 16, swap_);
    const uint32_t caplen = load32(h + 20, swap_);
    uint32_t wirelen = load32(h + 24, swap_);
    if (iface >= interfaces_.size()) {
      report_.reject(++number_, off, "packet for an undeclared interface " + std::to_string(iface));
      return false;
    }
    if (caplen > len - 32) {
      report_.reject(++number_, off, "packet longer than its block");
      return false;
    }
    const Interface& i = interfaces_[iface];
    // Whole seconds and the fraction separately: nanosecond stamps overflow a double's
    // precision when multiplied as one number.
    const uint64_t units = uint64_t(i.units_per_second);
    const double seconds = units ? double(ts / units) + double(ts % units) / i.units_per_second
                                 : double(ts) / i.units_per_second;
    last_ts_ = seconds + double(i.offset_seconds);
    fill(p, off, h + 28, caplen, std::max(wirelen, caplen), i.linktype, iface);
    pending_ = len;
    return true;
  }

  bool simple_packet(const uint8_t* h, uint32_t len, RawPacket& p) {
    const uint64_t off = src_.offset();
    if (interfaces_.empty()) {
      report_.reject(++number_, off, "simple packet block before any interface");
      return false;
    }
    const uint32_t wirelen = load32(h + 8, swap_);
    uint32_t caplen = std::min<uint32_t>(wirelen, len - 16);
    if (interfaces_[0].snaplen) caplen = std::min(caplen, interfaces_[0].snaplen);
    fill(p, off, h + 12, caplen, std::max(wirelen, caplen), interfaces_[0].linktype, 0);
    pending_ = len;
    return true;
  }

  void fill(RawPacket& p, uint64_t off, const uint8_t* data, uint32_t caplen, uint32_t wirelen,
            uint32_t linktype, uint32_t iface) {
    p.offset = off;
    p.number = ++number_;
    p.ts = last_ts_;  // simple packet blocks carry none: they inherit the previous time
    p.caplen = caplen;
    p.wirelen = wirelen;
    p.linktype = linktype;
    p.interface = iface;
    p.data = data;
  }

  ByteSource& src_;
  InputReport& report_;
  bool swap_ = false;
  std::vector<Interface> interfaces_;
  uint64_t number_ = 0;
  size_t pending_ = 0;
  double last_ts_ = 0;
};

}  // namespace

bool CaptureReader::sniff(const uint8_t* data, size_t size) {
  if (size < 4) return false;
  uint32_t m;
  std::memcpy(&m, data, 4);
  return m == kPcapMicro || m == kPcapNano || m == __builtin_bswap32(kPcapMicro) ||
         m == __builtin_bswap32(kPcapNano) || m == kPcapngShb;
}

std::unique_ptr<CaptureReader> CaptureReader::open(ByteSource& src, InputReport& report,
                                                   std::string* error) {
  if (src.ensure(24) < 4 || !sniff(src.data(), src.available())) {
    *error = "not a pcap or pcapng file";
    return nullptr;
  }
  uint32_t m;
  std::memcpy(&m, src.data(), 4);
  if (m == kPcapngShb) return std::make_unique<PcapngReader>(src, report);
  if (src.available() < 24) {
    *error = "pcap file header truncated";
    return nullptr;
  }
  const bool swap = m == __builtin_bswap32(kPcapMicro) || m == __builtin_bswap32(kPcapNano);
  const bool nano = m == kPcapNano || m == __builtin_bswap32(kPcapNano);
  // The upper bits of the link type field carry FCS information, not the type.
  const uint32_t linktype = load32(src.data() + 20, swap) & 0x0fffffff;
  src.consume(24);
  return std::make_unique<PcapReader>(src, report, swap, nano, linktype);
}

}  // namespace callhome
