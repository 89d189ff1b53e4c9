// What a dga finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace callhome {

// The letter pattern the group's names share (detect/dns_name_shape.h, dga_tag).
enum class DgaPattern : uint8_t {
  alternating,  // strictly alternating consonants and vowels (Simda's vopygat)
  random,       // random-looking strings
};

struct DgaDetails {
  size_t domains = 0;           // distinct domains in the group
  bool domains_capped = false;  // more came than are remembered: domains is a lower bound
  uint64_t nxdomain = 0;        // queries answered NXDOMAIN
  uint64_t queries = 0;
  std::vector<std::string> sample;  // the first distinct domains, at most 10
  std::string tld;
  DgaPattern pattern = DgaPattern::alternating;
  // alternating: the names' letters; random: their length rounded down to a multiple of 4.
  size_t pattern_length = 0;
  std::vector<std::string> other_groups;  // other groups big enough to report, "tld/tag"
};

// The pattern in words: "7 letters alternating consonant/vowel", "random strings of 8+ characters".
std::string pattern_text(const DgaDetails& d);

void to_json(nlohmann::json& out, const DgaDetails& d);

}  // namespace callhome
