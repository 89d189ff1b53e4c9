// What a proxy bypass finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"

namespace callhome {

struct ProxyBypassDetails {
  std::vector<uint16_t> ports;          // web ports tried directly, ascending
  size_t destinations = 0;              // distinct addresses tried (counted up to a bound)
  bool more_destinations = false;       // more addresses than counted
  std::vector<Address> sample_targets;  // up to 20
  uint64_t attempts = 0;
  uint64_t blocked = 0;
  bool uses_proxy_too = false;        // the host also goes through the proxy
  std::vector<std::string> dst_orgs;  // owners of the destinations, where known
};

void to_json(nlohmann::json& out, const ProxyBypassDetails& d);

}  // namespace callhome
