// "Did you mean ...?": the known word nearest to a mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callhome {

// Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `a` into `b`.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if it is close enough to be what was meant: a third of the
// word's letters may be wrong (at least one, in a word of three or more), or the word may be the
// start of exactly one candidate ("--fail" for "--fail-on"). Empty when nothing is that close.
std::string closest(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace callhome
