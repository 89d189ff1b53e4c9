// What a tool signature finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callhome {

struct ToolSignatureDetails {
  std::string tool;      // "Nmap"
  std::string category;  // data/tools.tsv: scanner, exploit, bruteforce
  uint64_t requests = 0;
  std::string matched;               // the User-Agent (or path) that named the tool, first seen
  std::string signature;             // the data/tools.tsv pattern it matched
  std::string signature_source;      // where the signature comes from
  std::vector<std::string> dsts;     // addresses (or host names) requested, at most 20, sorted
  uint64_t more_dsts = 0;            // requests to destinations beyond the list
  std::optional<uint16_t> dst_port;  // the port most requests went to; null when none known
  std::vector<uint16_t> dst_ports;   // at most 20, ascending
  std::vector<std::string> sample_paths;  // distinct paths requested, the first 10
};

void to_json(nlohmann::json& out, const ToolSignatureDetails& d);

}  // namespace callhome
