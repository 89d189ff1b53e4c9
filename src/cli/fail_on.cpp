#include "cli/fail_on.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "cli/exit_status.h"
#include "cli/suggest.h"

namespace callhome {
namespace {

constexpr Severity kAll[] = {Severity::info, Severity::low, Severity::medium, Severity::high,
                             Severity::critical};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<Severity> severity_named(std::string_view name) {
  const std::string wanted = lower(name);
  for (Severity s : kAll) {
    if (wanted == to_string(s)) return s;
  }
  return std::nullopt;
}

CLI::Validator severity_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (severity_named(value)) return {};
        std::vector<std::string> names;
        for (Severity s : kAll) names.emplace_back(to_string(s));
        const std::string near = closest(lower(value), names);
        return "'" + value + "' is not a severity" +
               (near.empty() ? std::string() : "; did you mean " + near + "?") +
               " (one of info, low, medium, high, critical)";
      },
      "", "severity");
}

int fail_on_status(const std::vector<Incident>& incidents, std::optional<Severity> threshold) {
  if (!threshold) return kExitOk;
  const bool reached = std::any_of(incidents.begin(), incidents.end(),
                                   [&](const Incident& i) { return i.severity >= *threshold; });
  return reached ? kExitFindings : kExitOk;
}

}  // namespace callhome
