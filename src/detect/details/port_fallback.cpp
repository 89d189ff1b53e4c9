#include "detect/details/port_fallback.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const PortFallbackDetails& d) {
  out = {{"dst", d.dst.to_string()},
         {"ports", d.ports},
         {"succeeded_port",
          d.succeeded_port ? nlohmann::json(*d.succeeded_port) : nlohmann::json(nullptr)},
         {"attempts", d.attempts}};
}

}  // namespace callhome
