#include "detect/finding_details.h"

namespace callhome {
namespace {

template <typename T, typename Variant>
struct IndexIn;
template <typename T, typename... Ts>
struct IndexIn<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    size_t i = 0;
    (void)((std::is_same_v<T, Ts> ? false : (++i, true)) && ...);
    return i;
  }();
};

// The variant index of each kind's details, in enum order.
constexpr size_t kDetailsIndex[] = {
#define CALLHOME_FINDING_DETAILS_INDEX(name, details, meaning) \
  IndexIn<details, FindingDetails>::value,
    CALLHOME_FINDING_KINDS(CALLHOME_FINDING_DETAILS_INDEX)
#undef CALLHOME_FINDING_DETAILS_INDEX
};

}  // namespace

bool details_fit(FindingKind kind, const FindingDetails& details) {
  return details.index() == 0 || details.index() == kDetailsIndex[size_t(kind)];
}

nlohmann::json to_json(const FindingDetails& details) {
  return std::visit(
      [](const auto& d) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(d)>, std::monostate>) {
          return nlohmann::json::object();
        } else {
          return d;
        }
      },
      details);
}

}  // namespace callhome
