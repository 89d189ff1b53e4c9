#include "fingerprint/tls_clients.h"

#include <algorithm>

#include "enrich/tsv.h"

namespace callhome {
namespace {

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

bool looks_like_ja3(std::string_view s) {
  return s.size() == 32 && lower_hex(s);
}

bool looks_like_ja4(std::string_view s) {
  // a (10 characters) _ b (12 hex) _ c (12 hex)
  return s.size() == 36 && s[10] == '_' && s[23] == '_' &&
         (s[0] == 't' || s[0] == 'q' || s[0] == 'd') && lower_hex(s.substr(11, 12)) &&
         lower_hex(s.substr(24, 12));
}

Result<TlsClientKnowledge> TlsClientKnowledge::parse(std::string_view text, std::string_view name) {
  TlsClientKnowledge k;
  auto n = parse_tsv(text, name, 4, [&](const TsvRow& r) -> std::optional<std::string> {
    KnownTlsClient c;
    c.fingerprint = r.fields[0];
    c.client = r.fields[1];
    c.category = r.fields[2];
    c.source = r.fields[3];
    if (!looks_like_ja3(c.fingerprint) && !looks_like_ja4(c.fingerprint)) {
      return "'" + c.fingerprint + "' is neither a JA3 nor a JA4 fingerprint";
    }
    if (c.client.empty() || c.category.empty()) return std::string("client and category needed");
    if (c.source.empty()) return std::string("every entry must name its source");
    const std::string key = c.fingerprint;
    if (!k.by_fingerprint_.emplace(key, std::move(c)).second) {
      return "fingerprint " + key + " is listed twice";
    }
    return std::nullopt;
  });
  if (!n) return Error{n.error()};
  return k;
}

Result<TlsClientKnowledge> TlsClientKnowledge::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

const KnownTlsClient* TlsClientKnowledge::find(const std::string& fingerprint) const {
  auto it = by_fingerprint_.find(fingerprint);
  return it == by_fingerprint_.end() ? nullptr : &it->second;
}

}  // namespace callhome
