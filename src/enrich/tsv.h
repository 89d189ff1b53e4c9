// The knowledge files in data/ are tab-separated text that people edit and review: one entry a
// line, '#' starts a comment line, blank lines are ignored, and every entry names its source.
// This reads them and reports mistakes as FILE:LINE: what.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/result.h"

namespace callhome {

struct TsvRow {
  size_t line = 0;
  std::vector<std::string_view> fields;  // trimmed of surrounding spaces
};

// Calls `row` for each entry line; a returned message aborts with "NAME:LINE: message". Lines
// with fewer than `min_fields` fields are errors. Returns the number of entries.
Result<size_t> parse_tsv(std::string_view text, std::string_view name, size_t min_fields,
                         const std::function<std::optional<std::string>(const TsvRow&)>& row);

// Reads a whole (small) file; an error names the path.
Result<std::string> read_text_file(const std::string& path);

}  // namespace callhome
