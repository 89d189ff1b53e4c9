#include "detect/details/beacon.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const BeaconDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
