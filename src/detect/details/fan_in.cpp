#include "detect/details/fan_in.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const FanInDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
