// Owner lookups in MaxMind DB files the user supplies (--asn-db, --geo-db): GeoLite2-ASN
// (autonomous_system_number/organization), GeoLite2-Country or -City (country.iso_code),
// ipinfo lite (asn/as_name/country_code) and ip-location-db's own .mmdb files. The fields of
// all those layouts are tried, so one class reads any of them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/address.h"
#include "enrich/result.h"

namespace callhome {

struct MmdbRecord {
  uint32_t asn = 0;
  std::string org;
  std::string country;  // ISO 3166 alpha-2
  int prefix_bits = 0;  // the network the answer belongs to, in the address's own family
};

class MmdbLookup {
 public:
  MmdbLookup(MmdbLookup&&) noexcept;
  MmdbLookup& operator=(MmdbLookup&&) noexcept;
  ~MmdbLookup();

  static Result<MmdbLookup> open(const std::string& path);

  // Nothing when the database has no entry, or an entry without any field we know.
  std::optional<MmdbRecord> lookup(const Address& a) const;

  const std::string& path() const { return path_; }
  const std::string& database_type() const { return type_; }  // from the file's metadata

 private:
  struct Handle;
  MmdbLookup() = default;
  std::unique_ptr<Handle> h_;
  std::string path_, type_;
};

}  // namespace callhome
