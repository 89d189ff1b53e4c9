// tool_signature: a known attack or scanning tool named by what it sends (nmap's Scripting
// Engine User-Agent, its /nmaplowercheck probe, sqlmap, Nikto ...), from data/tools.tsv. The
// finding is about the internal host sending the requests: whoever runs the tool there.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <map>
#include <string>
#include <vector>

#include "core/network.h"
#include "core/tool_signature.h"
#include "detect/finding.h"

namespace callhome {

struct ToolSignatureOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  std::vector<ToolSignature> signatures;
};

class ToolSignatureDetector : public Detector {
 public:
  explicit ToolSignatureDetector(ToolSignatureOptions options);
  const char* name() const override { return "tool_signature"; }
  void on_http(const HttpEvent& e) override;
  void finish(std::vector<Finding>& out) override;

 private:
  static constexpr int kNoMatch = -1;
  int match_agent(std::string_view user_agent);
  int match_path(std::string_view url) const;

  struct Group {
    uint64_t requests = 0;
    double first = 0, last = 0;
    std::string matched;    // the User-Agent (or the path) that named the tool, first seen
    std::string signature;  // the data/tools.tsv pattern behind it
    bool by_agent = false;  // matched is a User-Agent, not a path
    std::map<std::string, uint64_t> dsts;  // address (or host name) -> requests; bounded
    uint64_t more_dsts = 0;
    std::map<uint16_t, uint64_t> ports;  // bounded
    std::vector<std::string> sample_paths;
    std::vector<EvidenceRef> samples;
  };
  ToolSignatureOptions opt_;
  std::vector<std::string> lowered_;  // user_agent patterns in lower case, by signature index
  // Most requests repeat a handful of User-Agents; the answer is kept per distinct string.
  absl::flat_hash_map<std::string, int> agent_cache_;
  std::map<std::pair<Address, std::string>, Group> groups_;  // host, tool
};

}  // namespace callhome
