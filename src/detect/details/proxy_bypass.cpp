#include "detect/details/proxy_bypass.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const ProxyBypassDetails& d) {
  nlohmann::json sample = nlohmann::json::array();
  for (const Address& t : d.sample_targets) sample.push_back(t.to_string());
  out = {{"ports", d.ports},
         {"destinations", d.destinations},
         {"more_destinations", d.more_destinations},
         {"sample_targets", sample},
         {"attempts", d.attempts},
         {"blocked", d.blocked},
         {"uses_proxy_too", d.uses_proxy_too},
         {"dst_orgs", d.dst_orgs}};
}

}  // namespace callhome
