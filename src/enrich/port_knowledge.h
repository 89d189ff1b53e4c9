// What a port is used for, from data/ports.tsv (the single source of truth: every entry names
// its source). Case 1 turned on learning that tcp/1214 is FastTrack (KaZaA, Morpheus); the
// analysis must know such things without a web search.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/result.h"

namespace callhome {

struct PortEntry {
  uint16_t first = 0, last = 0;  // inclusive range
  uint8_t ip_proto = 0;          // kProtoTcp, kProtoUdp, or 0 for both
  std::string service;           // "fasttrack"
  std::string application;       // "KaZaA, Morpheus, Grokster"
  std::string category;          // p2p, web, proxy, remote_access, commonly_abused ...
  std::string description;
  std::string source;  // "IANA service-names registry", "CASES.md Case 1" ...
};

class PortKnowledge {
 public:
  // Columns: port or first-last, proto (tcp/udp/both), service, application, category,
  // description, source.
  static Result<PortKnowledge> load(const std::string& path);
  static Result<PortKnowledge> parse(std::string_view text, std::string_view name);

  // The most specific entry for the port: a narrower range beats a wider one, a protocol-
  // specific entry beats a "both" entry. Null for unknown ports and non-TCP/UDP protocols.
  const PortEntry* lookup(uint16_t port, uint8_t ip_proto) const;

  const std::vector<PortEntry>& entries() const { return entries_; }

 private:
  std::vector<PortEntry> entries_;
  // Per port, 1 + index of the winning entry (0 = none), for TCP and UDP: an O(1) lookup for
  // 256 KiB, built once.
  std::vector<uint16_t> tcp_, udp_;
};

}  // namespace callhome
