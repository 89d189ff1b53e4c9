#include "detect/details/proxy_bypass.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const ProxyBypassDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
