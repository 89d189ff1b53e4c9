// The ranked summary `analyze` prints: readable in ten seconds. One line a story first (hosts
// doing the same thing are one story), then each story told once: its most likely explanation,
// its findings with the evidence they cite, and what to do next.
#pragma once

#include <string>
#include <vector>

#include "core/input_report.h"
#include "detect/finding.h"
#include "investigate/investigator.h"

namespace callhome {

struct TextReportOptions {
  size_t max_incidents = 20;  // stories told in full
  size_t max_evidence = 2;    // evidence references shown per finding
};

std::string render_text_report(const std::vector<InputReport>& inputs,
                               const std::vector<Finding>& findings,
                               const std::vector<Incident>& incidents,
                               const TextReportOptions& options = {});

// "2001-05-16 13:58:20 UTC" (fractions dropped: for reading, not for citing).
std::string format_utc(double ts);

}  // namespace callhome
