#include "detect/finding_kind.h"

namespace callhome {
namespace {

// The names, in enum order; the meanings stay in the header as the kinds' documentation.
constexpr const char* kKinds[] = {
#define CALLHOME_FINDING_KIND_INFO(name, details, meaning) #name,
    CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_INFO)
#undef CALLHOME_FINDING_KIND_INFO
};

}  // namespace

const char* to_string(FindingKind k) {
  return kKinds[size_t(k)];
}

std::optional<FindingKind> finding_kind_from_name(std::string_view name) {
  for (size_t i = 0; i < kFindingKindCount; ++i) {
    if (name == kKinds[i]) return FindingKind(i);
  }
  return std::nullopt;
}

}  // namespace callhome
