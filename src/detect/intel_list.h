// Threat-intelligence lists as people and feeds write them: one indicator a line, '#' (or ';',
// as Spamhaus DROP writes) starting a comment, blank lines ignored. This is the format of
// RITA's custom threat-intel files ("one IP or domain per line", anchors.md 1.3) and of
// abuse.ch's plain blocklists (Feodo Tracker's ipblocklist.txt). An indicator is
//   - an address:           203.0.113.7, 2001:db8::7
//   - a network:            198.51.100.0/24, 2001:db8:40::/48 (no broader than /8, /16 for IPv6)
//   - an address and port:  203.0.113.7:8080, [2001:db8::7]:443 (matches that port only)
//   - a domain:             evil.example (matches evil.example and every name under it); a
//                           leading "*." or "." is read as the same thing.
// Only the first field of a line is read: what follows a space, tab, ',' or ';' is a comment
// (Spamhaus "1.10.16.0/20 ; SBL256894", Zeek intel's type and source columns, CSV with the
// indicator first). A line that is none of these (a URL, a single label or public suffix such as
// "com" or "co.uk", which would match whole top-level domains, a broader network, a malformed
// address) is a bad line: counted and reported with its number, never fatal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/network.h"
#include "detect/indicator_type.h"

namespace callhome {

struct Indicator {
  IndicatorType type = IndicatorType::address;
  Cidr net;            // address (a host route) or network; address_port: the address
  uint16_t port = 0;   // address_port only
  std::string domain;  // domain only: lower case, without a trailing dot
};

// The indicator on one line, or why the line is not one. Comments and blank lines give neither:
// std::monostate.
using IntelLine = std::variant<std::monostate, Indicator, std::string>;
IntelLine parse_intel_line(std::string_view line);

struct IntelBadLine {
  uint32_t line = 0;
  std::string why;   // "not an address, network or domain"
  std::string text;  // the line, trimmed and cut to 80 bytes
};

struct IntelListStats {
  uint64_t lines = 0, indicators = 0, bad_lines = 0;
  std::vector<IntelBadLine> bad;  // the first kMaxBadKept
  static constexpr size_t kMaxBadKept = 10;
};

using IntelAdd = std::function<void(Indicator&&, uint32_t line)>;

// Reads a list that arrives in pieces split anywhere (a file read in blocks), calling `add` for
// every indicator with its 1-based line number and counting the rest. A line longer than
// kMaxLine is a bad line, and memory stays at one line whatever the file holds.
class IntelListParser {
 public:
  static constexpr size_t kMaxLine = 4096;
  explicit IntelListParser(IntelAdd add) : add_(std::move(add)) {}
  void feed(std::string_view bytes);
  IntelListStats finish();

 private:
  void line(std::string_view text);

  IntelAdd add_;
  std::string partial_;
  bool overlong_ = false, started_ = false;
  uint32_t number_ = 0;
  IntelListStats stats_;
};

// A whole list at once.
IntelListStats parse_intel_list(std::string_view text, const IntelAdd& add);

}  // namespace callhome
