// Reads the range CSVs of ip-location-db: "first,last,value..." per line, where first and last
// are an inclusive address range written either as addresses (1.0.0.0, 2001:200::) or as
// decimal integers (16777216; IPv6 needs 128 bits). Fields may be quoted with "" escapes
// ("LLC ""SPUTNIK""", "Cloudflare, Inc.").
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/ip_db_format.h"
#include "enrich/result.h"

namespace callhome {

struct RangeCsvStats {
  size_t rows = 0;     // rows handed to the callback
  size_t skipped = 0;  // malformed rows, ignored
};

// For IPv4 files the keys are the 32-bit address values; for IPv6 the full 128 bits. `fields`
// is the whole row (at least 3 fields); the values start at fields[2].
using RangeRowFn =
    std::function<void(ipdb::u128 first, ipdb::u128 last, const std::vector<std::string>& fields)>;

Result<RangeCsvStats> read_range_csv(const std::string& path, bool v6, const RangeRowFn& row);

// Splits one CSV line into `fields` (reused to avoid allocations); false on a broken quote.
bool split_csv_line(std::string_view line, std::vector<std::string>& fields);

}  // namespace callhome
