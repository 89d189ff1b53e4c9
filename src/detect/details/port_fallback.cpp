#include "detect/details/port_fallback.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const PortFallbackDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
