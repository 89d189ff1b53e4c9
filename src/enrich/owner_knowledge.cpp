#include "enrich/owner_knowledge.h"

#include <charconv>

#include "enrich/tsv.h"

namespace callhome {
namespace {

std::optional<uint32_t> parse_asn(std::string_view s) {
  if (s.size() > 2 && (s.substr(0, 2) == "AS" || s.substr(0, 2) == "as")) s.remove_prefix(2);
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<OwnerKnowledge> OwnerKnowledge::parse(std::string_view asns_text, std::string_view asns_name,
                                             std::string_view networks_text,
                                             std::string_view networks_name) {
  OwnerKnowledge k;
  auto a = parse_tsv(asns_text, asns_name, 4, [&](const TsvRow& r) -> std::optional<std::string> {
    auto asn = parse_asn(r.fields[0]);
    if (!asn || *asn == 0) return "bad ASN '" + std::string(r.fields[0]) + "'";
    AsnEntry e{*asn, std::string(r.fields[1]), std::string(r.fields[2]), std::string(r.fields[3])};
    if (e.operator_name.empty() || e.category.empty()) {
      return std::string("operator and category are required");
    }
    if (e.source.empty()) return std::string("every entry must name its source");
    if (!k.asns_.emplace(*asn, std::move(e)).second) {
      return "duplicate ASN " + std::to_string(*asn);
    }
    return std::nullopt;
  });
  if (!a) return Error{a.error()};
  auto n = parse_tsv(
      networks_text, networks_name, 6, [&](const TsvRow& r) -> std::optional<std::string> {
        auto prefix = Cidr::parse(r.fields[0]);
        if (!prefix) return "bad prefix '" + std::string(r.fields[0]) + "'";
        auto asn = r.fields[1].empty() ? std::optional<uint32_t>(0) : parse_asn(r.fields[1]);
        if (!asn) return "bad ASN '" + std::string(r.fields[1]) + "'";
        NetworkEntry e{*prefix,
                       *asn,
                       std::string(r.fields[2]),
                       std::string(r.fields[3]),
                       std::string(r.fields[4]),
                       std::string(r.fields[5])};
        if (e.organisation.empty()) return std::string("organisation is required");
        if (e.source.empty()) return std::string("every entry must name its source");
        k.networks_.push_back(std::move(e));
        return std::nullopt;
      });
  if (!n) return Error{n.error()};
  return k;
}

Result<OwnerKnowledge> OwnerKnowledge::load(const std::string& asns_path,
                                            const std::string& networks_path) {
  auto asns = read_text_file(asns_path);
  if (!asns) return Error{asns.error()};
  auto networks = read_text_file(networks_path);
  if (!networks) return Error{networks.error()};
  return parse(*asns, asns_path, *networks, networks_path);
}

const AsnEntry* OwnerKnowledge::asn(uint32_t asn) const {
  auto it = asns_.find(asn);
  return it == asns_.end() ? nullptr : &it->second;
}

const NetworkEntry* OwnerKnowledge::network(const Address& a) const {
  // A handful of curated prefixes: a scan is simpler and fast enough.
  const NetworkEntry* best = nullptr;
  for (const auto& n : networks_) {
    if (n.prefix.contains(a) && (!best || n.prefix.bits > best->prefix.bits)) best = &n;
  }
  return best;
}

}  // namespace callhome
