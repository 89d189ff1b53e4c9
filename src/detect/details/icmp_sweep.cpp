#include "detect/details/icmp_sweep.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const IcmpSweepDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
