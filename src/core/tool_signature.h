// One way an attack or scanning tool gives itself away in what it sends (data/tools.tsv). Plain
// data, so that enrichment can load the list and detectors can match it without knowing files.
#pragma once

#include <cstdint>
#include <string>

namespace callhome {

struct ToolSignature {
  enum class Field : uint8_t { user_agent, path };
  std::string pattern;  // user_agent: a substring, any case; path: a prefix, exact case
  Field field = Field::user_agent;
  std::string tool;      // "Nmap"
  std::string category;  // scanner, exploit, bruteforce
  std::string source;    // where the signature comes from
};

}  // namespace callhome
