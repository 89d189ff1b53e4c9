#include "detect/details/icmp_sweep.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const IcmpSweepDetails& d) {
  out = {{"targets", d.targets},
         {"packets", d.packets},
         {"replies", d.replies},
         {"external", d.external}};
}

}  // namespace callhome
