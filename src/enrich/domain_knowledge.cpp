#include "enrich/domain_knowledge.h"

#include <absl/strings/string_view.h>

#include "enrich/tsv.h"

namespace callhome {

std::string normalize_host(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::string out(host);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

namespace {

bool valid_suffix(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<DomainKnowledge> DomainKnowledge::parse(std::string_view text, std::string_view name) {
  DomainKnowledge k;
  auto n = parse_tsv(text, name, 5, [&](const TsvRow& r) -> std::optional<std::string> {
    std::string_view raw = r.fields[0];
    if (raw.substr(0, 2) == "*.") raw.remove_prefix(2);
    DomainEntry e{normalize_host(raw), std::string(r.fields[1]), std::string(r.fields[2]),
                  std::string(r.fields[3]), std::string(r.fields[4])};
    if (!valid_suffix(e.suffix)) return "bad domain '" + std::string(r.fields[0]) + "'";
    if (e.organisation.empty() || e.category.empty()) {
      return std::string("organisation and category are required");
    }
    if (e.source.empty()) return std::string("every entry must name its source");
    if (!k.by_suffix_.emplace(e.suffix, k.entries_.size()).second) {
      return "duplicate domain '" + e.suffix + "'";
    }
    k.entries_.push_back(std::move(e));
    return std::nullopt;
  });
  if (!n) return Error{n.error()};
  return k;
}

Result<DomainKnowledge> DomainKnowledge::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

const DomainEntry* DomainKnowledge::match(std::string_view host) const {
  std::string name = normalize_host(host);
  std::string_view rest = name;
  // From the whole name towards the top-level domain, one label at a time: the first hit is
  // the longest suffix, and only whole labels are ever compared.
  while (!rest.empty()) {
    // absl's own string_view: Debian's Abseil is built without std::string_view aliasing.
    auto it = by_suffix_.find(absl::string_view(rest.data(), rest.size()));
    if (it != by_suffix_.end()) return &entries_[it->second];
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return nullptr;
}

}  // namespace callhome
