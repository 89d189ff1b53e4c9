#include "core/network.h"

#include <algorithm>
#include <charconv>

namespace callhome {
Address mask_prefix(const Address& a, int bits) {
  auto b = a.bytes();
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(bits - i * 8, 0, 8);
    b[i] &= uint8_t(0xff00 >> keep);
  }
  return Address::v6_bytes(b.data());
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = Address::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int family_bits = addr->is_v4() ? 32 : 128;
  int bits = family_bits;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (ec != std::errc() || end != digits.data() + digits.size() || bits < 0 ||
        bits > family_bits) {
      return std::nullopt;
    }
  }
  if (addr->is_v4()) bits += 96;
  return Cidr{mask_prefix(*addr, bits), bits};
}

bool Cidr::contains(const Address& a) const {
  // Two masked 64-bit compares: this runs for every connection record (local_orig/resp).
  const auto prefix_mask = [](int n) -> uint64_t {
    return n <= 0 ? 0 : n >= 64 ? ~uint64_t(0) : ~uint64_t(0) << (64 - n);
  };
  return (a.high() & prefix_mask(bits)) == base.high() &&
         (a.low() & prefix_mask(bits - 64)) == base.low();
}

std::string Cidr::to_string() const {
  int native = base.is_v4() && bits >= 96 ? bits - 96 : bits;
  return base.to_string() + "/" + std::to_string(native);
}

NetworkSet NetworkSet::private_ranges() {
  NetworkSet s;
  for (const char* c : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}) {
    s.add(*Cidr::parse(c));
  }
  return s;
}

bool NetworkSet::contains(const Address& a) const {
  for (const auto& c : cidrs_) {
    if (c.contains(a)) return true;
  }
  return false;
}

}  // namespace callhome
