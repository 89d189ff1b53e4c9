#include "detect/details/sequential_ports.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const SequentialPortsDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
