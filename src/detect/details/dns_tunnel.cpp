#include "detect/details/dns_tunnel.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const DnsTunnelDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
