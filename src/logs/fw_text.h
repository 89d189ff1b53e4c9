// Small text helpers shared by the firewall-log readers (iptables, filterlog, ASA, Windows
// Firewall, delimited tables). Everything works on string_views into the line buffer: these run
// once or more per log line, so they neither allocate nor use locales or regex.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

#include "core/address.h"
#include "core/connection.h"

namespace callhome::fw {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t';
}
inline char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c + 32) : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The whole of `s` as an unsigned decimal number that fits T. A plain digit loop: these are
// short fields (ports, lengths) and from_chars' generality costs more than the digits do.
template <typename T>
bool parse_uint(std::string_view s, T& out) {
  static_assert(std::is_unsigned_v<T>);
  // Only twenty digits can overflow 64 bits, and only above UINT64_MAX's own twenty: one
  // comparison up front instead of a check per digit.
  if (s.empty() || s.size() > 20 || (s.size() == 20 && s > "18446744073709551615")) return false;
  uint64_t v = 0;
  for (char c : s) {
    const unsigned d = unsigned(uint8_t(c)) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (v > std::numeric_limits<T>::max()) return false;
  out = T(v);
  return true;
}

// The decimal digits at the start of `s` (at least one), leaving `s` just past them.
template <typename T>
bool take_uint(std::string_view& s, T& out) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0 || !parse_uint(s.substr(0, n), out)) return false;
  s.remove_prefix(n);
  return true;
}

// Where the token starting at `i` ends (the next space, or the end). Eight bytes at a time:
// a field value is short, but a byte loop still costs four instructions a byte.
inline size_t token_end(std::string_view s, size_t i) {
  while (i + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t x = w ^ 0x2020202020202020ull;  // spaces become zero bytes
    const uint64_t zero = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
    if (zero) return i + size_t(__builtin_ctzll(zero) >> 3);  // the first one (little endian)
    i += 8;
  }
  while (i < s.size() && s[i] != ' ') ++i;
  return i;
}

// IPv4 (fast path) or any IPv6 text form.
inline bool parse_ip(std::string_view s, Address& out) {
  if (Address::parse_v4(s, out)) return true;
  if (s.size() < 2 || s.find(':') == std::string_view::npos) return false;
  auto a = Address::parse(s);
  if (!a) return false;
  out = *a;
  return true;
}

// IP protocol number from the names firewalls print (case-insensitive) or from a number;
// -1 when neither.
inline int proto_from_name(std::string_view s) {
  if (s.empty()) return -1;
  if (is_digit(s.front())) {
    unsigned n = 0;
    return parse_uint(s, n) && n <= 255 ? int(n) : -1;
  }
  struct Name {
    std::string_view name;
    int number;
  };
  static constexpr Name kNames[] = {
      {"tcp", kProtoTcp},
      {"udp", kProtoUdp},
      {"icmp", kProtoIcmp},
      {"icmpv6", kProtoIcmp6},
      {"ipv6-icmp", kProtoIcmp6},
      {"icmp6", kProtoIcmp6},
      {"igmp", 2},
      {"ipip", 4},
      {"ipencap", 4},
      {"ipv4", 4},
      {"ipv6", 41},
      {"gre", 47},
      {"esp", 50},
      {"ah", 51},
      {"ospf", 89},
      {"ospfigp", 89},
      {"pim", 103},
      {"vrrp", 112},
      {"carp", 112},
      {"sctp", 132},
      {"udplite", 136},
      {"l2tp", 115},
  };
  for (const auto& n : kNames) {
    if (iequals(s, n.name)) return n.number;
  }
  return -1;
}

// Zeek's conn_id for ICMP: the type in orig_p and, in resp_p, the type that answers it (echo
// request 8 -> 0) or, for messages nothing answers, the code. Same table as the capture path.
inline void icmp_ports(bool v6, unsigned type, unsigned code, uint16_t& orig_p, uint16_t& resp_p) {
  int counterpart = -1;
  if (!v6) {
    switch (type) {
      case 8:
        counterpart = 0;
        break;
      case 0:
        counterpart = 8;
        break;
      case 13:
        counterpart = 14;
        break;
      case 14:
        counterpart = 13;
        break;
      case 15:
        counterpart = 16;
        break;
      case 16:
        counterpart = 15;
        break;
      case 10:
        counterpart = 9;
        break;
      case 9:
        counterpart = 10;
        break;
      case 17:
        counterpart = 18;
        break;
      case 18:
        counterpart = 17;
        break;
    }
  } else {
    switch (type) {
      case 128:
        counterpart = 129;
        break;
      case 129:
        counterpart = 128;
        break;
      case 133:
        counterpart = 134;
        break;
      case 134:
        counterpart = 133;
        break;
      case 135:
        counterpart = 136;
        break;
      case 136:
        counterpart = 135;
        break;
      case 130:
        counterpart = 131;
        break;
      case 131:
        counterpart = 130;
        break;
      case 139:
        counterpart = 140;
        break;
      case 140:
        counterpart = 139;
        break;
      case 144:
        counterpart = 145;
        break;
      case 145:
        counterpart = 144;
        break;
    }
  }
  orig_p = uint16_t(type);
  resp_p = counterpart < 0 ? uint16_t(code) : uint16_t(counterpart);
}

inline bool is_icmp(uint8_t proto) {
  return proto == kProtoIcmp || proto == kProtoIcmp6;
}

// The verdict a word names: "DROP", "denied", "Block", "REJECT", "pass", "ACCEPT" ... Words that
// name neither (LOG, AUDIT, INVALID) are unknown.
inline Action action_from_word(std::string_view w) {
  if (w.size() < 3 || w.size() > 9) return Action::unknown;
  char b[9];
  for (size_t i = 0; i < w.size(); ++i) b[i] = lower(w[i]);
  const std::string_view k(b, w.size());
  switch (k[0]) {  // one letter narrows the candidates to three or four
    case 'a':
      if (k == "accept" || k == "accepted" || k == "acc" || k == "allow" || k == "allowed") {
        return Action::allowed;
      }
      break;
    case 'b':
      if (k == "block" || k == "blocked") return Action::blocked;
      break;
    case 'd':
      if (k == "drop" || k == "dropped" || k == "deny" || k == "denied" || k == "discard" ||
          k == "discarded") {
        return Action::blocked;
      }
      break;
    case 'o':
      if (k == "open") return Action::allowed;
      break;
    case 'p':
      if (k == "pass" || k == "passed" || k == "permit" || k == "permitted") {
        return Action::allowed;
      }
      break;
    case 'r':
      if (k == "reject" || k == "rejected") return Action::blocked;
      break;
  }
  return Action::unknown;
}

// Zeek history letters for the one TCP packet a firewall line describes, as seen from the
// originator (its sender): SYN "S", SYN+ACK "H", RST "R", FIN "F", anything else with ACK "A".
inline std::string_view tcp_history(bool syn, bool ack, bool fin, bool rst) {
  if (rst) return "R";
  if (syn) return ack ? "H" : "S";
  if (fin) return "F";
  return ack ? "A" : "";
}

// A fresh Connection from one log line: the fields every firewall record shares.
inline Connection line_connection(uint32_t input, uint64_t line) {
  Connection c;
  c.first = c.last = Provenance{input, line};
  return c;
}

}  // namespace callhome::fw
