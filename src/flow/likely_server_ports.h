// Zeek's likely_server_ports: the ports by which Zeek guesses who the originator is when a
// connection's first packet does not say (no SYN, a SYN-ACK, UDP). What the set holds depends on
// how Zeek ran: every analyzer script loaded adds the server ports it registers, so `zeek -b`
// with few scripts loaded has far fewer than a default run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callhome {

class LikelyServerPorts {
 public:
  // The ports of the analyzers of Zeek's default (non-bare) configuration.
  static LikelyServerPorts defaults();
  // Parses `none` (the empty set), `default`, or a comma list of PORT/tcp and PORT/udp items,
  // e.g. "80/tcp,53/udp"; an item may also be `default`, so "default,40190/udp" is Zeek's
  // `redef likely_server_ports += { 40190/udp }`. Empty items and other protocols are errors
  // (set in `error`).
  static std::optional<LikelyServerPorts> parse(std::string_view list, std::string& error);

  LikelyServerPorts() = default;  // empty
  void add(uint16_t port, uint8_t ip_proto);
  bool contains(uint16_t port, uint8_t ip_proto) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<uint32_t> keys_;  // (ip_proto << 16) | port, sorted, unique
};

}  // namespace callhome
