// What a dns tunnel finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "detect/dns_name_shape.h"

namespace callhome {

struct DnsTunnelRcodes {
  uint64_t nxdomain = 0, servfail = 0, unanswered = 0;  // queries
};

// Of the distinct addresses answered to data-carrying queries, how many the host connected to.
struct DnsTunnelAnswersContacted {
  size_t answers = 0;
  size_t contacted = 0;
};

struct DnsTunnelDetails {
  std::string domain;  // the registrable domain the names are under
  uint64_t queries = 0;
  uint64_t unique_names = 0;                    // distinct names (estimated when not exact)
  bool unique_names_exact = false;              // unique_names is an exact count
  uint64_t encoded_names = 0;                   // distinct names whose labels carry encoded data
  double encoded_share = 0;                     // encoded_names / unique_names, rounded to 0.01
  std::map<LabelEncoding, uint64_t> encodings;  // data-carrying queries per encoding
  size_t max_label_len = 0;
  size_t max_data_label_len = 0;        // the longest encoded label
  std::map<uint16_t, uint64_t> qtypes;  // queries per record type
  DnsTunnelRcodes rcodes;
  std::optional<Address> resolver;   // the server asked most; written "" when none
  std::vector<Address> resolvers;    // the servers asked (the first 8), in address order
  std::optional<double> interval_s;  // spacing of the data queries when they keep a schedule,
                                     // rounded to 0.01; null otherwise
  double duration_s = 0;             // first to last query, rounded to 0.01
  // Null when the input has no connections of the host to tell.
  std::optional<DnsTunnelAnswersContacted> answers_contacted;
  std::vector<std::string> sibling_domains;  // other tunnel-shaped domains of the host, at most 10
  std::vector<std::string> reasons;          // what raised the severity
};

void to_json(nlohmann::json& out, const DnsTunnelDetails& d);

}  // namespace callhome
