// The indicators of every threat-intelligence list of a run, indexed for the questions asked of
// each event: "is this address listed?" and "is this name, or a domain it is under, listed?".
// Addresses and networks sit in one hash table per prefix length (a host route is /128 in the
// v4-mapped space), looked up longest prefix first, so an address costs one probe per distinct
// prefix length the lists use (a handful); address-and-port entries in a table of their own;
// domains in a hash table probed with the name and each of its parents ("a.b.evil.example",
// "b.evil.example", "evil.example", "example"). An indicator listed twice keeps its first
// listing. The number of indicators is capped; what the cap left out is counted.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detect/intel_list.h"

namespace callhome {

struct IntelEntry {
  IndicatorType type = IndicatorType::address;
  uint32_t list = 0;  // index into IntelMatcher::lists()
  uint32_t line = 0;  // 1-based line of the list that names it
  std::string text;   // canonical: "203.0.113.7", "198.51.100.0/24", "[2001:db8::7]:443", a domain
};

class IntelMatcher {
 public:
  static constexpr size_t kDefaultMaxIndicators = 2'000'000;
  explicit IntelMatcher(size_t max_indicators = kDefaultMaxIndicators)
      : max_indicators_(max_indicators) {}

  IntelMatcher(const IntelMatcher&) = delete;  // the domain table views into the entries
  IntelMatcher& operator=(const IntelMatcher&) = delete;
  IntelMatcher(IntelMatcher&&) = default;

  // A parser whose indicators go into this matcher, as a new list; `name` is how findings and
  // messages name it (its path). The matcher must outlive it.
  IntelListParser parser(std::string name);
  // A whole list at once.
  IntelListStats add_list(std::string_view text, std::string name);

  // The entry listing `a`, most specific first: an address-and-port entry (when `port` is not
  // 0), the address, then the narrowest network holding it.
  std::optional<uint32_t> match_address(const Address& a, uint16_t port = 0) const;
  // The entry listing `name` or the nearest domain above it. Any case, a trailing dot allowed.
  std::optional<uint32_t> match_name(std::string_view name) const;

  const IntelEntry& entry(uint32_t id) const { return entries_[id]; }
  const std::vector<std::string>& lists() const { return lists_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  bool has_domains() const { return !by_domain_.empty(); }
  uint64_t duplicates() const { return duplicates_; }
  uint64_t dropped() const { return dropped_; }  // indicators beyond the cap

 private:
  void add(Indicator&& i, uint32_t list, uint32_t line);
  std::optional<uint32_t> new_entry(IndicatorType type, uint32_t list, uint32_t line,
                                    std::string text);

  size_t max_indicators_;
  std::vector<std::string> lists_;
  std::deque<IntelEntry> entries_;  // a deque: domain keys below view into the entries' text
  // (prefix length, masked address -> entry), longest prefix first.
  std::vector<std::pair<int, absl::flat_hash_map<Address, uint32_t>>> by_prefix_;
  absl::flat_hash_map<std::pair<Address, uint16_t>, uint32_t> by_endpoint_;
  absl::flat_hash_map<std::string_view, uint32_t> by_domain_;
  uint64_t duplicates_ = 0, dropped_ = 0;
};

}  // namespace callhome
