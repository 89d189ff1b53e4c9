#include "fingerprint/software_knowledge.h"

namespace callhome {

SoftwareKnowledge SoftwareKnowledge::load(const std::string& data_dir,
                                          const std::string& p0f_path) {
  SoftwareKnowledge k;
  if (auto db = P0fDatabase::load(p0f_path)) {
    if (db->empty()) {
      k.warnings.push_back(p0f_path + " holds no TCP signatures: no OS guesses");
    } else {
      k.p0f = std::move(*db);
    }
    // The file is p0f's, not ours: a few lines it has that we cannot read are said once.
    if (k.p0f && !k.p0f->warnings().empty()) {
      k.warnings.push_back(std::to_string(k.p0f->warnings().size()) +
                           " signature line(s) skipped, the first: " + k.p0f->warnings().front());
    }
  } else {
    k.warnings.push_back("no OS guesses from TCP handshakes: " + db.error() +
                         " (install Debian's p0f package, or set CALLHOME_P0F_FP)");
  }
  if (auto t = TlsClientKnowledge::load(data_dir + "/tls_clients.tsv")) {
    k.tls_clients = std::move(*t);
  } else {
    k.warnings.push_back("TLS client names unavailable: " + t.error());
  }
  if (auto u = UserAgentKnowledge::load(data_dir + "/user_agents.tsv")) {
    k.user_agents = std::move(*u);
  } else {
    k.warnings.push_back("known User-Agents unavailable: " + u.error());
  }
  return k;
}

SoftwareObserverOptions SoftwareKnowledge::options(const NetworkSet& internal) const {
  SoftwareObserverOptions o;
  o.internal = internal;
  o.p0f = p0f ? &*p0f : nullptr;
  o.tls_clients = tls_clients ? &*tls_clients : nullptr;
  o.user_agents = user_agents ? &*user_agents : nullptr;
  return o;
}

}  // namespace callhome
