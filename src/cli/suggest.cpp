#include "cli/suggest.h"

#include <algorithm>
#include <numeric>

namespace callhome {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus the swap of two neighbours ("anaylze"), the
  // commonest typing slip. Three rows suffice.
  std::vector<size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), size_t(0));
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(std::string_view typed, const std::vector<std::string>& candidates) {
  // Dashes are not letters the user chose: "--jsn" is one letter off "--json", not one in five.
  const size_t letters = typed.size() - std::min(typed.find_first_not_of('-'), typed.size());
  // One wrong letter in three; none in a word of one or two ("-x" is no slip of "-h").
  const size_t allowed = letters < 3 ? 0 : std::max<size_t>(1, letters / 3);
  std::string best;
  size_t best_distance = allowed + 1;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(typed, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty() || letters < 2) return best;
  // No near spelling: an unambiguous beginning of one.
  std::string prefixed;
  for (const auto& c : candidates) {
    if (!c.starts_with(typed)) continue;
    if (!prefixed.empty()) return {};
    prefixed = c;
  }
  return prefixed;
}

}  // namespace callhome
