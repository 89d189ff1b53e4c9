// Domain generation: one host asking for many registrable domains that one algorithm made:
// same top-level domain, similar length, the same letter pattern (Simda's 7-letter alternating
// vopygat.com, lyvyfad.com ...) or random strings, often unregistered (NXDOMAIN). Each host's
// distinct domains are grouped by (TLD, dga_tag); a big group is the signature.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.h"
#include "detect/finding.h"

namespace callhome {

struct DgaCluster {
  static constexpr size_t kMaxDomains = 4096;  // distinct domains remembered (as hashes)
  static constexpr size_t kSample = 10, kEvidence = 5;
  absl::flat_hash_set<uint64_t> domains;
  bool full = false;  // more domains came than are remembered
  uint64_t queries = 0, nxdomain = 0;
  double first = 0, last = 0;
  std::vector<std::string> sample;  // the first distinct domains
  std::vector<EvidenceRef> evidence;
};

class DgaClusters {
 public:
  static constexpr size_t kMaxClusters = 64;  // per host; beyond it new groups are dropped

  // `zone` is the registrable domain, `tld` its public suffix, `tag` dga_tag() of its label.
  void add(const DnsEvent& e, std::string_view zone, std::string_view tld, std::string_view tag,
           uint64_t zone_hash);
  // The host's DGA finding, if a group is big enough.
  bool assess(Finding& f) const;
  bool dropped() const { return dropped_; }

 private:
  std::map<std::string, DgaCluster> clusters_;  // "tld/tag"
  bool dropped_ = false;
};

}  // namespace callhome
