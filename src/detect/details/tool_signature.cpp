#include "detect/details/tool_signature.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const ToolSignatureDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
