// Not crying wolf: periodic traffic to services every network has (time servers, DNS resolvers,
// update and antivirus services) is explained rather than accused, and a schedule shared by many
// hosts reads as installed software. Findings stay visible; their severity says why it was lowered.
#pragma once

#include <vector>

#include "core/destination_lookup.h"
#include "detect/finding.h"

namespace callhome {

// Lowers and annotates beacon findings that a known service or prevalence across hosts explains.
// Sets known_service on the details of those a known service explains, and hosts_sharing on
// those whose schedule several hosts keep.
void explain_known_periodic(std::vector<Finding>& findings, const DestinationLookup& lookup);

}  // namespace callhome
