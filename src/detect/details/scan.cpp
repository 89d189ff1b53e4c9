#include "detect/details/scan.h"

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {

const char* to_string(ScanShape s) {
  switch (s) {
    case ScanShape::horizontal:
      return "horizontal";
    case ScanShape::vertical:
      return "vertical";
    case ScanShape::block:
      return "block";
  }
  return "horizontal";
}

const char* to_string(TrwVerdict v) {
  switch (v) {
    case TrwVerdict::undecided:
      return "undecided";
    case TrwVerdict::scanner:
      return "scanner";
    case TrwVerdict::benign:
      return "benign";
  }
  return "undecided";
}

const char* scan_proto_name(uint8_t proto) {
  return proto == 0 ? "ip" : transport_name(proto);
}

void to_json(nlohmann::json& out, const ScanDetails& d) {
  out = {{"scan_type", to_string(d.scan_type)},
         {"proto", scan_proto_name(d.proto)},
         {"port", d.port ? nlohmann::json(*d.port) : nlohmann::json(nullptr)},
         {"ports", d.ports},
         {"targets", d.targets},
         {"attempts", d.attempts},
         {"packets", d.packets},
         {"duration_s", d.duration_s},
         {"answered", d.answered},
         {"probe", to_string(d.probe)},
         {"closed", d.closed},
         {"filtered", d.filtered},
         {"unanswered", d.unanswered}};
  if (d.networks) out["networks"] = *d.networks;
  if (d.trw) out["trw"] = to_string(*d.trw);
  if (d.dst) out["dst"] = d.dst->to_string();
  if (d.protocols) out["protocols"] = *d.protocols;
  if (d.probes.size() > 1) {
    nlohmann::json all = nlohmann::json::object();
    for (const auto& [k, n] : d.probes) all[to_string(k)] = n;
    out["probes"] = all;
  }
  if (d.sample_targets) {
    nlohmann::json sample = nlohmann::json::array();
    for (const Address& t : *d.sample_targets) sample.push_back(t.to_string());
    out["sample_targets"] = sample;
  }
  if (d.episodes) out["episodes"] = *d.episodes;
}

}  // namespace callhome
