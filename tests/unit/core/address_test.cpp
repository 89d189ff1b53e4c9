#include "core/address.h"

#include <gtest/gtest.h>

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
  for (const char* bad : {"", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "a.b.c.d", " 1.2.3.4"}) {
    EXPECT_FALSE(Address::parse(bad)) << bad;
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

}  // namespace
}  // namespace callhome
