// Fuzzes the threat-intel list reader (one indicator a line: addresses, CIDRs, address:port,
// domains) fed in pieces, and the matcher built from it, asked about every line of the input
// as a name and as an address.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detect/intel_matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  callhome::IntelMatcher whole(64);
  whole.add_list(text, "fuzz.txt");
  // The same text in pieces split at the first byte's value must read the same.
  callhome::IntelMatcher pieces(64);
  callhome::IntelListParser parser = pieces.parser("fuzz.txt");
  const size_t step = size ? size_t(data[0] % 7) + 1 : 1;
  for (size_t at = 0; at < size; at += step) parser.feed(text.substr(at, step));
  const callhome::IntelListStats stats = parser.finish();
  if (pieces.size() != whole.size() || stats.indicators < pieces.size()) __builtin_trap();
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    volatile bool hit = whole.match_name(line).has_value();
    if (auto a = callhome::Address::parse(line.substr(0, 64))) {
      hit = whole.match_address(*a).has_value() || whole.match_address(*a, 443).has_value();
    }
    (void)hit;
    if (auto id = whole.match_name(line)) {
      volatile size_t n =
          whole.entry(*id).text.size() + whole.lists()[whole.entry(*id).list].size();
      (void)n;
    }
  }
  return 0;
}
