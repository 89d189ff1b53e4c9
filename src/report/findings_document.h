// The findings document of the interface spec (`analyze --json`): inputs with their hashes and
// counts, findings with attributes and evidence references, incidents with ranked hypotheses.
#pragma once

#include <nlohmann/json.hpp>

#include <vector>

#include "core/input_report.h"
#include "detect/finding.h"
#include "investigate/investigator.h"

namespace callhome {

// "packet 17" for captures, "line 3" for logs.
std::string evidence_ref(const InputReport& input, uint64_t ref);

nlohmann::json findings_document(const std::vector<InputReport>& inputs,
                                 const std::vector<Finding>& findings,
                                 const std::vector<Incident>& incidents);

}  // namespace callhome
