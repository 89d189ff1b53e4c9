#include "enrich/tsv.h"

#include <fstream>
#include <sstream>

namespace callhome {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<size_t> parse_tsv(std::string_view text, std::string_view name, size_t min_fields,
                         const std::function<std::optional<std::string>(const TsvRow&)>& row) {
  size_t entries = 0;
  TsvRow r;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++r.line;
    if (trim(line).empty() || trim(line).front() == '#') continue;
    r.fields.clear();
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      r.fields.push_back(trim(line.substr(start, tab - start)));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    auto where = std::string(name) + ":" + std::to_string(r.line) + ": ";
    if (r.fields.size() < min_fields) {
      return Error{where + "expected " + std::to_string(min_fields) +
                   " tab-separated fields, found " + std::to_string(r.fields.size())};
    }
    if (auto err = row(r)) return Error{where + *err};
    ++entries;
  }
  return entries;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Error{"cannot read " + path};
  return s.str();
}

}  // namespace callhome
