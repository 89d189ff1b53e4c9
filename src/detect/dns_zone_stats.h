// What one internal host asked under one registrable domain (a "zone"), in bounded memory, and
// whether that looks like a DNS tunnel. RITA's c2-over-DNS counts distinct names per domain
// (research/anchors.md 1.3); that alone needs hundreds of names, so the shape of the names is
// weighed too: a tunnel's labels carry data (hex, base32, base64), are all different, and often
// use record types that carry more data than an address (TXT, NULL, MX, CNAME).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "detect/distinct_sketch.h"
#include "detect/dns_name_shape.h"
#include "detect/finding.h"

namespace callhome {

struct ZoneStats {
  static constexpr size_t kSketch = 256;   // exact distinct counts up to here
  static constexpr size_t kTimes = 128;    // timestamps kept for the spacing
  static constexpr size_t kAnswers = 16;   // distinct answer addresses kept
  static constexpr size_t kQtypes = 16;    // distinct record types counted
  static constexpr size_t kResolvers = 8;  // distinct servers counted
  static constexpr size_t kSamples = 5;    // queries cited as evidence

  bool ignored = false;  // a known platform or a local name: counted nowhere
  std::string dga_tag;   // dga_tag() of the domain's own label, worked out once
  uint64_t queries = 0, encoded = 0;
  uint64_t nxdomain = 0, servfail = 0, unanswered = 0;
  double first = 0, last = 0;
  size_t max_label = 0, max_encoded_label = 0;
  DistinctSketch<kSketch> names, encoded_names;
  std::map<uint16_t, uint64_t> qtypes;
  std::map<LabelEncoding, uint64_t> encodings;
  std::map<Address, uint64_t> resolvers;
  std::vector<double> times;     // of data-carrying queries, the first kTimes
  std::vector<Address> answers;  // distinct A/AAAA answers to data-carrying queries
  std::vector<EvidenceRef> samples;

  void add(const DnsEvent& e, uint64_t name_hash, const SubdomainShape& shape);
};

struct TunnelVerdict {
  bool report = false;
  Severity severity = Severity::info;
  uint64_t unique = 0, encoded_unique = 0;
  double encoded_share = 0;
  std::optional<double> interval_s;  // when the data queries keep a schedule
  std::vector<std::string> reasons;  // what raised the severity, for notes and attributes
};

struct TunnelContext {
  size_t sibling_zones = 0;  // other zones of the same host that look like tunnels
  // Of the answer addresses, how many the host connected to; empty when the input had no
  // connections of this host to tell.
  std::optional<size_t> answers_contacted;
};

// Whether the zone's names look like data at all (before weighing anything else).
bool tunnel_shaped(const ZoneStats& z);
TunnelVerdict assess_tunnel(const ZoneStats& z, const TunnelContext& ctx);

const char* qtype_name(uint16_t qtype, std::string& buf);

}  // namespace callhome
