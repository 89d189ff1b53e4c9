// What a detector concludes: one finding per behaviour per host, with the attributes the
// findings document promises and references to the packets and lines behind it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/address.h"
#include "core/events.h"
#include "core/provenance.h"
#include "detect/finding_details.h"
#include "detect/finding_kind.h"

namespace callhome {

enum class Severity : uint8_t { info, low, medium, high, critical };
const char* to_string(Severity s);

struct EvidenceRef {
  Provenance prov;
  std::string what;  // one line a person can check against the packet or line
};

struct Finding {
  std::string id;  // "F1", "F2" ... assigned when the findings are collected
  FindingKind kind = FindingKind::outbound_scan;  // set by the detector
  Severity severity = Severity::info;
  Address host;  // the internal address the finding is about
  double first_ts = 0, last_ts = 0;
  std::string summary;     // one sentence a person can act on
  FindingDetails details;  // the kind's typed details (finding_kind.h names the struct)
  std::vector<EvidenceRef> evidence;
  std::vector<std::string> notes;  // why the severity is what it is (raised, lowered, suppressed)

  static constexpr size_t kMaxEvidence = 50;
  void cite(Provenance prov, std::string what) {
    if (evidence.size() < kMaxEvidence) evidence.push_back({prov, std::move(what)});
  }
};

// The finding's "attributes" as the findings document writes them: its typed details.
inline nlohmann::json attributes_json(const Finding& f) {
  return to_json(f.details);
}

// A detector watches the event stream and, at the end, reports what it found. Detectors know
// nothing of file formats; they see normalised events only.
class Detector : public EventSink {
 public:
  virtual const char* name() const = 0;
  virtual void finish(std::vector<Finding>& out) = 0;
};

}  // namespace callhome
