#include "core/public_suffix.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

TEST(PublicSuffix, RulesWildcardsAndExceptions) {
  auto p = PublicSuffixes::parse(
      "// comment\ncom\nuk\nco.uk\n*.ck\n!www.ck\n// ===END ICANN DOMAINS===\ncloudfront.net\n");
  EXPECT_TRUE(p.from_list());
  EXPECT_EQ(p.registrable("a.b.evil.com"), "evil.com");
  EXPECT_EQ(p.registrable("x.evil.co.uk"), "evil.co.uk");
  EXPECT_EQ(p.registrable("co.uk"), "");
  EXPECT_EQ(p.registrable("a.b.c.ck"), "b.c.ck");
  EXPECT_EQ(p.registrable("www.ck"), "www.ck");
  EXPECT_EQ(p.registrable("com"), "");
  // Unlisted TLDs fall to the implicit "*" rule.
  EXPECT_EQ(p.registrable("skpvbdpyt.0nedrive.agency"), "0nedrive.agency");
  // The private section is not read: a CDN's customers do not run its name servers.
  EXPECT_EQ(p.registrable("d27xxe7juh1us6.cloudfront.net"), "cloudfront.net");
  EXPECT_EQ(p.suffix_labels("x.evil.co.uk"), 2u);
}

TEST(PublicSuffix, FallbackWithoutTheList) {
  PublicSuffixes p;
  EXPECT_FALSE(p.from_list());
  EXPECT_EQ(p.registrable("a.b.evil.com"), "evil.com");
  EXPECT_EQ(p.registrable("x.evil.co.uk"), "evil.co.uk");
  EXPECT_EQ(p.registrable("dns2tcp.hsc.fr"), "hsc.fr");
  EXPECT_EQ(p.registrable("wpad"), "");
}

TEST(PublicSuffix, SystemListWhenInstalled) {
  const PublicSuffixes& p = PublicSuffixes::system();
  if (!p.from_list()) GTEST_SKIP() << "Debian package publicsuffix not installed";
  EXPECT_GT(p.rules(), 5000u);
  EXPECT_EQ(p.registrable("a.b.bbc.co.uk"), "bbc.co.uk");
  EXPECT_EQ(p.registrable("d1.cloudfront.net"), "cloudfront.net");
}

}  // namespace
}  // namespace callhome
