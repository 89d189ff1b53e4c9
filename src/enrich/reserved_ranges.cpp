#include "enrich/reserved_ranges.h"

#include <cstdint>
#include <vector>

#include "core/network.h"

namespace callhome {
namespace {

constexpr ReservedRange kRanges[] = {
    // IPv4 (RFC 6890 table, updated by RFC 8190 and later assignments).
    {"0.0.0.0/8", "\"this network\" (RFC 791)"},
    {"0.0.0.0/32", "unspecified address (RFC 1122)"},
    {"10.0.0.0/8", "private (RFC 1918)"},
    {"100.64.0.0/10", "shared address space / carrier-grade NAT (RFC 6598)"},
    {"127.0.0.0/8", "loopback (RFC 1122)"},
    {"169.254.0.0/16", "link-local (RFC 3927)"},
    {"172.16.0.0/12", "private (RFC 1918)"},
    {"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
    {"192.0.0.170/31", "NAT64/DNS64 discovery (RFC 7050)"},
    {"192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"},
    {"192.31.196.0/24", "AS112-v4 anycast (RFC 7535)", true},
    {"192.52.193.0/24", "AMT relay anycast (RFC 7450)", true},
    {"192.88.99.0/24", "6to4 relay anycast, deprecated (RFC 7526)", true},
    {"192.168.0.0/16", "private (RFC 1918)"},
    {"192.175.48.0/24", "AS112 direct delegation (RFC 7534)", true},
    {"198.18.0.0/15", "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"},
    {"203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"},
    {"224.0.0.0/4", "multicast (RFC 5771)"},
    {"224.0.0.0/24", "local network control multicast (RFC 5771)"},
    {"239.0.0.0/8", "administratively scoped multicast (RFC 2365)"},
    {"240.0.0.0/4", "reserved for future use (RFC 1112)"},
    {"255.255.255.255/32", "limited broadcast (RFC 919)"},
    // IPv6 (RFC 6890 and the IANA IPv6 special-purpose registry).
    {"::/128", "unspecified address (RFC 4291)"},
    {"::1/128", "loopback (RFC 4291)"},
    {"64:ff9b::/96", "NAT64 well-known prefix, embeds an IPv4 address (RFC 6052)", true},
    {"64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"},
    {"100::/64", "discard-only (RFC 6666)"},
    {"2001::/23", "IETF protocol assignments (RFC 2928)"},
    {"2001::/32", "Teredo tunnelling (RFC 4380)", true},
    {"2001:1::1/128", "port control protocol anycast (RFC 7723)", true},
    {"2001:2::/48", "benchmarking (RFC 5180)"},
    {"2001:3::/32", "AMT (RFC 7450)", true},
    {"2001:4:112::/48", "AS112-v6 (RFC 7535)", true},
    {"2001:10::/28", "ORCHID, deprecated (RFC 4843)"},
    {"2001:20::/28", "ORCHIDv2 (RFC 7343)"},
    {"2001:db8::/32", "documentation (RFC 3849)"},
    {"2002::/16", "6to4, embeds an IPv4 address (RFC 3056)", true},
    {"2620:4f:8000::/48", "AS112 direct delegation (RFC 7534)", true},
    {"3fff::/20", "documentation (RFC 9637)"},
    {"5f00::/16", "SRv6 SIDs (RFC 9602)"},
    {"fc00::/7", "unique local (RFC 4193)"},
    {"fe80::/10", "link-local (RFC 4291)"},
    {"fec0::/10", "site-local, deprecated (RFC 3879)"},
    {"ff00::/8", "multicast (RFC 4291)"},
};

using u128 = unsigned __int128;

u128 key_of(const Address& a) {
  u128 k = 0;
  for (uint8_t b : a.bytes()) k = k << 8 | b;
  return k;
}

// Prefixes as 128-bit value/mask pairs over the v4-mapped space, so one scan of plain integer
// compares serves both families (a few nanoseconds for the whole table).
struct Compiled {
  u128 base, mask;
  int bits;
  const ReservedRange* range;
};

const std::vector<Compiled>& compiled() {
  static const std::vector<Compiled> table = [] {
    std::vector<Compiled> t;
    for (const auto& r : kRanges) {
      Cidr c = *Cidr::parse(r.prefix);
      u128 mask = c.bits == 0 ? u128(0) : ~u128(0) << (128 - c.bits);
      t.push_back({key_of(c.base) & mask, mask, c.bits, &r});
    }
    return t;
  }();
  return table;
}

}  // namespace

std::optional<ReservedRange> reserved_range(const Address& a) {
  u128 k = key_of(a);
  const Compiled* best = nullptr;
  for (const auto& c : compiled()) {
    if ((k & c.mask) == c.base && (!best || c.bits > best->bits)) best = &c;
  }
  if (!best) return std::nullopt;
  return *best->range;
}

}  // namespace callhome
