#include "detect/details/flood.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const FloodDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
