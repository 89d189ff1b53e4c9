#include "detect/details/ids_alert.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const IdsAlertDetails& d) {
  nlohmann::json peers = nlohmann::json::object();
  for (const auto& [peer, n] : d.peers) peers[peer.to_string()] = n;
  out = {{"signature", d.signature},
         {"sid", d.sid},
         {"gid", d.gid},
         {"classification", d.classification},
         {"priority", d.priority},
         {"alerts", d.alerts},
         {"blocked", d.blocked},
         {"peers", peers},
         {"direction", to_string(d.direction)}};
}

}  // namespace callhome
