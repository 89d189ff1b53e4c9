#include "detect/intel_list.h"

#include <algorithm>
#include <charconv>

#include "core/public_suffix.h"

namespace callhome {
namespace {

constexpr std::string_view kSpace = " \t\r\v\f";
constexpr std::string_view kFieldEnd = " \t\r\v\f,;";
constexpr size_t kMaxQuoted = 80;  // bytes of a bad line quoted back

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool parse_port(std::string_view text, uint16_t& out) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535) return false;
  out = uint16_t(v);
  return true;
}

IntelLine address_entry(const Address& a) {
  if (a.is_unspecified() || (a.is_v4() && a.v4_value() == 0)) {
    return std::string("the unspecified address, which no connection goes to");
  }
  Indicator i;
  i.type = IndicatorType::address;
  i.net = Cidr{a, 128};
  return i;
}

IntelLine network_entry(std::string_view token) {
  const auto c = Cidr::parse(token);
  if (!c) return std::string("not a network (expected a CIDR like 198.51.100.0/24)");
  const bool v4 = c->base.is_v4() && c->bits >= 96;
  if (v4 ? c->bits < 96 + 8 : c->bits < 16) {
    return std::string(v4 ? "a network broader than /8" : "a network broader than /16") +
           ", which would match a large part of the Internet";
  }
  Indicator i;
  i.type = IndicatorType::network;
  i.net = *c;
  return i;
}

IntelLine address_port_entry(std::string_view host, std::string_view port) {
  const auto a = Address::parse(host);
  if (!a) return std::string("not an address and port (expected 203.0.113.7:8080)");
  IntelLine base = address_entry(*a);
  if (!std::holds_alternative<Indicator>(base)) return base;
  Indicator& i = std::get<Indicator>(base);
  if (!parse_port(port, i.port)) return std::string("bad port (expected 1-65535)");
  i.type = IndicatorType::address_port;
  return base;
}

IntelLine domain_entry(std::string_view token) {
  if (token.starts_with("*.")) token.remove_prefix(2);
  if (token.starts_with('.')) token.remove_prefix(1);
  if (token.ends_with('.')) token.remove_suffix(1);
  if (token.empty() || token.size() > 253) return std::string("not an address, network or domain");
  std::string name(token);
  size_t label = 0;
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c == '.') {
      if (label == 0) return std::string("a domain with an empty label");
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return std::string("not an address, network or domain");
  }
  if (label == 0) return std::string("a domain with an empty label");
  const std::string_view last = std::string_view(name).substr(name.rfind('.') + 1);
  if (all_digits(last)) return std::string("not a valid address");
  if (PublicSuffixes::system().registrable(name).empty()) {
    return std::string("a single label or public suffix, which would match a whole top-level ") +
           "domain";
  }
  Indicator i;
  i.type = IndicatorType::domain;
  i.domain = std::move(name);
  return i;
}

// The indicator in a trimmed line's first field, or why there is none.
IntelLine parse_token(std::string_view line) {
  if (line.empty() || line.front() == '#' || line.front() == ';') return std::monostate{};
  std::string_view token = line.substr(0, line.find_first_of(kFieldEnd));
  if (token.size() >= 2 && (token.front() == '"' || token.front() == '\'') &&
      token.back() == token.front()) {
    token = token.substr(1, token.size() - 2);
  }
  if (token.empty()) return std::string("no indicator before the first separator");
  if (token.find("://") != std::string_view::npos) {
    return std::string("a URL, which is not matched: list its host name if the whole host is bad");
  }
  if (token.find('%') != std::string_view::npos) return std::string("an address with a zone");
  if (token.front() == '[') {  // [2001:db8::7] or [2001:db8::7]:443
    const size_t close = token.find(']');
    if (close == std::string_view::npos) return std::string("unclosed '[' in an address");
    const std::string_view rest = token.substr(close + 1);
    if (rest.empty()) {
      const auto a = Address::parse(token.substr(1, close - 1));
      return a ? address_entry(*a) : std::string("not an address");
    }
    if (rest.front() != ':') return std::string("expected ':' and a port after ']'");
    return address_port_entry(token.substr(1, close - 1), rest.substr(1));
  }
  if (const size_t slash = token.find('/'); slash != std::string_view::npos) {
    if (!Address::parse(token.substr(0, slash))) {
      return std::string("a URL or path, which is not matched: list its host name");
    }
    return network_entry(token);
  }
  const size_t colons = size_t(std::count(token.begin(), token.end(), ':'));
  if (colons == 1) {
    const size_t colon = token.find(':');
    if (!Address::parse(token.substr(0, colon))) {
      return std::string("a name with a port: list the name alone");
    }
    return address_port_entry(token.substr(0, colon), token.substr(colon + 1));
  }
  if (auto a = Address::parse(token)) return address_entry(*a);
  if (colons > 1) return std::string("not an address");
  return domain_entry(token);
}

}  // namespace

const char* to_string(IndicatorType t) {
  switch (t) {
    case IndicatorType::address:
      return "address";
    case IndicatorType::network:
      return "network";
    case IndicatorType::address_port:
      return "address_port";
    case IndicatorType::domain:
      return "domain";
  }
  return "address";
}

// Why a line is no indicator, naming its first field when the line holds more than that.
IntelLine parse_intel_line(std::string_view line) {
  line = trim(line);
  IntelLine parsed = parse_token(line);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    const std::string_view field = line.substr(0, line.find_first_of(kFieldEnd));
    if (field.size() < line.size() && !field.empty()) {
      *why = "first field '" + std::string(field.substr(0, kMaxQuoted)) + "': " + *why;
    }
  }
  return parsed;
}

void IntelListParser::line(std::string_view text) {
  ++number_;
  IntelLine parsed =
      overlong_ ? IntelLine(std::string("a line longer than 4096 bytes")) : parse_intel_line(text);
  overlong_ = false;
  if (std::holds_alternative<std::monostate>(parsed)) return;
  if (auto* i = std::get_if<Indicator>(&parsed)) {
    ++stats_.indicators;
    add_(std::move(*i), number_);
    return;
  }
  ++stats_.bad_lines;
  if (stats_.bad.size() < IntelListStats::kMaxBadKept) {
    std::string quoted(trim(text).substr(0, kMaxQuoted));
    stats_.bad.push_back({number_, std::move(std::get<std::string>(parsed)), std::move(quoted)});
  }
}

void IntelListParser::feed(std::string_view bytes) {
  if (!started_ && !bytes.empty()) {
    // A UTF-8 byte order mark, which may itself arrive in pieces.
    const std::string_view bom = "\xEF\xBB\xBF";
    const size_t n = std::min(bom.size() - partial_.size(), bytes.size());
    if (bom.substr(partial_.size(), n) == bytes.substr(0, n)) {
      partial_.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      if (partial_.size() < bom.size()) return;
      partial_.clear();
    }
    started_ = true;
  }
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, nl);
    if (!overlong_) {
      if (partial_.size() + piece.size() > kMaxLine) {
        overlong_ = true;  // keep what will be quoted, drop the rest of the line
        if (partial_.size() > kMaxQuoted) partial_.resize(kMaxQuoted);
        partial_.append(piece.substr(0, std::min(piece.size(), kMaxQuoted - partial_.size())));
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) return;
    line(partial_);
    partial_.clear();
    bytes.remove_prefix(nl + 1);
  }
}

IntelListStats IntelListParser::finish() {
  if (!started_ && !partial_.empty()) started_ = true;  // a file that is part of a BOM
  if (!partial_.empty() || overlong_) line(partial_);
  partial_.clear();
  stats_.lines = number_;
  return std::move(stats_);
}

IntelListStats parse_intel_list(std::string_view text, const IntelAdd& add) {
  IntelListParser parser(add);
  parser.feed(text);
  return parser.finish();
}

}  // namespace callhome
