// The findings document of the interface spec (`analyze --json`): inputs with their hashes and
// counts, findings with attributes and evidence references, incidents with ranked hypotheses.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/input_report.h"
#include "detect/finding.h"
#include "fingerprint/host_software.h"
#include "investigate/investigator.h"

namespace callhome {

// "packet 17" for captures, "line 3" for logs.
std::string evidence_ref(const InputReport& input, uint64_t ref);

// `software` becomes the "software" array: per internal host, the software seen.
nlohmann::json findings_document(const std::vector<InputReport>& inputs,
                                 const std::vector<Finding>& findings,
                                 const std::vector<Incident>& incidents,
                                 const std::vector<HostSoftware>& software = {});

}  // namespace callhome
