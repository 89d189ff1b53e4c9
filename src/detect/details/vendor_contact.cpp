#include "detect/details/vendor_contact.h"

#include <nlohmann/json.hpp>

namespace callhome {

void to_json(nlohmann::json& out, const VendorContactDetails&) {
  out = nlohmann::json::object();
}

}  // namespace callhome
