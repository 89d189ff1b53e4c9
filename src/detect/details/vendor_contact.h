// What a vendor contact finding records: the typed facts its detector fills, which
// the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace callhome {

// The kinds of name a vendor contact is about (data/domains.tsv categories).
enum class VendorCategory : uint8_t {
  p2p_vendor,
  bundled_software,
  dyndns,
  anonymizer,
  paste_site
};
const char* to_string(VendorCategory c);

// How the names were asked for: an HTTP request through the proxy or straight out, a DNS query,
// a TLS SNI. Declared in the order of their names, the order the document lists them in.
enum class VendorContactVia : uint8_t { dns, http, proxy, tls };
const char* to_string(VendorContactVia v);

struct VendorContactName {
  std::string name;
  uint64_t requests = 0;
};

struct VendorContactDetails {
  VendorCategory category = VendorCategory::p2p_vendor;
  std::vector<VendorContactName> names;  // most requested first, at most 20
  std::vector<std::string> orgs;         // the names' owners, sorted
  uint64_t requests = 0;
  uint64_t failed = 0;                // blocked, answered 5xx or unanswered, or NXDOMAIN
  std::vector<VendorContactVia> via;  // sorted by name
  std::vector<std::string> methods;   // HTTP methods, sorted
};

void to_json(nlohmann::json& out, const VendorContactName& n);
void to_json(nlohmann::json& out, const VendorContactDetails& d);

}  // namespace callhome
