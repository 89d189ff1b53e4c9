#include "core/address.h"

#include <arpa/inet.h>

namespace callhome {
std::optional<Address> Address::parse(std::string_view text) {
  if (text.empty() || text.size() > 63) return std::nullopt;
  if (text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  if (text.find(':') == std::string_view::npos) {
    // Dotted quads, and host names on every name a log carries: no copy, no inet_pton.
    if (Address a; parse_v4(text, a)) return a;
    return std::nullopt;
  }
  // inet_pton stops at a NUL, which would let "::1<NUL>junk" through.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
  return v6_bytes(raw);
}

bool Address::parse_v4(std::string_view s, Address& out) {
  if (s.size() < 7 || s.size() > 15) return false;
  const char* p = s.data();
  const char* const end = p + s.size();
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    // One to three digits; unsigned arithmetic makes "is a digit" one compare.
    uint32_t octet = uint8_t(*p - '0');  // p < end: the separator check below guarantees it
    if (octet > 9) return false;
    ++p;
    uint32_t d;
    if (p != end && (d = uint8_t(*p - '0')) <= 9) {
      octet = octet * 10 + d;
      ++p;
      if (p != end && (d = uint8_t(*p - '0')) <= 9) {
        octet = octet * 10 + d;
        ++p;
      }
    }
    if (octet > 255) return false;
    value = value << 8 | octet;
    if (part < 3) {
      if (p + 1 >= end || *p != '.') return false;  // a dot and at least one more character
      ++p;
    }
  }
  if (p != end) return false;
  out = v4(value);
  return true;
}

std::string Address::to_string() const {
  char buf[kMaxText];
  return std::string(buf, format(buf));
}

size_t Address::format(char* out) const {
  static_assert(kMaxText >= INET6_ADDRSTRLEN);
  if (!is_v4()) {
    inet_ntop(AF_INET6, bytes_.data(), out, kMaxText);
    return std::strlen(out);
  }
  char* p = out;
  for (int i = 12; i < 16; ++i) {
    unsigned v = bytes_[i];
    if (v >= 100) *p++ = char('0' + v / 100);
    if (v >= 10) *p++ = char('0' + v / 10 % 10);
    *p++ = char('0' + v % 10);
    if (i < 15) *p++ = '.';
  }
  return size_t(p - out);
}

}  // namespace callhome
