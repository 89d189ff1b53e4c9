#include "investigate/facts.h"

#include <algorithm>

namespace callhome {
namespace {

// The names, in enum order; the meanings stay in the header as the kinds' documentation.
constexpr const char* kFacts[] = {
#define CALLHOME_FACT_INFO(name, meaning) #name,
    CALLHOME_FACTS(CALLHOME_FACT_INFO)
#undef CALLHOME_FACT_INFO
};

}  // namespace

const char* fact_name(Fact f) {
  return kFacts[size_t(f)];
}

std::optional<Fact> fact_from_name(std::string_view name) {
  for (size_t i = 0; i < kFactCount; ++i) {
    if (name == kFacts[i]) return Fact(i);
  }
  return std::nullopt;
}

void HostFacts::set(Fact f, std::string detail, std::vector<std::string> targets) {
  FactValue& v = v_[size_t(f)];
  v.holds = true;
  if (!detail.empty() && v.detail.find(detail) == std::string::npos) {
    v.detail += (v.detail.empty() ? "" : "; ") + detail;
  }
  for (auto& t : targets) {
    if (!t.empty() && std::find(v.targets.begin(), v.targets.end(), t) == v.targets.end()) {
      v.targets.push_back(std::move(t));
    }
  }
}

}  // namespace callhome
