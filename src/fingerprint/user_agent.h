// HTTP User-Agent strings read as product, version and OS, and the agents callhome knows by name
// (update agents, antivirus updaters, OS services) from data/user_agents.tsv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "enrich/result.h"

namespace callhome {

struct KnownAgent {
  std::string pattern;   // a substring of the User-Agent, any case
  std::string name;      // "Windows Update", "Symantec LiveUpdate"
  std::string category;  // update_agent, antivirus_updater, os_service, package_manager, ...
  std::string os;        // the OS the agent implies, or empty
  std::string source;
};

class UserAgentKnowledge {
 public:
  // Columns: pattern, name, category, os ("-" for none), source. The first matching entry wins.
  static Result<UserAgentKnowledge> parse(std::string_view text, std::string_view name);
  static Result<UserAgentKnowledge> load(const std::string& path);

  const KnownAgent* find(std::string_view user_agent) const;
  const std::vector<KnownAgent>& entries() const { return entries_; }

 private:
  std::vector<KnownAgent> entries_;
};

struct UserAgentInfo {
  std::string product;   // "Chrome", "Internet Explorer", "Microsoft-CryptoAPI", "curl"
  std::string version;   // "120.0.0.0", "6.0", "" when none
  std::string os;        // "Windows 10/11", "Windows 98", "macOS 10.15.7", "Linux", "" unknown
  std::string category;  // "browser", or the known agent's category, or "" when unknown
  const KnownAgent* known = nullptr;
};

// Reads the usual shapes: browsers ("Mozilla/5.0 (Windows NT 10.0; ...) ... Chrome/120.0"), old
// Internet Explorer ("compatible; MSIE 6.0; Windows 98"), and programs ("Name/1.2 (comment)").
UserAgentInfo normalise_user_agent(std::string_view ua, const UserAgentKnowledge* known);

// The OS a User-Agent names ("Windows NT 5.1" is "Windows XP"); empty when none.
std::string user_agent_os(std::string_view ua);

}  // namespace callhome
