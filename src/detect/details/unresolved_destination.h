// What an unresolved destination finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/address.h"

namespace callhome {

struct UnresolvedDestinationDetails {
  Address dst;
  uint16_t dst_port = 0;
  uint8_t proto = 0;  // IP protocol number, written as its name
  uint64_t connections = 0;
  uint64_t answered = 0;    // connections the destination answered
  uint64_t failed = 0;      // connections refused, unanswered or blocked
  size_t visits = 0;        // bursts of connections, split by gaps of 5 min or more (visit_gap_s)
  double span_s = 0;        // first to last connection start, rounded to 1 ms
  uint64_t http_posts = 0;  // HTTP POSTs to the bare address
  uint64_t bare_ip_requests = 0;  // HTTP requests naming only the bare address
  uint64_t host_dns_answers = 0;  // DNS answers to the host's own queries
  double host_named_share = 0;  // share of the host's destinations names explain, rounded to 0.001
  std::optional<std::string> service;  // the port's registered service
  std::optional<std::string> dst_org;  // who holds dst
};

void to_json(nlohmann::json& out, const UnresolvedDestinationDetails& d);

}  // namespace callhome
