// analyze --fail-on SEVERITY: a non-zero exit status of its own when the analysis found
// something at least that severe, for scripts and CI jobs that must stop on it.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "detect/finding.h"
#include "investigate/investigator.h"

namespace callhome {

// "info", "low", "medium", "high", "critical" in any case; nullopt for anything else.
std::optional<Severity> severity_named(std::string_view name);

// Accepts the names above; a wrong one is told the nearest ("hihg": did you mean high?).
CLI::Validator severity_validator();

// kExitFindings when an incident reaches `threshold`, else kExitOk. Incidents, not single
// findings: an incident's severity is the one decision that weighs all of a host's findings and
// its likeliest explanation, the severity the summary ranks and prints.
int fail_on_status(const std::vector<Incident>& incidents, std::optional<Severity> threshold);

}  // namespace callhome
