#include "detect/details/tool_signature.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const ToolSignatureDetails& d) {
  out = {{"tool", d.tool},
         {"category", d.category},
         {"requests", d.requests},
         {"matched", d.matched},
         {"signature", d.signature},
         {"signature_source", d.signature_source},
         {"dsts", d.dsts},
         {"more_dsts", d.more_dsts},
         {"dst_port", d.dst_port ? nlohmann::json(*d.dst_port) : nullptr},
         {"dst_ports", d.dst_ports},
         {"sample_paths", d.sample_paths}};
}

}  // namespace callhome
