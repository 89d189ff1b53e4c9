// What fingerprinting reads at start: p0f's TCP signatures (/etc/p0f/p0f.fp, from Debian's p0f
// package) and callhome's own data/tls_clients.tsv and data/user_agents.tsv. Each missing piece
// only turns its part off, with a warning; the analysis goes on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/network.h"
#include "fingerprint/p0f_database.h"
#include "fingerprint/software_observer.h"
#include "fingerprint/tls_clients.h"
#include "fingerprint/user_agent.h"

namespace callhome {

struct SoftwareKnowledge {
  std::optional<P0fDatabase> p0f;
  std::optional<TlsClientKnowledge> tls_clients;
  std::optional<UserAgentKnowledge> user_agents;
  std::vector<std::string> warnings;  // one sentence each, for the user

  static SoftwareKnowledge load(const std::string& data_dir,
                                const std::string& p0f_path = P0fDatabase::default_path());
  SoftwareObserverOptions options(const NetworkSet& internal) const;
};

}  // namespace callhome
