#include "detect/details/flood.h"

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {

void to_json(nlohmann::json& out, const FloodDetails& d) {
  nlohmann::json protocols = nlohmann::json::array();
  for (uint8_t p : d.protocols) protocols.push_back(transport_name(p));
  out = {{"dst", d.dst.to_string()},   {"packets", d.packets},  {"pps", d.pps},
         {"replies", d.replies},       {"bytes", d.bytes},      {"connections", d.connections},
         {"duration_s", d.duration_s}, {"protocols", protocols}};
}

}  // namespace callhome
