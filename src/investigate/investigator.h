// Turns findings into incidents: per internal host, what happened, which explanation fits best
// (with the evidence for and against each), and what to do next. Hosts that show the same
// behaviour towards the same organisation are tied together: twelve PCs doing one thing is one
// story.
#pragma once

#include <string>
#include <vector>

#include "core/destination_lookup.h"
#include "core/network.h"
#include "detect/finding.h"
#include "investigate/explanations.h"

namespace callhome {

struct Hypothesis {
  std::string name;  // p2p_file_sharing, update_agent_proxy_bypass, ...
  double confidence = 0;
  std::vector<std::string> evidence_for, evidence_against;
  std::string explanation;  // the two lists as one paragraph
};

struct Incident {
  Address host;
  Severity severity = Severity::info;
  double first_ts = 0, last_ts = 0;
  std::vector<std::string> findings;   // finding ids, most severe first
  std::vector<Hypothesis> hypotheses;  // most likely first
  std::vector<std::string> actions;    // most urgent first
  // Hosts tied to this one through an organisation both keep failing to reach or contacting
  // (at most kMaxRelatedHosts listed, related_count counts them all), and those organisations.
  std::vector<Address> related_hosts;
  size_t related_count = 0;
  std::vector<std::string> shared_orgs;
  std::string headline;  // one line: host, what, likely why
};

struct InvestigationContext {
  InvestigationContext(const DestinationLookup& l) : lookup(l) {}  // NOLINT: implicit on purpose
  const DestinationLookup& lookup;
  NetworkSet internal = NetworkSet::private_ranges();
  std::string proxy;  // "192.168.1.2:3128" when the site has one, for the advice
  const ExplanationTable* explanations = nullptr;  // the shipped table when null
};

// Incidents ranked most severe first, then by number of findings.
std::vector<Incident> investigate(const std::vector<Finding>& findings,
                                  const InvestigationContext& ctx);

inline constexpr size_t kMaxRelatedHosts = 50;

// Incidents that tell one story: the same most likely explanation on hosts tied together
// (sharing an organisation in shared_orgs). Each story lists indices into `incidents`, in rank
// order; the stories are ranked by their first member.
std::vector<std::vector<size_t>> group_stories(const std::vector<Incident>& incidents);

}  // namespace callhome
