// The detectors an analysis runs, fed from one event stream, and their findings collected,
// ranked and numbered.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fanout_sink.h"
#include "core/network.h"
#include "core/tool_signature.h"
#include "detect/finding.h"
#include "detect/intel_matcher.h"
#include "detect/proxy_bypass_detector.h"

namespace callhome {

struct DetectorConfig {
  NetworkSet internal = NetworkSet::private_ranges();
  std::vector<ProxyEndpoint> proxies;         // the site's sanctioned way out, if any
  const DestinationLookup* lookup = nullptr;  // organisations, for fan-in and proxy bypass
  // The unattended window containing a time, if any (site schedule); empty: no schedule.
  std::function<std::optional<std::string>(double)> unattended;
  std::vector<ToolSignature> tools;  // data/tools.tsv: attack tools by what they send
  // Threat-intel lists ([intel] lists, --intel), if any.
  const IntelMatcher* intel = nullptr;
};

class DetectorSet : public FanOutSink {
 public:
  explicit DetectorSet(const DetectorConfig& config);
  void add(std::unique_ptr<Detector> d);
  // Runs every detector's end-of-input analysis; findings come back most severe first, then by
  // time, with ids F1, F2 ... in that order.
  std::vector<Finding> finish();

 private:
  std::vector<std::unique_ptr<Detector>> detectors_;
  const DestinationLookup* lookup_;
};

}  // namespace callhome
