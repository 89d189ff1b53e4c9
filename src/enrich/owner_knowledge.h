// Curated facts about networks that the IP databases do not say, from two data files:
//  - data/asns.tsv: ASN -> operator and category. The databases name the registrant ("Akamai
//    International B.V.", "Akamai Technologies, Inc."); an analyst needs "Akamai, a CDN", the
//    same for every one of its ASNs, so that Case 2's destinations group as one operator.
//  - data/networks.tsv: prefixes whose owner the databases miss, e.g. Edgecast's ranges that
//    left the routing table when Edgio shut down but still appear in older evidence. Used only
//    when no database names an ASN.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/network.h"
#include "enrich/result.h"

namespace callhome {

struct AsnEntry {
  uint32_t asn = 0;
  std::string operator_name;  // "Akamai"
  std::string category;       // cdn, cloud, os_vendor ...
  std::string source;
};

struct NetworkEntry {
  Cidr prefix;
  uint32_t asn = 0;
  std::string organisation;
  std::string category;
  std::string note;
  std::string source;
};

class OwnerKnowledge {
 public:
  // asns.tsv columns: asn, operator, category, source.
  // networks.tsv columns: prefix, asn, organisation, category, note, source.
  static Result<OwnerKnowledge> load(const std::string& asns_path,
                                     const std::string& networks_path);
  static Result<OwnerKnowledge> parse(std::string_view asns_text, std::string_view asns_name,
                                      std::string_view networks_text,
                                      std::string_view networks_name);

  const AsnEntry* asn(uint32_t asn) const;
  const NetworkEntry* network(const Address& a) const;  // most specific prefix

  size_t asn_count() const { return asns_.size(); }
  size_t network_count() const { return networks_.size(); }

 private:
  absl::flat_hash_map<uint32_t, AsnEntry> asns_;
  std::vector<NetworkEntry> networks_;
};

}  // namespace callhome
