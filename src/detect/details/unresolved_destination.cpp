#include "detect/details/unresolved_destination.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const UnresolvedDestinationDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
