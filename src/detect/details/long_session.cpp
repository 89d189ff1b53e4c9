#include "detect/details/long_session.h"

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {

void to_json(nlohmann::json& out, const LongSessionDetails& d) {
  out = {{"dst", d.dst.to_string()},
         {"dst_port", d.dst_port},
         {"proto", transport_name(d.proto)},
         {"connections", d.connections},
         {"total_duration_s", d.total_duration_s},
         {"longest_s", d.longest_s},
         {"orig_bytes", d.orig_bytes},
         {"resp_bytes", d.resp_bytes},
         {"upload_ratio", d.upload_ratio},
         {"resets", d.resets},
         {"bulk_upload", d.bulk_upload},
         {"long_lived", d.long_lived}};
  if (d.service) out["service"] = *d.service;
  if (d.dst_org) out["dst_org"] = *d.dst_org;
  if (d.dst_names) out["dst_names"] = *d.dst_names;
}

}  // namespace callhome
