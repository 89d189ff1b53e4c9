// report.html: one self-contained page (inline CSS and SVG, no scripts, no network) with each
// incident's explanations, actions, a timeline of its findings and the evidence they cite.
#pragma once

#include <string>
#include <vector>

#include "core/input_report.h"
#include "detect/finding.h"
#include "investigate/investigator.h"

namespace callhome {

std::string render_html_report(const std::vector<InputReport>& inputs,
                               const std::vector<Finding>& findings,
                               const std::vector<Incident>& incidents);

// report.md: the same content as Markdown.
std::string render_markdown_report(const std::vector<InputReport>& inputs,
                                   const std::vector<Finding>& findings,
                                   const std::vector<Incident>& incidents);

}  // namespace callhome
