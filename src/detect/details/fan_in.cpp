#include "detect/details/fan_in.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const FanInDetails& d) {
  nlohmann::json hosts = nlohmann::json::array();
  for (const Address& h : d.host_list) hosts.push_back(h.to_string());
  nlohmann::json sample = nlohmann::json::array();
  for (const Address& t : d.sample_targets) sample.push_back(t.to_string());
  out = {{"org", d.org},
         {"port", d.port},
         {"hosts", d.host_list.size()},
         {"host_list", hosts},
         {"attempts", d.attempts},
         {"sample_targets", sample},
         {"outcome_unknown", d.outcome_unknown}};
}

}  // namespace callhome
