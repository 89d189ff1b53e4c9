// MaxMind DB files in the three layouts callhome reads, generated at test time by
// tests/fixtures/make_test_mmdb.pl (libmaxmind-db-writer-perl).
#include "enrich/mmdb_lookup.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "enrich/enricher.h"
#include "unit/temp_dir.h"

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}

// The databases are generated once for the suite (perl takes about a second).
class Mmdb : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("perl -MMaxMind::DB::Writer::Tree -e1 >/dev/null 2>&1") != 0) {
      skip_ =
          "perl module MaxMind::DB::Writer::Tree missing "
          "(apt-get install libmaxmind-db-writer-perl)";
      return;
    }
    dir_ = new testing::TempDir;
    std::string cmd = "perl " + std::string(CALLHOME_SOURCE_DIR) +
                      "/tests/fixtures/make_test_mmdb.pl " + dir_->path();
    if (std::system(cmd.c_str()) != 0) generation_failed_ = cmd;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(generation_failed_.empty()) << "failed: " << generation_failed_;
  }
  static std::string file(const std::string& name) { return dir_->file(name); }
  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string skip_, generation_failed_;
};

TEST_F(Mmdb, GeoLite2AsnLayout) {
  auto db = MmdbLookup::open(file("test-asn.mmdb"));
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_EQ(db->database_type(), "GeoLite2-ASN");
  auto r = db->lookup(A("72.246.53.81"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->asn, 20940u);
  EXPECT_EQ(r->org, "Akamai International B.V.");
  EXPECT_EQ(r->country, "");
  EXPECT_EQ(r->prefix_bits, 15);  // counted in IPv4 bits although the tree is IPv6
  auto v6 = db->lookup(A("2001:db8:1::5"));
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->asn, 64513u);
  EXPECT_EQ(v6->prefix_bits, 48);
  EXPECT_FALSE(db->lookup(A("8.8.8.8")));
}

TEST_F(Mmdb, GeoLite2CountryLayout) {
  auto db = MmdbLookup::open(file("test-country.mmdb"));
  ASSERT_TRUE(db.ok()) << db.error();
  auto r = db->lookup(A("72.247.0.1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->asn, 0u);
  EXPECT_EQ(r->country, "NL");
}

TEST_F(Mmdb, IpinfoLiteLayout) {
  auto db = MmdbLookup::open(file("test-ipinfo.mmdb"));
  ASSERT_TRUE(db.ok()) << db.error();
  auto r = db->lookup(A("192.229.221.95"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->asn, 15133u);  // stored as the string "AS15133"
  EXPECT_EQ(r->org, "Edgecast Inc.");
  EXPECT_EQ(r->country, "US");
}

TEST_F(Mmdb, BadFilesAreErrorsNotCrashes) {
  auto missing = MmdbLookup::open(file("nope.mmdb"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nope.mmdb"), std::string::npos);
  auto junk = MmdbLookup::open(dir_->write("junk.mmdb", std::string(5000, 'x')));
  EXPECT_FALSE(junk.ok());
}

TEST_F(Mmdb, EnricherTriesUserDatabasesFirst) {
  EnricherOptions o;
  o.use_ipdb = false;  // only the user's files and the data directory
  o.asn_mmdb = file("test-asn.mmdb");
  o.geo_mmdb = file("test-country.mmdb");
  o.warn = [](const std::string&) {};
  Enricher e(o);
  OwnerInfo akamai = e.owner(A("72.246.53.81"));
  EXPECT_EQ(akamai.asn, 20940u);
  EXPECT_EQ(akamai.org, "Akamai International B.V.");
  EXPECT_EQ(akamai.country, "NL");  // from the user's country database
  EXPECT_EQ(akamai.operator_name, "Akamai");
  EXPECT_EQ(akamai.source, "mmdb");
  ASSERT_TRUE(akamai.range);
  EXPECT_EQ(akamai.range->first, A("72.246.0.0"));
  EXPECT_EQ(akamai.range->second, A("72.247.255.255"));
  // A site's own database may describe private space; the reserved name is kept beside it.
  OwnerInfo vpn = e.owner(A("10.20.1.2"));
  EXPECT_EQ(vpn.org, "Example Site VPN pool");
  EXPECT_EQ(vpn.reserved, "private (RFC 1918)");
  EXPECT_EQ(vpn.source, "mmdb");
  // The documentation range is reserved, but the user's country database names it: the
  // user's data wins.
  EXPECT_EQ(e.owner(A("203.0.113.7")).country, "AU");
  auto credits = e.attributions();
  ASSERT_EQ(credits.size(), 2u);
  EXPECT_NE(credits[0].find("GeoLite2 data created by MaxMind"), std::string::npos);
}

TEST_F(Mmdb, EnricherWarnsOnceAboutABadUserDatabase) {
  std::vector<std::string> warnings;
  EnricherOptions o;
  o.use_ipdb = false;
  o.asn_mmdb = file("missing.mmdb");
  o.warn = [&](const std::string& w) { warnings.push_back(w); };
  Enricher e(o);
  EXPECT_EQ(e.owner(A("72.246.53.81")).asn, 0u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("missing.mmdb"), std::string::npos);
}

}  // namespace
}  // namespace callhome
