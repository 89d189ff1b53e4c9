// IPv4 and IPv6 addresses in one value type; IPv4 is stored v4-mapped (::ffff:a.b.c.d) so that
// one hash map and one comparison serve both families.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace callhome {

class Address {
 public:
  constexpr Address() = default;

  static Address v4(uint32_t host_order) {
    Address a;
    a.bytes_[10] = a.bytes_[11] = 0xff;
    a.bytes_[12] = uint8_t(host_order >> 24);
    a.bytes_[13] = uint8_t(host_order >> 16);
    a.bytes_[14] = uint8_t(host_order >> 8);
    a.bytes_[15] = uint8_t(host_order);
    return a;
  }
  // Four bytes in network order, as found in an IPv4 header.
  static Address v4_bytes(const uint8_t* p) {
    Address a;
    a.bytes_[10] = a.bytes_[11] = 0xff;
    std::memcpy(&a.bytes_[12], p, 4);
    return a;
  }
  // Sixteen bytes in network order, as found in an IPv6 header.
  static Address v6_bytes(const uint8_t* p) {
    Address a;
    std::memcpy(a.bytes_.data(), p, 16);
    return a;
  }
  // Accepts dotted quad and any RFC 4291 text form (with an optional %zone, ignored).
  static std::optional<Address> parse(std::string_view text);
  // Dotted quad only, without the copy and call inet_pton costs: logs carry an address or two
  // on every line. Leading zeros are read as decimal (as devices pad them), never as octal.
  static bool parse_v4(std::string_view text, Address& out);

  bool is_v4() const {
    static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(bytes_.data(), kPrefix, 12) == 0;
  }
  uint32_t v4_value() const {
    return uint32_t(bytes_[12]) << 24 | uint32_t(bytes_[13]) << 16 | uint32_t(bytes_[14]) << 8 |
           bytes_[15];
  }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  bool is_unspecified() const { return *this == Address{}; }

  // Canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (what Zeek prints).
  std::string to_string() const;
  // The same text written to `out`, which has room for kMaxText bytes; returns its length.
  // No allocation: log writers format an address for every record.
  static constexpr size_t kMaxText = 46;
  size_t format(char* out) const;

  // The address as a 128-bit big-endian number, in two halves (prefix masks, ordering).
  uint64_t high() const { return __builtin_bswap64(word(0)); }
  uint64_t low() const { return __builtin_bswap64(word(1)); }

  // Two 64-bit loads instead of a memcmp call: addresses are compared for every packet.
  friend bool operator==(const Address& a, const Address& b) {
    return a.word(0) == b.word(0) && a.word(1) == b.word(1);
  }
  friend std::strong_ordering operator<=>(const Address& a, const Address& b) {
    if (a.high() != b.high()) return a.high() <=> b.high();
    return a.low() <=> b.low();
  }

  // Two words, not 16 bytes: combine_contiguous goes through the bulk byte hash, which cost
  // more than the table probe for the many maps keyed by address.
  template <typename H>
  friend H AbslHashValue(H h, const Address& a) {
    return H::combine(std::move(h), a.word(0), a.word(1));
  }

 private:
  uint64_t word(int i) const {
    uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * i, 8);
    return w;
  }
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace callhome
