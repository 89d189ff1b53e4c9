#include "detect/details/inbound_attack.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const InboundAttackDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
