#include "detect/details/dga.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace callhome {

std::string pattern_text(const DgaDetails& d) {
  return d.pattern == DgaPattern::alternating
             ? fmt::format("{} letters alternating consonant/vowel", d.pattern_length)
             : fmt::format("random strings of {}+ characters", d.pattern_length);
}

void to_json(nlohmann::json& out, const DgaDetails& d) {
  out = {{"domains", d.domains},       {"domains_capped", d.domains_capped},
         {"nxdomain", d.nxdomain},     {"queries", d.queries},
         {"sample", d.sample},         {"tld", d.tld},
         {"pattern", pattern_text(d)}, {"other_groups", d.other_groups}};
}

}  // namespace callhome
