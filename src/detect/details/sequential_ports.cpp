#include "detect/details/sequential_ports.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const SequentialPortsDetails& d) {
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& r : d.runs) {
    runs.push_back({{"first_port", r.first_port},
                    {"last_port", r.last_port},
                    {"start_ts", r.start_ts},
                    {"end_ts", r.end_ts}});
  }
  out = {{"attempts", d.attempts},
         {"max_run", d.max_run},
         {"runs", runs},
         {"destinations", d.destinations},
         {"dst_ports", d.dst_ports},
         {"outcome_unknown", d.outcome_unknown}};
}

}  // namespace callhome
