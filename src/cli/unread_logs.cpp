#include "cli/unread_logs.h"

#include <filesystem>

namespace callhome {
namespace {

// A log that does not say its name is named by its file: "dhcp.log",
// "dhcp.00:00:00-01:00:00.log.gz".
std::string name_of(const std::string& name, const InputReport& report) {
  if (!name.empty()) return name;
  const std::string file = std::filesystem::path(report.path).filename().string();
  const std::string stem = file.substr(0, file.find('.'));
  return stem.empty() || stem.front() == '<' ? "unnamed" : stem;  // "<stdin>" has no name
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

bool UnreadLogs::add(const InputReport& report) {
  for (const auto& name : report.unread_zeek_logs) {
    names_.insert(name_of(name, report));
    ++count_;
  }
  return !report.unread_zeek_logs.empty() && report.records == 0 && report.rejected == 0 &&
         report.problems.empty();
}

std::string UnreadLogs::summary() const {
  if (count_ == 0) return {};
  return "skipped " + std::to_string(count_) + " Zeek log" + (count_ == 1 ? "" : "s") +
         " callhome does not read: " + joined(names_);
}

std::string UnreadLogs::names_in(const InputReport& report) {
  std::set<std::string> names;
  for (const auto& name : report.unread_zeek_logs) names.insert(name_of(name, report));
  return joined(names);
}

}  // namespace callhome
