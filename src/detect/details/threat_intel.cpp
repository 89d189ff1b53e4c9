#include "detect/details/threat_intel.h"

#include <nlohmann/json.hpp>

namespace callhome {

const char* to_string(ThreatIntelDetails::Matched m) {
  return m == ThreatIntelDetails::Matched::name ? "name" : "address";
}

void to_json(nlohmann::json& out, const ThreatIntelDetails& d) {
  out = {{"indicator", d.indicator},
         {"indicator_type", to_string(d.indicator_type)},
         {"matched", to_string(d.matched)},
         {"list", d.list},
         {"list_line", d.list_line},
         {"contacted", d.contacted},
         {"hits", d.hits},
         {"connections", d.connections},
         {"answered", d.answered},
         {"blocked", d.blocked},
         {"requests", d.requests},
         {"lookups", d.lookups},
         {"destinations", d.destinations},
         {"names", d.names},
         {"seen_in", d.seen_in},
         {"first_seen", d.first_seen},
         {"last_seen", d.last_seen}};
  if (d.not_kept) out["not_kept"] = d.not_kept;
}

}  // namespace callhome
