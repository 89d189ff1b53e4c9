#include "flow/likely_server_ports.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/connection.h"

namespace callhome {
namespace {

// From the register_for_ports calls of Zeek's base protocol scripts (DNS, HTTP, FTP, SSH, SMTP,
// POP3, IMAP, SSL/TLS, SOCKS, IRC, RDP, SMB, Kerberos, LDAP, MySQL, SIP, SNMP, Syslog, NTP, DHCP,
// RADIUS, tunnels, XMPP, MQTT, Modbus, DNP3, QUIC ...).
constexpr std::array<uint16_t, 63> kTcp = {
    21,   22,   23,   25,   53,   80,   81,   88,   110,  135,  139,   143,  389,  443,  445,  502,
    563,  585,  587,  614,  631,  636,  989,  990,  992,  993,  995,   1080, 1433, 1812, 1813, 2811,
    3128, 3268, 3306, 3389, 4444, 5060, 5222, 5223, 5269, 5432, 5900,  5901, 5902, 5903, 5904, 5905,
    6379, 6666, 6667, 6668, 6669, 8000, 8080, 8443, 8888, 1883, 20000, 2049, 111,  464,  749};
constexpr std::array<uint16_t, 27> kUdp = {53,   67,   69,   88,   111,  123,  137,  138,  161,
                                           162,  443,  500,  514,  1812, 1813, 2049, 2123, 2152,
                                           3544, 4500, 4789, 5060, 5072, 5353, 5355, 6081, 20000};

uint32_t key(uint16_t port, uint8_t ip_proto) {
  return uint32_t(ip_proto) << 16 | port;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

LikelyServerPorts LikelyServerPorts::defaults() {
  LikelyServerPorts p;
  for (uint16_t port : kTcp) p.add(port, kProtoTcp);
  for (uint16_t port : kUdp) p.add(port, kProtoUdp);
  return p;
}

std::optional<LikelyServerPorts> LikelyServerPorts::parse(std::string_view list,
                                                          std::string& error) {
  LikelyServerPorts out;
  if (trim(list) == "none") return out;
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (item == "default") {
      for (uint32_t k : defaults().keys_) out.add(uint16_t(k & 0xffff), uint8_t(k >> 16));
    } else {
      const size_t slash = item.find('/');
      const std::string_view number = item.substr(0, slash);
      const std::string_view proto = slash == item.npos ? "" : item.substr(slash + 1);
      uint16_t port = 0;
      const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), port);
      if (number.empty() || ec != std::errc{} || end != number.data() + number.size() ||
          (proto != "tcp" && proto != "udp")) {
        error = "'" + std::string(item) +
                "' is not PORT/tcp, PORT/udp or default (the list is none, default, or items "
                "such as 80/tcp,53/udp separated by commas)";
        return std::nullopt;
      }
      out.add(port, proto == "tcp" ? kProtoTcp : kProtoUdp);
    }
    if (comma == list.npos) return out;
    list.remove_prefix(comma + 1);
  }
}

void LikelyServerPorts::add(uint16_t port, uint8_t ip_proto) {
  const uint32_t k = key(port, ip_proto);
  const auto at = std::lower_bound(keys_.begin(), keys_.end(), k);
  if (at == keys_.end() || *at != k) keys_.insert(at, k);
}

bool LikelyServerPorts::contains(uint16_t port, uint8_t ip_proto) const {
  return std::binary_search(keys_.begin(), keys_.end(), key(port, ip_proto));
}

}  // namespace callhome
