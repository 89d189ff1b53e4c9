#include "fingerprint/icmp_echo.h"

#include <algorithm>

namespace callhome {
namespace {

// Bytes from `from` on count up with their offset (mod 256), as the Unix pings fill them.
bool counts_up_from(std::span<const uint8_t> d, size_t from) {
  if (d.size() <= from) return false;
  for (size_t i = from; i < d.size(); ++i) {
    if (d[i] != uint8_t(i)) return false;
  }
  return true;
}

bool windows_alphabet(std::span<const uint8_t> d) {
  if (d.empty()) return false;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] != uint8_t('a' + i % 23)) return false;  // a..w, then again
  }
  return true;
}

// An IPv4 header at the start: version 4, a sane header and total length, ICMP/TCP/UDP inside.
bool carries_ipv4(std::span<const uint8_t> d) {
  if (d.size() < 20 || (d[0] >> 4) != 4) return false;
  const size_t header = size_t(d[0] & 15) * 4, total = size_t(d[2]) << 8 | d[3];
  const uint8_t proto = d[9];
  return header >= 20 && total >= header && total <= d.size() &&
         (proto == 1 || proto == 6 || proto == 17);
}

}  // namespace

IcmpEchoClass classify_icmp_echo(std::span<const uint8_t> d, uint32_t wire_len, uint8_t code) {
  if (wire_len == 0) return {IcmpEchoOrigin::no_payload, "no data"};
  if (d.empty()) return {IcmpEchoOrigin::crafted, "data not captured"};
  if (std::all_of(d.begin(), d.end(), [](uint8_t b) { return b == 0; })) {
    if (wire_len == 64) return {IcmpEchoOrigin::windows_tracert, "64 zero bytes"};
    if ((wire_len == 120 && code == 9) || wire_len == 150) {
      return {IcmpEchoOrigin::nmap_os_probe, "nmap's IE probe: zero bytes of its fixed size"};
    }
    return {IcmpEchoOrigin::zero_filled, "zero bytes"};
  }
  if (windows_alphabet(d)) return {IcmpEchoOrigin::windows_ping, "abcdefghijklmnopqrstuvw..."};
  // An 8-byte timestamp then 0x08, 0x09 ...; a 16-byte one then 0x10 ... (checked second: the
  // first pattern also holds from byte 16 on).
  if (counts_up_from(d, 8)) return {IcmpEchoOrigin::bsd_ping, "8-byte timestamp, then 0x08.."};
  if (counts_up_from(d, 16)) return {IcmpEchoOrigin::linux_ping, "16-byte timestamp, then 0x10.."};
  if (carries_ipv4(d)) {
    return {IcmpEchoOrigin::crafted, "carries what looks like an IPv4 packet (a tunnel?)"};
  }
  if (std::all_of(d.begin(), d.end(), [&](uint8_t b) { return b == d[0]; })) {
    return {IcmpEchoOrigin::crafted, "one byte repeated"};
  }
  if (std::all_of(d.begin(), d.end(), [](uint8_t b) { return b >= 0x20 && b < 0x7f; })) {
    return {IcmpEchoOrigin::crafted, "printable text"};
  }
  return {IcmpEchoOrigin::crafted, "no known ping program's pattern"};
}

std::string_view to_string(IcmpEchoOrigin o) {
  switch (o) {
    case IcmpEchoOrigin::windows_ping:
      return "windows_ping";
    case IcmpEchoOrigin::linux_ping:
      return "linux_ping";
    case IcmpEchoOrigin::bsd_ping:
      return "bsd_ping";
    case IcmpEchoOrigin::windows_tracert:
      return "windows_tracert";
    case IcmpEchoOrigin::nmap_os_probe:
      return "nmap_os_probe";
    case IcmpEchoOrigin::no_payload:
      return "no_payload";
    case IcmpEchoOrigin::zero_filled:
      return "zero_filled";
    case IcmpEchoOrigin::crafted:
      return "crafted";
  }
  return "crafted";
}

std::string_view describe(IcmpEchoOrigin o) {
  switch (o) {
    case IcmpEchoOrigin::windows_ping:
      return "Windows ping";
    case IcmpEchoOrigin::linux_ping:
      return "Linux ping (iputils, 64-bit)";
    case IcmpEchoOrigin::bsd_ping:
      return "macOS/BSD ping (or a 32-bit Linux ping)";
    case IcmpEchoOrigin::windows_tracert:
      return "Windows tracert";
    case IcmpEchoOrigin::nmap_os_probe:
      return "nmap OS detection probe";
    case IcmpEchoOrigin::no_payload:
      return "no data: nmap host discovery or hping3's default";
    case IcmpEchoOrigin::zero_filled:
      return "zero-filled data: hping3 -d or a device's probe";
    case IcmpEchoOrigin::crafted:
      return "crafted by an application";
  }
  return "";
}

}  // namespace callhome
