// Compiles the ip-location-db range CSVs (ASN + organisation, country) into callhome's binary
// index (ip_db_format.h). Parsing 60 MB of CSV takes most of a second, so it is done once and
// cached; ip_db_cache.h decides when.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "enrich/ip_db_format.h"
#include "enrich/result.h"

namespace callhome {

struct IpDbSources {
  std::array<std::string, ipdb::kSourceRoles> paths;  // by SourceRole; empty = absent
  bool any() const;
};

// Finds the CSVs in `dir`: the npm layout scripts/install-ipdb.sh creates
// (node_modules/@ip-location-db/{asn,asn-country}/) or the files placed directly in `dir`.
// The "-num" variants are preferred (integers parse faster than addresses).
IpDbSources find_ipdb_sources(const std::string& dir);

// Size and modification time of each source, as stored in the index header.
std::array<ipdb::SourceStamp, ipdb::kSourceRoles> stamp_sources(const IpDbSources& sources);

struct IpDbBuildStats {
  std::array<size_t, ipdb::kSourceRoles> rows{};
  size_t skipped_rows = 0;  // malformed lines, ignored
  size_t v4_segments = 0, v6_segments = 0, v6_nodes = 0, infos = 0, string_bytes = 0;
  size_t image_bytes = 0;
  double seconds = 0;
};

// The complete file image. Overlapping rows are resolved by specificity: the narrowest range
// containing an address wins (as longest-prefix match would), ties go to the later row.
Result<std::vector<uint8_t>> build_ipdb_image(const IpDbSources& sources,
                                              IpDbBuildStats* stats = nullptr);

// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader
// (another callhome running at the same time) sees the old file or the new one, never half.
std::optional<std::string> write_file_atomically(const std::string& path,
                                                 const std::vector<uint8_t>& bytes);

}  // namespace callhome
