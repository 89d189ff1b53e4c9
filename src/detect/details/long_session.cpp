#include "detect/details/long_session.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const LongSessionDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
