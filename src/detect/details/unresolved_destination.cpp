#include "detect/details/unresolved_destination.h"

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {

void to_json(nlohmann::json& out, const UnresolvedDestinationDetails& d) {
  out = {{"dst", d.dst.to_string()},
         {"dst_port", d.dst_port},
         {"proto", transport_name(d.proto)},
         {"connections", d.connections},
         {"answered", d.answered},
         {"failed", d.failed},
         {"visits", d.visits},
         {"span_s", d.span_s},
         {"http_posts", d.http_posts},
         {"bare_ip_requests", d.bare_ip_requests},
         {"host_dns_answers", d.host_dns_answers},
         {"host_named_share", d.host_named_share}};
  if (d.service) out["service"] = *d.service;
  if (d.dst_org) out["dst_org"] = *d.dst_org;
}

}  // namespace callhome
