#include "detect/finding_kind.h"

namespace callhome {
namespace {

struct KindInfo {
  const char* name;
  const char* meaning;
};

constexpr KindInfo kKinds[] = {
#define CALLHOME_FINDING_KIND_INFO(name, meaning) {#name, meaning},
    CALLHOME_FINDING_KINDS(CALLHOME_FINDING_KIND_INFO)
#undef CALLHOME_FINDING_KIND_INFO
};

}  // namespace

const char* to_string(FindingKind k) {
  return kKinds[size_t(k)].name;
}

const char* meaning(FindingKind k) {
  return kKinds[size_t(k)].meaning;
}

std::optional<FindingKind> finding_kind_from_name(std::string_view name) {
  for (size_t i = 0; i < kFindingKindCount; ++i) {
    if (name == kKinds[i].name) return FindingKind(i);
  }
  return std::nullopt;
}

}  // namespace callhome
