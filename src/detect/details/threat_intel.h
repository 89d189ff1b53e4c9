// What a threat_intel finding records: an indicator on one of the analyst's threat-intelligence
// lists that an internal host contacted or looked up. The findings document writes these as
// "attributes"; the host profile reads the fields (contacted: the host made or attempted a
// connection or request to it; otherwise it only looked the name up or got it in an answer).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "detect/indicator_type.h"

namespace callhome {

struct ThreatIntelDetails {
  enum class Matched : uint8_t { address, name };

  std::string indicator;  // as the matcher writes it: "203.0.113.7", "evil.example" ...
  IndicatorType indicator_type = IndicatorType::address;
  Matched matched = Matched::address;  // what the indicator matched: an address or a name
  std::string list;                    // the list that names it (its path)
  uint32_t list_line = 0;              // and the line
  bool contacted = false;              // a connection or request was made or attempted
  uint64_t hits = 0;                   // events that matched
  uint64_t connections = 0;            // connections to listed addresses (or a listed name's)
  uint64_t answered = 0, blocked = 0;  // of those connections
  uint64_t requests = 0;               // HTTP or proxy requests, TLS SNI and Host names naming it
  uint64_t lookups = 0;                // DNS queries or answers naming it
  std::vector<std::string> destinations;  // addresses (with port) contacted or resolved, capped
  std::vector<std::string> names;         // names seen that matched, capped
  std::vector<std::string> seen_in;  // connection, dns_query, dns_answer, http_host, proxy, tls_sni
  double first_seen = 0, last_seen = 0;
  uint64_t not_kept = 0;  // destinations or names beyond the caps
};

const char* to_string(ThreatIntelDetails::Matched m);

void to_json(nlohmann::json& out, const ThreatIntelDetails& d);

}  // namespace callhome
