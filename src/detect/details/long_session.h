// What a long session finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"

namespace callhome {

struct LongSessionDetails {
  Address dst;
  uint16_t dst_port = 0;
  uint8_t proto = 0;  // IP protocol number, written as its name
  uint64_t connections = 0;
  double total_duration_s = 0;  // summed over the connections, rounded to 1 ms
  double longest_s = 0;         // rounded to 1 ms
  uint64_t orig_bytes = 0, resp_bytes = 0;
  double upload_ratio = 0;  // orig_bytes / resp_bytes (at least 1), rounded to 0.01
  uint64_t resets = 0;      // connections the server ended with a reset
  bool bulk_upload = false;
  bool long_lived = false;
  std::optional<std::string> service;                 // the port's registered service
  std::optional<std::string> dst_org;                 // who holds dst
  std::optional<std::vector<std::string>> dst_names;  // names seen for dst, at most 3
};

void to_json(nlohmann::json& out, const LongSessionDetails& d);

}  // namespace callhome
