// unresolved_destination: an internal host that resolves names like everyone else, yet comes
// back again and again to an external address on a web-like port that no DNS answer, TLS SNI
// or HTTP Host name ever pointed at. Hard-coded C2 addresses look like this (corpus case
// c2-emotet-http-slow: POSTs straight to 5.2.136.90:80 and 167.71.4.0:8080 in 7 bursts
// ~16 min apart, no lookup; SYNs refused by 46.101.230.194:443 in the same bursts).
//
// The rule and where its numbers come from:
//  - the host demonstrably uses DNS: answers to its own queries are in the evidence, and the
//    destination was first contacted after the first of them (a lookup made before the
//    evidence began would be invisible);
//  - the address appears in no DNS answer (any client's: a name another host resolved is
//    not hard-coded), and carries no TLS SNI or HTTP Host name; an HTTP Host that is the bare
//    address itself counts against it;
//  - web-like port (data/ports.tsv web, proxy, commonly_abused: channel_traits.h); DNS, DoT
//    and NTP servers are reached by address by design, as is a resolver the host also asks
//    over port 53 or 853 (DNS over HTTPS to 1.1.1.1:443);
//  - at least 3 separate visits (min_visits) 5 min apart or more (visit_gap_s), spread over
//    10 min or more (min_span_s): one visit by address is a link someone clicked; three
//    spread out are a schedule. RITA's beacon gate wants 4 connections (unique_connection_
//    threshold); visits here are already de-duplicated bursts, so 3 suffices.
//  - the names in the evidence explain at least half of the host's destinations
//    (min_named_share): with a partial DNS log (corpus case c2-androidtester-rat-exfil holds
//    one query for a phone talking to dozens of Google and Facebook addresses) being unnamed
//    says little, and only commonly abused ports are still reported, at low.
// Severity: visits by address alone, or only refused or unanswered attempts: low (Windows and
// phones reach a few services by address); answered HTTP requests naming only the bare
// address, or a commonly abused port: medium; HTTP POSTs to the bare address, or bare-address
// requests in 4 visits or more (strong_visits, RITA's minimum of 4 connections for a
// schedule): high. Big platforms (channel_traits.h) cap it at low, cloud providers at medium.
//
// Order does not matter: answers may arrive after the connection records, so nothing is
// decided before finish(). Memory: per host a capped map of destinations -> counters, first
// and last time and a capped list of connection start times; the set of resolved addresses
// is capped too, and findings say when a cap was reached.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct UnresolvedDestinationOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  const DestinationLookup* lookup = nullptr;
  double visit_gap_s = 300;
  size_t min_visits = 3;
  double min_span_s = 600;
  size_t strong_visits = 4;
  double min_named_share = 0.5;
  size_t max_destinations_per_host = 2048;
  size_t max_starts_per_destination = 1024;
  size_t max_resolved = 2'000'000;
  size_t max_hosts = 100'000;
};

class UnresolvedDestinationDetector : public Detector {
 public:
  explicit UnresolvedDestinationDetector(UnresolvedDestinationOptions options)
      : opt_(std::move(options)) {}
  const char* name() const override { return "unresolved_destination"; }
  void on_connection(const Connection& c) override;
  void on_http(const HttpEvent& e) override;
  void on_dns(const DnsEvent& e) override;
  void on_name(const NameEvent& e) override;
  void finish(std::vector<Finding>& out) override;

 private:
  struct Dest {
    uint64_t connections = 0, answered = 0, failed = 0;
    uint64_t posts = 0, bare_requests = 0;  // HTTP to the bare address
    double first = 0, last = 0;
    bool have_time = false;
    std::vector<double> starts;  // connection start times, capped
    std::vector<EvidenceRef> samples;
  };
  using Key = std::tuple<Address, uint16_t, uint8_t>;  // destination, port, proto
  struct Host {
    absl::flat_hash_map<Key, Dest> dests;
    uint64_t untracked = 0;
    uint64_t dns_answers = 0;  // DNS responses to this host's own queries
    double dns_first = 0;
  };
  Host* host(const Address& a);
  Dest* dest(Host& h, const Address& dst, uint16_t port, uint8_t proto);
  void resolved(const Address& a);
  void report(const Address& addr, const Host& h, double share, const Key& key, Dest& d,
              std::vector<Finding>& out) const;

  UnresolvedDestinationOptions opt_;
  std::map<Address, Host> hosts_;
  absl::flat_hash_set<Address> resolved_;   // in a DNS answer or named by SNI/Host
  absl::flat_hash_set<Address> resolvers_;  // asked over DNS or DoT by some internal host
  uint64_t resolved_dropped_ = 0, hosts_dropped_ = 0;
};

}  // namespace callhome
