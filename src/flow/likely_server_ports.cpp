#include "flow/likely_server_ports.h"

#include <algorithm>
#include <array>

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

template <size_t N>
bool contains(const std::array<uint16_t, N>& ports, uint16_t port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

}  // namespace

bool is_likely_server_port(uint16_t port, uint8_t ip_proto) {
  if (ip_proto == kProtoTcp) return contains(kTcp, port);
  if (ip_proto == kProtoUdp) return contains(kUdp, port);
  return false;
}

}  // namespace callhome
