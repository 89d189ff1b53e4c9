// The names each external address was seen under: DNS answers (the queried name and every
// CNAME of the chain map to the answer addresses), HTTP Host headers, TLS server names, proxy
// log URLs when the proxy went DIRECT to a known address. An address alone says "Akamai"; the
// names say "liveupdate.symantecliveupdate.com via Akamai", which is what explained Case 2.
// Memory is bounded: a cap on names per address and on entries overall; what does not fit is
// counted, never silently lost.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/events.h"
#include "core/network.h"
#include "core/provenance.h"

namespace callhome {

enum class NameSource : uint8_t {
  dns_query,     // the name asked for in a DNS query answered with this address
  dns_cname,     // a CNAME in the answer chain
  http_host,     // Host header of a request to this address (capture, Zeek http.log)
  tls_sni,       // server_name of a TLS ClientHello to this address
  proxy_direct,  // URL host of a proxy log entry whose hierarchy is DIRECT/<this address>
  certificate,   // a name from the server's certificate
  other,
};
const char* to_string(NameSource s);

struct NameSighting {
  std::string name;                       // lower case, no trailing dot
  NameSource source = NameSource::other;  // of the first sighting
  uint8_t sources = 0;                    // bit per NameSource seen
  uint64_t count = 0;
  double first_ts = 0, last_ts = 0;
  Provenance first;  // the packet or line of the first sighting
};

struct PassiveNamesOptions {
  NetworkSet internal = NetworkSet::private_ranges();  // names of these are not recorded
  size_t max_names_per_address = 16;
  size_t max_entries = 1'000'000;  // (address, name) pairs overall
};

class PassiveNames : public EventSink {
 public:
  explicit PassiveNames(PassiveNamesOptions options = {}) : opt_(std::move(options)) {}

  void on_dns(const DnsEvent& e) override;
  void on_http(const HttpEvent& e) override;
  void on_name(const NameEvent& e) override;

  // Adds one sighting; other feeders (x509 readers, tests) use it directly.
  void record(const Address& server, std::string_view name, NameSource source, double ts,
              Provenance prov);

  // Most frequent first; ties: earliest first.
  std::vector<NameSighting> names_for(const Address& a) const;

  size_t addresses() const { return by_address_.size(); }
  size_t entries() const { return entries_; }
  uint64_t dropped() const { return dropped_; }  // sightings refused by the caps

 private:
  PassiveNamesOptions opt_;
  absl::flat_hash_map<Address, std::vector<NameSighting>> by_address_;
  size_t entries_ = 0;
  uint64_t dropped_ = 0;
};

// The host part of a proxy or HTTP log URL: "http://Host:8080/x" -> "host", "host:443"
// (CONNECT) -> "host", "[2001:db8::1]:443" -> "2001:db8::1". Empty when there is none.
std::string url_host(std::string_view url);

}  // namespace callhome
