// The detectors an analysis runs, fed from one event stream, and their findings collected,
// ranked and numbered.
#pragma once

#include <memory>
#include <vector>

#include "core/fanout_sink.h"
#include "core/network.h"
#include "detect/finding.h"

namespace callhome {

struct DetectorConfig {
  NetworkSet internal = NetworkSet::private_ranges();
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
};

}  // namespace callhome
