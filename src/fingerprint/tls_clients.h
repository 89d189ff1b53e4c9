// TLS client fingerprints (JA3 or JA4) that a public list ties to a client, from
// data/tls_clients.tsv. A fingerprint names a TLS library and its settings, not a program: many
// programs share one, so a name here is a lead, never proof.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "enrich/result.h"

namespace callhome {

struct KnownTlsClient {
  std::string fingerprint;  // a JA3 (32 hex digits) or a JA4 (t13d1516h2_..._...)
  std::string client;       // "Tor", "Chromium browser", "Sliver agent"
  std::string category;     // browser, library, tool, malware, vpn
  std::string source;
};

class TlsClientKnowledge {
 public:
  // Columns: fingerprint, client, category, source. A fingerprint may appear once.
  static Result<TlsClientKnowledge> parse(std::string_view text, std::string_view name);
  static Result<TlsClientKnowledge> load(const std::string& path);

  const KnownTlsClient* find(const std::string& fingerprint) const;
  size_t size() const { return by_fingerprint_.size(); }

 private:
  std::unordered_map<std::string, KnownTlsClient> by_fingerprint_;
};

bool looks_like_ja3(std::string_view s);
bool looks_like_ja4(std::string_view s);

}  // namespace callhome
