// threat_intel: an internal host contacted, or looked up, something on the analyst's
// threat-intelligence lists (detect/intel_list.h). RITA does the same with its feeds and custom
// files, scoring a hit HIGH (anchors.md 1.3); Zeek's Intel framework matches the same places
// (connections, DNS, HTTP Host, TLS SNI, certificates: anchors.md 2.6).
//
// Matched:
//  - every connection's destination address (and port, for address-and-port entries);
//  - every name seen: the DNS query, the CNAMEs of its answer, the answer addresses; the HTTP
//    Host and the proxy request's host (a literal address there is matched as an address, as
//    is the upstream address a proxy logs); TLS SNI and other names of a server (NameEvent).
// Severity: high when the host contacted it: a connection made or attempted to a listed
// address, a request or TLS session naming a listed name, or a connection to an address a
// listed name resolved to for this host (whatever order the DNS and connection records come
// in); medium when the name was only looked up or the address only seen in a DNS answer.
// Blocked attempts still count as contact: the host tried.
//
// One finding per host and indicator, with the first hits cited. Memory: the (host, indicator)
// pairs followed are capped, as are the names, destinations, answer addresses and evidence kept
// per pair, and the (host, destination) contacts remembered to tell whether a listed name's
// addresses were reached; findings say when a cap was reached.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/network.h"
#include "detect/finding.h"
#include "detect/intel_matcher.h"

namespace callhome {

struct ThreatIntelOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  const IntelMatcher* intel = nullptr;
  size_t max_pairs = 100'000;     // (host, indicator) pairs followed
  size_t max_items = 16;          // destinations, names and answer addresses kept per pair
  size_t max_evidence = 10;       // hits cited per finding
  size_t max_contacts = 500'000;  // (host, destination) contacts remembered
};

class ThreatIntelDetector : public Detector {
 public:
  explicit ThreatIntelDetector(ThreatIntelOptions options) : opt_(std::move(options)) {}
  const char* name() const override { return "threat_intel"; }
  void on_connection(const Connection& c) override;
  void on_http(const HttpEvent& e) override;
  void on_dns(const DnsEvent& e) override;
  void on_name(const NameEvent& e) override;
  void finish(std::vector<Finding>& out) override;

 private:
  // What one event adds to a pair.
  enum class Use : uint8_t { connection, request, lookup };
  struct Hit {
    ThreatIntelDetails d;
    bool have_time = false;
    std::vector<Address> resolved;  // a listed name's answer addresses
    std::vector<EvidenceRef> evidence;
  };
  struct Contact {  // the first connection from a host to a destination, and how many followed
    Provenance prov;
    double first = 0, last = 0;
    uint16_t port = 0;
    uint8_t proto = 0;
    uint64_t count = 0, answered = 0, blocked = 0;
  };
  using Key = std::pair<Address, uint32_t>;  // host, indicator

  Hit* pair(const Address& host, uint32_t id);
  void record(Hit& h, Use use, std::string_view seen_in, double ts, Provenance prov,
              std::string what);
  void add_item(Hit& h, std::vector<std::string>& items, std::string item);
  void match_name(const Address& host, std::string_view name, Use use, std::string_view seen_in,
                  double ts, Provenance prov, const std::string& what,
                  const std::string& destination, const std::vector<Address>& answers,
                  std::vector<uint32_t>& done);
  void reach_resolved(const Key& key, Hit& h);
  Finding report(const Key& key, Hit& h) const;

  ThreatIntelOptions opt_;
  absl::flat_hash_map<Key, Hit> pairs_;
  absl::flat_hash_map<std::pair<Address, Address>, Contact> contacts_;
  uint64_t pairs_dropped_ = 0, contacts_dropped_ = 0;
};

}  // namespace callhome
