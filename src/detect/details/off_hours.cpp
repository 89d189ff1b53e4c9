#include "detect/details/off_hours.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const OffHoursDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
