#include "enrich/range_csv.h"

#include <fstream>
#include <optional>

#include "core/address.h"

namespace callhome {
namespace {

using ipdb::u128;

std::optional<u128> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 39) return std::nullopt;
  u128 v = 0;
  const u128 max = ~u128(0);
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned d = unsigned(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<u128> parse_key(std::string_view s, bool v6) {
  if (s.find_first_of(".:") == std::string_view::npos) {
    auto v = parse_decimal(s);
    if (!v || (!v6 && *v > 0xffffffffu)) return std::nullopt;
    return v;
  }
  auto a = Address::parse(s);
  if (!a || a->is_v4() == v6) return std::nullopt;
  if (!v6) return u128(a->v4_value());
  u128 k = 0;
  for (uint8_t b : a->bytes()) k = k << 8 | b;
  return k;
}

}  // namespace

bool split_csv_line(std::string_view line, std::vector<std::string>& fields) {
  size_t n = 0;
  size_t i = 0;
  while (true) {
    if (fields.size() <= n) fields.emplace_back();
    std::string& f = fields[n++];
    f.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') return false;  // text after the closing quote
    } else {
      size_t comma = line.find(',', i);
      if (comma == std::string_view::npos) comma = line.size();
      f.assign(line.substr(i, comma - i));
      i = comma;
    }
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  fields.resize(n);
  return true;
}

Result<RangeCsvStats> read_range_csv(const std::string& path, bool v6, const RangeRowFn& row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  RangeCsvStats stats;
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!split_csv_line(line, fields) || fields.size() < 3) {
      ++stats.skipped;
      continue;
    }
    auto first = parse_key(fields[0], v6);
    auto last = parse_key(fields[1], v6);
    if (!first || !last || *first > *last) {
      ++stats.skipped;  // also a header line, should a file ever carry one
      continue;
    }
    row(*first, *last, fields);
    ++stats.rows;
  }
  if (in.bad()) return Error{"error reading " + path};
  return stats;
}

}  // namespace callhome
