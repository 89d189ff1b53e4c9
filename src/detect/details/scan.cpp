#include "detect/details/scan.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const ScanDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
