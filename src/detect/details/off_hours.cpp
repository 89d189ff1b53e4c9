#include "detect/details/off_hours.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const OffHoursDetails& d) {
  out = {{"connections", d.connections}, {"window", d.window}};
}

}  // namespace callhome
