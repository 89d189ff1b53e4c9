// Who is behind a host name, from data/domains.tsv: organisation and category (cdn,
// update_service, antivirus, p2p_vendor, dyndns ...). A rule names a domain suffix and covers
// the domain itself and every name below it on label boundaries: "akamai.net" (also written
// "*.akamai.net") matches akamai.net and a1.akamai.net but not evilakamai.net. The longest
// matching suffix wins, so liveupdate.symantec.com can be an update service while symantec.com
// is the antivirus vendor.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>
#include <string_view>
#include <vector>

#include "enrich/result.h"

namespace callhome {

struct DomainEntry {
  std::string suffix;  // normalised: lower case, no "*." and no trailing dot
  std::string organisation;
  std::string category;
  std::string description;
  std::string source;
};

class DomainKnowledge {
 public:
  // Columns: suffix, organisation, category, description, source.
  static Result<DomainKnowledge> load(const std::string& path);
  static Result<DomainKnowledge> parse(std::string_view text, std::string_view name);

  // Case-insensitive; a trailing dot (fully qualified form) is ignored.
  const DomainEntry* match(std::string_view host) const;

  const std::vector<DomainEntry>& entries() const { return entries_; }

 private:
  std::vector<DomainEntry> entries_;
  absl::flat_hash_map<std::string, size_t> by_suffix_;
};

// Lower case, without a trailing dot: the form names are compared and stored in.
std::string normalize_host(std::string_view host);

}  // namespace callhome
