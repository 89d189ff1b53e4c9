// The explanations callhome weighs for a host, as data (data/explanations.toml): for each, a
// prior, the facts for and against it with a weight in log-likelihood-ratio units and the
// source of that weight, the actions it recommends and its severity policy. Adding an
// explanation is an entry in that file (and a test), not code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/finding.h"
#include "enrich/result.h"
#include "investigate/facts.h"

namespace callhome {

struct EvidenceRule {
  Fact fact;
  double weight = 0;    // natural-log likelihood ratio; negative counts against
  bool absent = false;  // the weight applies when the fact does NOT hold
  std::string reason;   // the sentence shown to the user when the fact holds
  std::string source;   // where the weight comes from
};

// The severity of an incident whose most likely explanation is this one.
struct SeverityPolicy {
  std::optional<Severity> cap;     // at most this, whatever the findings say (benign ones)
  std::optional<Severity> floor;   // at least this, once the explanation is confident enough
  std::optional<Severity> likely;  // at least this while it is the most likely, not yet confident
};

struct Explanation {
  std::string name;
  double prior = 0;  // log-odds before any evidence, against the reference "benign" (0)
  std::string prior_source;
  std::vector<EvidenceRule> evidence;
  // Templates: {host}, {targets} (what the supporting facts are about), {proxy}.
  std::vector<std::string> actions;
  SeverityPolicy severity;
};

struct ExplanationTable {
  // Scores are divided by this before they become probabilities: the one parameter fitted on
  // the labelled cases so that stated confidence matches how often the verdict is right.
  double temperature = 1;
  // A floor in a severity policy applies from this confidence on.
  double floor_confidence = 0.6;
  // The most any explanation is stated to be: what the labelled cases can vouch for.
  double max_confidence = 0.95;
  std::vector<Explanation> explanations;

  static Result<ExplanationTable> parse(std::string_view toml_text, std::string_view file_name);
  static Result<ExplanationTable> load(const std::string& path);
  // data/explanations.toml from the data directory; a broken table is a fatal error there.
  static const ExplanationTable& shipped();
};

}  // namespace callhome
