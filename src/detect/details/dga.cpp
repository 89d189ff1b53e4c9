#include "detect/details/dga.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const DgaDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
