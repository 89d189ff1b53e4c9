#include "detect/details/strobe.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const StrobeDetails& d) {
  out = {{"dst", d.dst},
         {"beacon_type", to_string(d.beacon_type)},
         {"connections", d.connections},
         {"per_second", d.per_second}};
}

}  // namespace callhome
