// Special-purpose address ranges (IANA IPv4/IPv6 Special-Purpose Address Registries, RFC 6890
// and successors). They are named before any ownership database is asked: no organisation owns
// 192.168.1.3 or 2001:db8::1, and "private (RFC 1918)" is the useful answer. They live in code
// rather than in data/ because they are protocol facts that must hold even when the data
// directory is missing, and they change once a decade.
#pragma once

#include <optional>
#include <string_view>

#include "core/address.h"

namespace callhome {

struct ReservedRange {
  std::string_view prefix;  // "10.0.0.0/8"
  std::string_view name;    // "private (RFC 1918)"
  bool global = false;      // routable on the internet (6to4, Teredo, NAT64): its traffic
                            // still goes out, but its owner is the embedded or relay address
};

// The most specific special-purpose range containing `a`, or nothing for ordinary addresses.
std::optional<ReservedRange> reserved_range(const Address& a);

}  // namespace callhome
