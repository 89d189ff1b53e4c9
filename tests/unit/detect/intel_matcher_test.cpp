#include "detect/intel_matcher.h"

#include <gtest/gtest.h>

#include "detect/intel_loader.h"
#include "unit/temp_dir.h"

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}

// The text of the indicator matching `a` (and port), or "" for none.
std::string addr(const IntelMatcher& m, const char* a, uint16_t port = 0) {
  const auto id = m.match_address(A(a), port);
  return id ? m.entry(*id).text : "";
}

std::string name(const IntelMatcher& m, std::string_view n) {
  const auto id = m.match_name(n);
  return id ? m.entry(*id).text : "";
}

TEST(IntelMatcher, DomainsMatchTheNameAndEveryNameUnderIt) {
  IntelMatcher m;
  m.add_list("evil.example\nb.other.example\n", "list.txt");
  EXPECT_EQ(name(m, "evil.example"), "evil.example");
  EXPECT_EQ(name(m, "a.b.evil.example"), "evil.example");
  EXPECT_EQ(name(m, "A.B.EVIL.Example."), "evil.example");
  EXPECT_EQ(name(m, "x.b.other.example"), "b.other.example");
  EXPECT_EQ(name(m, "b.other.example"), "b.other.example");
  EXPECT_EQ(name(m, "other.example"), "");    // a parent of a listed name is not listed
  EXPECT_EQ(name(m, "notevil.example"), "");  // labels, not characters
  EXPECT_EQ(name(m, "evil.example.com"), "");
  EXPECT_EQ(name(m, "example"), "");
  EXPECT_EQ(name(m, ""), "");
  EXPECT_EQ(name(m, std::string(300, 'a')), "");
}

TEST(IntelMatcher, TheNearestListedDomainWins) {
  IntelMatcher m;
  m.add_list("evil.example\nc2.evil.example\n", "list.txt");
  EXPECT_EQ(name(m, "x.c2.evil.example"), "c2.evil.example");
  EXPECT_EQ(name(m, "www.evil.example"), "evil.example");
}

TEST(IntelMatcher, NetworkEdgesAreInsideAndTheirNeighboursOutside) {
  IntelMatcher m;
  m.add_list("198.51.100.0/24\n203.0.113.128/25\n", "list.txt");
  EXPECT_EQ(addr(m, "198.51.100.0"), "198.51.100.0/24");
  EXPECT_EQ(addr(m, "198.51.100.255"), "198.51.100.0/24");
  EXPECT_EQ(addr(m, "198.51.99.255"), "");
  EXPECT_EQ(addr(m, "198.51.101.0"), "");
  EXPECT_EQ(addr(m, "203.0.113.127"), "");
  EXPECT_EQ(addr(m, "203.0.113.128"), "203.0.113.128/25");
  EXPECT_EQ(addr(m, "203.0.113.255"), "203.0.113.128/25");
  EXPECT_EQ(addr(m, "203.0.114.0"), "");
}

TEST(IntelMatcher, TheMostSpecificEntryWins) {
  IntelMatcher m;
  m.add_list("10.0.0.0/8\n10.1.0.0/16\n10.1.2.3\n10.1.2.3:443\n", "list.txt");
  EXPECT_EQ(addr(m, "10.1.2.3", 443), "10.1.2.3:443");
  EXPECT_EQ(addr(m, "10.1.2.3", 80), "10.1.2.3");
  EXPECT_EQ(addr(m, "10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(addr(m, "10.1.9.9"), "10.1.0.0/16");
  EXPECT_EQ(addr(m, "10.9.9.9"), "10.0.0.0/8");
  EXPECT_EQ(addr(m, "11.0.0.0"), "");
}

TEST(IntelMatcher, AddressAndPortEntriesMatchThatPortOnly) {
  IntelMatcher m;
  m.add_list("203.0.113.7:8080\n[2001:db8::7]:443\n", "list.txt");
  EXPECT_EQ(addr(m, "203.0.113.7", 8080), "203.0.113.7:8080");
  EXPECT_EQ(addr(m, "203.0.113.7", 80), "");
  EXPECT_EQ(addr(m, "203.0.113.7"), "");
  EXPECT_EQ(addr(m, "2001:db8::7", 443), "[2001:db8::7]:443");
  EXPECT_EQ(addr(m, "2001:db8::7", 80), "");
}

TEST(IntelMatcher, Ipv6AddressesAndNetworks) {
  IntelMatcher m;
  m.add_list("2001:db8:40::/48\n2001:db8::7\n", "list.txt");
  EXPECT_EQ(addr(m, "2001:db8:40::"), "2001:db8:40::/48");
  EXPECT_EQ(addr(m, "2001:db8:40:ffff:ffff:ffff:ffff:ffff"), "2001:db8:40::/48");
  EXPECT_EQ(addr(m, "2001:db8:41::"), "");
  EXPECT_EQ(addr(m, "2001:db8:3f:ffff:ffff:ffff:ffff:ffff"), "");
  EXPECT_EQ(addr(m, "2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(addr(m, "2001:db8::8"), "");
  // An IPv4 entry never matches the IPv6 address with the same low bits, and the reverse.
  IntelMatcher v4;
  v4.add_list("192.0.2.1\n", "list.txt");
  EXPECT_EQ(addr(v4, "::c000:201"), "");
  EXPECT_EQ(addr(v4, "::ffff:192.0.2.1"), "192.0.2.1");  // v4-mapped is the same address
}

TEST(IntelMatcher, AHitNamesItsListAndLine) {
  IntelMatcher m;
  m.add_list("# first\nevil.example\n", "a.txt");
  m.add_list("\n\n203.0.113.7\nevil.example\n", "b.txt");
  const auto d = m.match_name("x.evil.example");
  ASSERT_TRUE(d);
  EXPECT_EQ(m.lists()[m.entry(*d).list], "a.txt");  // listed twice: the first listing
  EXPECT_EQ(m.entry(*d).line, 2u);
  EXPECT_EQ(m.entry(*d).type, IndicatorType::domain);
  const auto a = m.match_address(A("203.0.113.7"));
  ASSERT_TRUE(a);
  EXPECT_EQ(m.lists()[m.entry(*a).list], "b.txt");
  EXPECT_EQ(m.entry(*a).line, 3u);
  EXPECT_EQ(m.duplicates(), 1u);
  EXPECT_EQ(m.size(), 2u);
}

TEST(IntelMatcher, TheCapLimitsIndicatorsAndCountsTheRest) {
  IntelMatcher m(2);
  m.add_list("a.example\nb.example\nc.example\n203.0.113.7\n", "list.txt");
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.dropped(), 2u);
  EXPECT_EQ(name(m, "b.example"), "b.example");
  EXPECT_EQ(name(m, "c.example"), "");
}

TEST(IntelLoader, BadLinesAreWarningsWithFileAndLine) {
  testing::TempDir dir;
  const std::string path = dir.write("feodo.txt", "# Feodo\n203.0.113.7\nnot!valid\n");
  IntelMatcher m;
  const IntelLoad load = load_intel_lists({{path, "--intel"}}, m);
  EXPECT_EQ(load.error, "");
  EXPECT_EQ(m.size(), 1u);
  ASSERT_EQ(load.warnings.size(), 1u);
  EXPECT_EQ(load.warnings[0].rfind(path + ":3: ", 0), 0u) << load.warnings[0];
  EXPECT_NE(load.warnings[0].find("'not!valid'"), std::string::npos);
}

TEST(IntelLoader, AMissingListIsAnErrorNamingIt) {
  testing::TempDir dir;
  const std::string good = dir.write("good.txt", "evil.example\n");
  IntelMatcher m;
  const IntelLoad load = load_intel_lists(
      {{good, "--intel"}, {dir.file("missing.txt"), "site.toml [intel] lists"}}, m);
  EXPECT_NE(load.error.find(dir.file("missing.txt")), std::string::npos) << load.error;
  EXPECT_NE(load.error.find("site.toml [intel] lists"), std::string::npos) << load.error;
  EXPECT_NE(load.error.find("No such file"), std::string::npos) << load.error;
}

TEST(IntelLoader, AFolderIsRefused) {
  testing::TempDir dir;
  IntelMatcher m;
  const IntelLoad load = load_intel_lists({{dir.path(), "--intel"}}, m);
  EXPECT_NE(load.error.find("not a regular file"), std::string::npos) << load.error;
}

TEST(IntelLoader, AListWithNothingUsableIsSaid) {
  testing::TempDir dir;
  const std::string path = dir.write("empty.txt", "# nothing yet\n");
  IntelMatcher m;
  const IntelLoad load = load_intel_lists({{path, "--intel"}}, m);
  EXPECT_EQ(load.error, "");
  ASSERT_EQ(load.warnings.size(), 1u);
  EXPECT_NE(load.warnings[0].find("no indicators"), std::string::npos);
}

}  // namespace
}  // namespace callhome
