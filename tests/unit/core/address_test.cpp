#include "core/address.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/network.h"

namespace callhome {
namespace {

TEST(Address, ParsesAndPrintsBothFamilies) {
  auto v4 = Address::parse("192.168.1.3");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->v4_value(), 0xC0A80103u);
  EXPECT_EQ(v4->to_string(), "192.168.1.3");

  auto v6 = Address::parse("2001:0:4137:9e50:8000:f12a:b9c8:2815");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_v4());
  EXPECT_EQ(v6->to_string(), "2001:0:4137:9e50:8000:f12a:b9c8:2815");
  EXPECT_EQ(Address::parse("[fe80::1%eth0]")->to_string(), "fe80::1");
}

TEST(Address, RejectsGarbage) {
  for (const char* bad : {"", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "a.b.c.d", " 1.2.3.4",
                          "1.2.3.0004", "1.2.3.256", "1..2.3", "1.2.3.4 ", "1.2.3.", "1.2.3.-4"}) {
    EXPECT_FALSE(Address::parse(bad)) << bad;
  }
  // inet_pton reads a C string: what follows a NUL must not be ignored.
  EXPECT_FALSE(Address::parse(std::string_view("::1\0junk", 8)));
  EXPECT_FALSE(Address::parse(std::string_view("1.2.3.4\0junk", 12)));
}

TEST(Address, DottedQuadEdgesRoundTrip) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.100.9", "1.20.3.199"}) {
    auto a = Address::parse(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(a->to_string(), text);
    char buf[Address::kMaxText];
    EXPECT_EQ(std::string(buf, a->format(buf)), text);
  }
  EXPECT_EQ(Address::parse("[10.1.2.3]")->to_string(), "10.1.2.3");
  // Zero-padded octets, as some devices print them, are decimal: never octal.
  EXPECT_EQ(Address::parse("010.001.002.099")->to_string(), "10.1.2.99");
}

// The dotted-quad rule written out plainly: four parts of one to three decimal digits, each at
// most 255. parse_v4 is unrolled for speed; it must agree with this on every text.
std::optional<uint32_t> reference_v4(std::string_view s) {
  uint32_t value = 0;
  for (int part = 0; part < 4; ++part) {
    size_t digits = 0;
    uint32_t octet = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
      octet = octet * 10 + uint32_t(s[digits] - '0');
      ++digits;
    }
    if (digits == 0 || digits > 3 || octet > 255) return std::nullopt;
    value = value << 8 | octet;
    s.remove_prefix(digits);
    if (part < 3) {
      if (s.empty() || s[0] != '.') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (!s.empty()) return std::nullopt;
  return value;
}

void expect_agrees(std::string_view text) {
  const auto want = reference_v4(text);
  Address got;
  ASSERT_EQ(Address::parse_v4(text, got), want.has_value()) << text;
  if (want) {
    ASSERT_EQ(got, Address::v4(*want)) << text;
  }
}

TEST(Address, DottedQuadParserAgreesWithThePlainRule) {
  // Every split of octets one to three digits long, with values and leading zeros that probe
  // each place: every length a dotted quad can have (7 to 15 bytes) and all their shapes.
  const char* octets[] = {"0", "9", "10", "99", "255", "256", "099", "000", "999", "300", "25"};
  for (const char* a : octets) {
    for (const char* b : octets) {
      for (const char* c : octets) {
        for (const char* d : octets) {
          const std::string text = std::string(a) + "." + b + "." + c + "." + d;
          expect_agrees(text);
          expect_agrees(text + ".");
          expect_agrees(text + "0");
          expect_agrees(text.substr(1));
          expect_agrees(text.substr(0, text.size() - 1));
        }
      }
    }
  }
  // Random texts over the bytes that matter, and a few that must never pass: NUL, blanks, signs.
  const char alphabet[] = "0123456789....\0 +-/:x";
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 400000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const size_t len = size_t(state >> 60);  // 0 to 15
    std::string text;
    uint64_t bits = state;
    for (size_t k = 0; k < len; ++k) {
      bits = bits * 6364136223846793005ull + 1442695040888963407ull;
      text.push_back(alphabet[(bits >> 40) % (sizeof alphabet - 1)]);
    }
    expect_agrees(text);
  }
}

TEST(NetworkSet, PrivateRangesAreTheSpecDefault) {
  auto internal = NetworkSet::private_ranges();
  EXPECT_TRUE(internal.contains(*Address::parse("192.168.0.13")));
  EXPECT_TRUE(internal.contains(*Address::parse("172.31.255.255")));
  EXPECT_FALSE(internal.contains(*Address::parse("172.32.0.1")));
  EXPECT_FALSE(internal.contains(*Address::parse("72.246.53.81")));
  EXPECT_TRUE(internal.contains(*Address::parse("fd00::5")));
  EXPECT_FALSE(internal.contains(*Address::parse("2001:db8::1")));
}

TEST(Cidr, ParsesPrefixesInTheirOwnFamily) {
  auto c = Cidr::parse("10.1.2.3/8");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "10.0.0.0/8");
  EXPECT_TRUE(c->contains(*Address::parse("10.200.0.1")));
  EXPECT_FALSE(c->contains(*Address::parse("11.0.0.1")));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::parse("10.0.0.0/x"));
  EXPECT_EQ(Cidr::parse("2001:db8::/32")->to_string(), "2001:db8::/32");
}

TEST(Cidr, PrefixesAcrossTheSixtyFourBitHalf) {
  const auto c60 = *Cidr::parse("2001:db8:0:10::/60"),
             c72 = *Cidr::parse("2001:db8::ff00:0:0:0/72");
  EXPECT_TRUE(c60.contains(*Address::parse("2001:db8:0:1f::1")));
  EXPECT_FALSE(c60.contains(*Address::parse("2001:db8:0:20::1")));
  EXPECT_TRUE(c72.contains(*Address::parse("2001:db8::ff12:3:4:5")));
  EXPECT_FALSE(c72.contains(*Address::parse("2001:db8::fe00:0:0:1")));
  EXPECT_TRUE(Cidr::parse("0.0.0.0/0")->contains(*Address::parse("8.8.8.8")));
  EXPECT_FALSE(Cidr::parse("0.0.0.0/0")->contains(*Address::parse("2001:db8::1")));
  EXPECT_TRUE(Cidr::parse("::/0")->contains(*Address::parse("2001:db8::1")));
  EXPECT_TRUE(Cidr::parse("192.0.2.7")->contains(*Address::parse("192.0.2.7")));
  EXPECT_FALSE(Cidr::parse("192.0.2.7")->contains(*Address::parse("192.0.2.6")));
}

}  // namespace
}  // namespace callhome
