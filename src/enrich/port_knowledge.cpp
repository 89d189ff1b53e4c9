#include "enrich/port_knowledge.h"

#include <charconv>

#include "core/connection.h"
#include "enrich/tsv.h"

namespace callhome {
namespace {

std::optional<uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return uint16_t(v);
}

// True when `a` should replace `b` for a port both cover.
bool more_specific(const PortEntry& a, const PortEntry& b) {
  int span_a = a.last - a.first, span_b = b.last - b.first;
  if (span_a != span_b) return span_a < span_b;
  return a.ip_proto != 0 && b.ip_proto == 0;
}

}  // namespace

Result<PortKnowledge> PortKnowledge::parse(std::string_view text, std::string_view name) {
  PortKnowledge k;
  auto n = parse_tsv(text, name, 7, [&](const TsvRow& r) -> std::optional<std::string> {
    PortEntry e;
    std::string_view range = r.fields[0];
    auto dash = range.find('-');
    auto first = parse_port(range.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : parse_port(range.substr(dash + 1));
    if (!first || !last || *first > *last) return "bad port or range '" + std::string(range) + "'";
    e.first = *first;
    e.last = *last;
    std::string_view proto = r.fields[1];
    if (proto == "tcp") {
      e.ip_proto = kProtoTcp;
    } else if (proto == "udp") {
      e.ip_proto = kProtoUdp;
    } else if (proto != "both") {
      return "protocol must be tcp, udp or both, not '" + std::string(proto) + "'";
    }
    e.service = r.fields[2];
    e.application = r.fields[3];
    e.category = r.fields[4];
    e.description = r.fields[5];
    e.source = r.fields[6];
    if (e.service.empty() || e.category.empty())
      return std::string("service and category are required");
    if (e.source.empty()) return std::string("every entry must name its source");
    for (const auto& o : k.entries_) {
      if (o.first == e.first && o.last == e.last && o.ip_proto == e.ip_proto) {
        return "duplicate entry for " + std::string(range) + "/" + std::string(proto);
      }
    }
    if (k.entries_.size() >= 0xfffe) return std::string("too many entries");
    k.entries_.push_back(std::move(e));
    return std::nullopt;
  });
  if (!n) return Error{n.error()};
  k.tcp_.assign(65536, 0);
  k.udp_.assign(65536, 0);
  for (size_t i = 0; i < k.entries_.size(); ++i) {
    const PortEntry& e = k.entries_[i];
    for (uint8_t proto : {kProtoTcp, kProtoUdp}) {
      if (e.ip_proto != 0 && e.ip_proto != proto) continue;
      auto& table = proto == kProtoTcp ? k.tcp_ : k.udp_;
      for (uint32_t p = e.first; p <= e.last; ++p) {
        uint16_t& slot = table[p];
        if (slot == 0 || more_specific(e, k.entries_[slot - 1])) slot = uint16_t(i + 1);
      }
    }
  }
  return k;
}

Result<PortKnowledge> PortKnowledge::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

const PortEntry* PortKnowledge::lookup(uint16_t port, uint8_t ip_proto) const {
  const std::vector<uint16_t>* table = ip_proto == kProtoTcp   ? &tcp_
                                       : ip_proto == kProtoUdp ? &udp_
                                                               : nullptr;
  if (!table || table->empty()) return nullptr;
  uint16_t slot = (*table)[port];
  return slot ? &entries_[slot - 1] : nullptr;
}

}  // namespace callhome
