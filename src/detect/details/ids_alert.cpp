#include "detect/details/ids_alert.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const IdsAlertDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
