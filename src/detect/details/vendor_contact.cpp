#include "detect/details/vendor_contact.h"

#include <nlohmann/json.hpp>

namespace callhome {

const char* to_string(VendorCategory c) {
  switch (c) {
    case VendorCategory::p2p_vendor:
      return "p2p_vendor";
    case VendorCategory::bundled_software:
      return "bundled_software";
    case VendorCategory::dyndns:
      return "dyndns";
    case VendorCategory::anonymizer:
      return "anonymizer";
    case VendorCategory::paste_site:
      return "paste_site";
  }
  return "p2p_vendor";
}

const char* to_string(VendorContactVia v) {
  switch (v) {
    case VendorContactVia::dns:
      return "dns";
    case VendorContactVia::http:
      return "http";
    case VendorContactVia::proxy:
      return "proxy";
    case VendorContactVia::tls:
      return "tls";
  }
  return "http";
}

void to_json(nlohmann::json& out, const VendorContactName& n) {
  out = {{"name", n.name}, {"requests", n.requests}};
}

void to_json(nlohmann::json& out, const VendorContactDetails& d) {
  nlohmann::json via = nlohmann::json::array();
  for (VendorContactVia v : d.via) via.push_back(to_string(v));
  out = {{"category", to_string(d.category)},
         {"names", d.names},
         {"orgs", d.orgs},
         {"requests", d.requests},
         {"failed", d.failed},
         {"via", via},
         {"methods", d.methods}};
}

}  // namespace callhome
