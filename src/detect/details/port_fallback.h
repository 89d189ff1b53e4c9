// What a port fallback finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/address.h"

namespace callhome {

struct PortFallbackDetails {
  Address dst;
  std::vector<uint16_t> ports;             // in the order tried
  std::optional<uint16_t> succeeded_port;  // the later port that worked; none (null) if none did
  size_t attempts = 0;
};

void to_json(nlohmann::json& out, const PortFallbackDetails& d);

}  // namespace callhome
