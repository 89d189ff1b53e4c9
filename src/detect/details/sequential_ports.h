// What a sequential source ports finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace callhome {

struct SequentialPortsDetails {
  // One run of attempts whose source port rose by one each time.
  struct Run {
    uint16_t first_port = 0, last_port = 0;
    double start_ts = 0, end_ts = 0;
  };
  size_t attempts = 0;  // source ports in all runs
  size_t max_run = 0;   // the longest run, in ports
  std::vector<Run> runs;
  size_t destinations = 0;          // distinct destination addresses
  std::vector<uint16_t> dst_ports;  // ascending
  size_t outcome_unknown = 0;       // attempts whose log records no verdict
};

void to_json(nlohmann::json& out, const SequentialPortsDetails& d);

}  // namespace callhome
