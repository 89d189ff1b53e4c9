// CIDR prefixes and sets of them: "is this address inside the site?" and similar questions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace callhome {

// `a` with all but its first `bits` bits cleared, in the 128-bit (v4-mapped) space: the
// network an address belongs to, for grouping by prefix.
Address mask_prefix(const Address& a, int bits);

struct Cidr {
  Address base;    // already masked to `bits`
  int bits = 128;  // prefix length in the 128-bit (v4-mapped) space

  // "10.0.0.0/8", "2001:db8::/32" or a bare address (a host route).
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const Address& a) const;
  std::string to_string() const;  // family-native prefix length (10.0.0.0/8, not /104)
};

class NetworkSet {
 public:
  NetworkSet() = default;
  explicit NetworkSet(std::vector<Cidr> cidrs) : cidrs_(std::move(cidrs)) {}

  // RFC 1918, RFC 4193 (fc00::/7): the spec's default notion of "internal".
  static NetworkSet private_ranges();

  void add(const Cidr& c) { cidrs_.push_back(c); }
  bool contains(const Address& a) const;
  bool empty() const { return cidrs_.empty(); }
  const std::vector<Cidr>& cidrs() const { return cidrs_; }

 private:
  std::vector<Cidr> cidrs_;
};

}  // namespace callhome
