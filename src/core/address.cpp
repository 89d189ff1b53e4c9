#include "core/address.h"

#include <arpa/inet.h>

namespace callhome {
namespace {

// Dotted quad as glibc's inet_pton accepts it (four decimal parts of at most 255, no leading
// zeros), without the copy to a C string: logs carry an address or two on every line.
bool parse_dotted_quad(std::string_view text, uint8_t out[4]) {
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    const size_t start = i;
    unsigned value = 0;
    while (i < text.size() && i - start < 3 && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + unsigned(text[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
    out[part] = uint8_t(value);
  }
  return i == text.size();
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text) {
  if (text.empty() || text.size() > 63) return std::nullopt;
  if (uint8_t quad[4]; text.front() != '[' && parse_dotted_quad(text, quad)) return v4_bytes(quad);
  if (text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (auto pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, raw) != 1) return std::nullopt;
    return v4_bytes(raw);
  }
  if (inet_pton(AF_INET6, buf, raw) != 1) return std::nullopt;
  return v6_bytes(raw);
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
