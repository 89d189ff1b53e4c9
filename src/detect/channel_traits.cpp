#include "detect/channel_traits.h"

#include <fmt/format.h>

namespace callhome {

bool is_local_scope(const Address& a) {
  const auto& b = a.bytes();
  if (a.is_v4()) {
    const uint8_t x = b[12];
    return x == 0 || x == 127 || x >= 224 || (x == 169 && b[13] == 254);
  }
  static const Address loopback = *Address::parse("::1");
  return b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || a == loopback;
}

bool is_big_platform(std::string_view c) {
  return c == "cdn" || c == "cloud" || c == "os_vendor" || c == "social" || c == "streaming" ||
         c == "cloud_storage" || c == "code_hosting" || c == "content" || c == "update_service" ||
         c == "antivirus" || c == "ddos_protection";
}

bool is_resolver_or_time(const PortInfo& port) {
  return port.category == "dns" || port.category == "time";
}

bool is_web_like(uint16_t port, const PortInfo& info) {
  if (!info.category.empty()) {
    return info.category == "web" || info.category == "proxy" || info.category == "commonly_abused";
  }
  return port == 80 || port == 443 || port == 8080 || port == 8443 || port == 8000 || port == 8888;
}

std::string endpoint_text(const Address& a, uint16_t port) {
  return a.is_v4() ? fmt::format("{}:{}", a.to_string(), port)
                   : fmt::format("[{}]:{}", a.to_string(), port);
}

std::string bytes_text(uint64_t b) {
  if (b >= 1'000'000) return fmt::format("{:.1f} MB", double(b) / 1e6);
  if (b >= 1'000) return fmt::format("{:.1f} kB", double(b) / 1e3);
  return fmt::format("{} B", b);
}

std::string elapsed_text(double s) {
  if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
  if (s >= 120) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.0f} s", s);
}

}  // namespace callhome
