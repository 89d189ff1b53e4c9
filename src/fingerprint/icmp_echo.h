// Who wrote an ICMP echo request, from its data: each ping program fills the data its own way,
// so the bytes name the program (and so the OS) or say that an application made its own.
//
//   Windows ping      "abcdefghijklmnopqrstuvw" repeated (32 bytes by default)
//   Linux ping        a 16-byte timeval, then bytes counting up from 0x10 (iputils, 56 bytes)
//   macOS/BSD ping    an 8-byte timeval, then bytes counting up from 0x08 (56 bytes)
//   Windows tracert   64 zero bytes
//   nmap -O           120 zero bytes with ICMP code 9, or 150 zero bytes (its IE1/IE2 probes)
//   no data           nmap's host discovery (-PE) and hping3's default send none
//   zero-filled       other all-zero data (hping3 -d N, many network devices' probes)
//   crafted           anything else: an application building its own (Case 1's P2P client)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace callhome {

enum class IcmpEchoOrigin : uint8_t {
  windows_ping,
  linux_ping,
  bsd_ping,
  windows_tracert,
  nmap_os_probe,
  no_payload,
  zero_filled,
  crafted,
};

struct IcmpEchoClass {
  IcmpEchoOrigin origin = IcmpEchoOrigin::crafted;
  const char* detail = "";  // why: "carries an IPv4 packet (a tunnel?)", "timestamp matches" ...
};

// `data` is the echo data as captured (after the 8-byte ICMP header), `wire_len` its length on
// the wire (larger when the capture was cut short), `code` the ICMP code.
IcmpEchoClass classify_icmp_echo(std::span<const uint8_t> data, uint32_t wire_len, uint8_t code);

// "windows_ping", "linux_ping", ...: the name used in reports and JSON.
std::string_view to_string(IcmpEchoOrigin o);
// What an analyst reads: "Windows ping", "nmap OS detection probe" ...
std::string_view describe(IcmpEchoOrigin o);

}  // namespace callhome
