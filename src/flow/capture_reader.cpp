// Streaming pcap and pcapng reading (interim implementation: the full reader replaces it).
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "flow/capture_reader.h"

namespace callhome {
namespace {
uint32_t rd32(const uint8_t* p, bool swap) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return swap ? __builtin_bswap32(v) : v;
}
uint16_t rd16(const uint8_t* p, bool swap) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return swap ? __builtin_bswap16(v) : v;
}

class Pcap : public CaptureReader {
 public:
  Pcap(ByteSource& s, InputReport& r, bool swap, bool nano, uint32_t lt)
      : src_(s), rep_(r), swap_(swap), nano_(nano), lt_(lt) {}
  const char* format_name() const override { return "pcap"; }
  bool next(RawPacket& p) override {
    if (src_.ensure(16) < 16) {
      if (src_.available()) rep_.note(n_ + 1, src_.offset(), "truncated record header");
      return false;
    }
    const uint8_t* h = src_.data();
    uint32_t sec = rd32(h, swap_), frac = rd32(h + 4, swap_), cap = rd32(h + 8, swap_),
             wire = rd32(h + 12, swap_);
    if (cap > 262144) {
      rep_.note(n_ + 1, src_.offset(), "absurd caplen");
      return false;
    }
    if (src_.ensure(16 + cap) < 16 + cap) {
      rep_.note(n_ + 1, src_.offset(), "truncated packet");
      return false;
    }
    p.offset = src_.offset();
    src_.consume(16);
    p.ts = double(sec) + double(frac) / (nano_ ? 1e9 : 1e6);
    p.caplen = cap;
    p.wirelen = wire < cap ? cap : wire;
    p.linktype = lt_;
    p.number = ++n_;
    buf_.assign(src_.data(), src_.data() + cap);
    src_.consume(cap);
    p.data = buf_.data();
    return true;
  }
  ByteSource& src_;
  InputReport& rep_;
  bool swap_, nano_;
  uint32_t lt_;
  uint64_t n_ = 0;
  std::basic_string<uint8_t> buf_;
};

class Pcapng : public CaptureReader {
 public:
  Pcapng(ByteSource& s, InputReport& r) : src_(s), rep_(r) {}
  const char* format_name() const override { return "pcapng"; }
  struct If {
    uint32_t lt;
    double res;
  };
  bool next(RawPacket& p) override {
    for (;;) {
      if (src_.ensure(12) < 12) return false;
      const uint8_t* h = src_.data();
      uint32_t type = rd32(h, false);
      if (type == 0x0a0d0d0a) {
        uint32_t bom;
        std::memcpy(&bom, h + 8, 4);
        swap_ = bom != 0x1a2b3c4d;
        ifs_.clear();
      }
      type = rd32(h, swap_);
      uint32_t len = rd32(h + 4, swap_);
      if (len < 12 || len % 4 || len > (64u << 20)) {
        rep_.note(n_ + 1, src_.offset(), "bad block length");
        return false;
      }
      if (src_.ensure(len) < len) {
        rep_.note(n_ + 1, src_.offset(), "truncated block");
        return false;
      }
      h = src_.data();
      uint64_t off = src_.offset();
      if (type == 1 && len >= 20) {
        If f{rd16(h + 8, swap_), 1e-6};
        size_t pos = 16;
        while (pos + 4 <= len - 4) {
          uint16_t code = rd16(h + pos, swap_), olen = rd16(h + pos + 2, swap_);
          if (code == 0) break;
          if (code == 9 && olen >= 1) {
            uint8_t r = h[pos + 4];
            f.res = (r & 0x80) ? std::ldexp(1.0, -(r & 0x7f)) : std::pow(10.0, -double(r));
          }
          pos += 4 + ((olen + 3u) & ~3u);
        }
        ifs_.push_back(f);
      } else if ((type == 6 || type == 2) && len >= 32) {
        uint32_t iface = type == 6 ? rd32(h + 8, swap_) : rd16(h + 8, swap_);
        uint64_t ts = (uint64_t(rd32(h + 12, swap_)) << 32) | rd32(h + 16, swap_);
        uint32_t cap = rd32(h + 20, swap_), wire = rd32(h + 24, swap_);
        if (iface >= ifs_.size() || 28 + cap > len) {
          rep_.reject(n_ + 1, off, "bad packet block");
          ++n_;
          src_.consume(len);
          continue;
        }
        buf_.assign(h + 28, h + 28 + cap);
        p.ts = double(ts) * ifs_[iface].res;
        p.caplen = cap;
        p.wirelen = wire;
        p.linktype = ifs_[iface].lt;
        p.interface = iface;
        p.offset = off;
        p.number = ++n_;
        p.data = buf_.data();
        src_.consume(len);
        return true;
      } else if (type == 3 && len >= 16 && !ifs_.empty()) {
        uint32_t wire = rd32(h + 8, swap_);
        uint32_t cap = std::min<uint32_t>(wire, len - 16);
        buf_.assign(h + 12, h + 12 + cap);
        p.ts = last_ts_;
        p.caplen = cap;
        p.wirelen = wire;
        p.linktype = ifs_[0].lt;
        p.offset = off;
        p.number = ++n_;
        p.data = buf_.data();
        src_.consume(len);
        return true;
      }
      src_.consume(len);
    }
  }
  ByteSource& src_;
  InputReport& rep_;
  bool swap_ = false;
  std::vector<If> ifs_;
  uint64_t n_ = 0;
  double last_ts_ = 0;
  std::basic_string<uint8_t> buf_;
};
}  // namespace

bool CaptureReader::sniff(const uint8_t* d, size_t n) {
  if (n < 4) return false;
  uint32_t m;
  std::memcpy(&m, d, 4);
  return m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1 ||
         m == 0x0a0d0d0a;
}

std::unique_ptr<CaptureReader> CaptureReader::open(ByteSource& src, InputReport& report,
                                                   std::string* error) {
  if (src.ensure(24) < 4) {
    *error = "not a capture file";
    return nullptr;
  }
  uint32_t m;
  std::memcpy(&m, src.data(), 4);
  if (m == 0x0a0d0d0a) return std::make_unique<Pcapng>(src, report);
  bool swap = m == 0xd4c3b2a1 || m == 0x4d3cb2a1;
  bool nano = m == 0xa1b23c4d || m == 0x4d3cb2a1;
  if (!swap && m != 0xa1b2c3d4 && !nano) {
    *error = "not a capture file";
    return nullptr;
  }
  if (src.available() < 24) {
    *error = "pcap header truncated";
    return nullptr;
  }
  uint32_t lt = rd32(src.data() + 20, swap) & 0x0fffffff;
  src.consume(24);
  return std::make_unique<Pcap>(src, report, swap, nano, lt);
}

}  // namespace callhome
