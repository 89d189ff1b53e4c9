// Who is on the other end: the one place the investigation asks. It combines, in this order,
//  1. the user's MaxMind DB files (--asn-db, --geo-db): the user's own data is authoritative,
//     even for private ranges (a site may map its VPN pools);
//  2. special-purpose ranges ("private (RFC 1918)"), named without consulting any database;
//  3. callhome's compiled ip-location-db index (RouteViews + DB-IP + NRO, CC BY 4.0);
//  4. curated prefixes (data/networks.tsv) for what the databases miss;
// then adds the operator and category of the ASN (data/asns.tsv), the names the address was
// seen under (PassiveNames) and what those names are (data/domains.tsv). Every source is
// optional: a missing database or data file is one warning, then empty answers, never a
// failure. The ip-location-db index is opened (and compiled, the first time) on first use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/address.h"
#include "core/destination_lookup.h"
#include "enrich/domain_knowledge.h"
#include "enrich/ip_db.h"
#include "enrich/mmdb_lookup.h"
#include "enrich/owner_knowledge.h"
#include "enrich/passive_names.h"
#include "enrich/port_knowledge.h"
#include "enrich/tool_knowledge.h"

namespace callhome {

// $CALLHOME_DATA_DIR when set (an installed copy), else the source tree's data/ directory.
std::string default_data_dir();

struct EnricherOptions {
  std::string data_dir = default_data_dir();  // the *.tsv files data/README.md describes
  std::string ipdb_dir;                       // empty: default_ipdb_dir()
  bool use_ipdb = true;                       // false: never open or compile the index
  std::string asn_mmdb, geo_mmdb;             // user MaxMind DB files, optional
  const PassiveNames* names = nullptr;        // names seen, optional (must outlive the Enricher)
  // Receives each distinct warning once; default: "callhome: warning: ..." on stderr.
  std::function<void(const std::string&)> warn;
};

struct OwnerInfo {
  uint32_t asn = 0;
  std::string org;            // the registrant, as the database says ("Akamai International B.V.")
  std::string operator_name;  // who runs it, from data/asns.tsv ("Akamai"), or empty
  std::string country;        // ISO 3166 alpha-2, or empty
  std::string category;       // the ASN's or prefix's category (cdn, cloud ...), or empty
  std::string reserved;       // special-purpose range name, or empty
  std::string source;         // what answered: "mmdb", "ip-location-db", "data/networks.tsv" ...
  std::optional<std::pair<Address, Address>> range;  // addresses sharing the answer, if known
  bool known() const { return asn != 0 || !org.empty() || !country.empty() || !reserved.empty(); }
};

class Enricher : public DestinationLookup {
 public:
  explicit Enricher(EnricherOptions options = {});
  ~Enricher() override;

  OwnerInfo owner(const Address& a) const;
  const PortEntry* port_entry(uint16_t port, uint8_t ip_proto) const;
  const DomainEntry* domain(std::string_view host) const;

  // DestinationLookup: org is the operator when data/asns.tsv knows it (so Akamai's several
  // registrant names group as one), else the registrant, else the special-purpose name;
  // category prefers what the names seen say (liveupdate.symantec.com: update_service) over
  // what the network is (cdn).
  DestinationInfo destination(const Address& a) const override;
  PortInfo port(uint16_t port, uint8_t ip_proto) const override;
  NameInfo name(std::string_view host) const override;

  // Credits the report must print for the data used (CC BY 4.0 requires it).
  std::vector<std::string> attributions() const;
  std::vector<std::string> warnings() const;
  bool has_ip_database() const;  // opens the index if it was not yet
  const IpDb* ip_database() const;

  const PortKnowledge& ports() const { return ports_; }
  const DomainKnowledge& domains() const { return domains_; }
  const OwnerKnowledge& owners() const { return owners_; }
  const ToolKnowledge& tools() const { return tools_; }

 private:
  void warn(const std::string& message) const;
  void open_ipdb_once() const;
  void fill_from_databases(const Address& a, OwnerInfo& o) const;

  EnricherOptions opt_;
  PortKnowledge ports_;
  DomainKnowledge domains_;
  OwnerKnowledge owners_;
  ToolKnowledge tools_;
  std::optional<MmdbLookup> asn_mmdb_, geo_mmdb_;
  mutable std::once_flag ipdb_once_;
  mutable std::optional<IpDb> ipdb_;
  mutable std::mutex warn_mu_;
  mutable std::vector<std::string> warnings_;
};

}  // namespace callhome
