#include "detect/details/strobe.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const StrobeDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
