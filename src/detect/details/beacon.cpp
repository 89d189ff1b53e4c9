#include "detect/details/beacon.h"

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {

const char* to_string(BeaconType t) {
  switch (t) {
    case BeaconType::sni:
      return "sni";
    case BeaconType::net:
      return "net";
    case BeaconType::ip:
      break;
  }
  return "ip";
}

namespace {

nlohmann::json address_list(const std::vector<Address>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const Address& x : v) a.push_back(x.to_string());
  return a;
}

}  // namespace

void to_json(nlohmann::json& out, const BeaconDetails& d) {
  out = {{"dst", d.dst},
         {"beacon_type", to_string(d.beacon_type)},
         {"interval_s", d.interval_s},
         {"interval_median_s", d.interval_median_s},
         {"jitter_s", d.jitter_s},
         {"connections", d.connections},
         {"unique_timestamps", d.unique_timestamps},
         {"score", d.score},
         {"ts_score", d.ts_score},
         {"ds_score", d.ds_score},
         {"hist_score", d.hist_score},
         {"dur_score", d.dur_score},
         {"threat_score", d.threat_score},
         {"retry_loop", d.retry_loop},
         {"failed", d.failed},
         {"blocked", d.blocked},
         {"total_connections", d.total_connections},
         {"window_start", d.window_start},
         {"window_end", d.window_end},
         {"sessions", d.sessions},
         {"hourly", d.hourly},
         {"ports", d.ports}};
  if (d.proto) out["proto"] = transport_name(*d.proto);
  if (d.dst_port) out["dst_port"] = *d.dst_port;
  if (d.proxy) out["proxy"] = *d.proxy;
  if (d.addresses) {
    out["addresses"] = *d.addresses;
    out["sample_targets"] = address_list(d.sample_targets);
  }
  if (!d.servers.empty()) out["servers"] = address_list(d.servers);
  if (d.bursts) {
    const BeaconBursts& b = *d.bursts;
    out["bursts"] = b.count;
    out["burst_size"] = b.size_median;
    out["burst_interval_s"] = b.interval_median_s;
    out["burst_size_range"] = {b.size_q1, b.size_q3};
    out["burst_interval_range_s"] = {b.interval_q1_s, b.interval_q3_s};
  }
  if (d.known_service) out["known_service"] = *d.known_service;
  if (d.hosts_sharing) out["hosts_sharing"] = *d.hosts_sharing;
  if (d.part_of_scan) out["part_of_scan"] = true;
}

}  // namespace callhome
