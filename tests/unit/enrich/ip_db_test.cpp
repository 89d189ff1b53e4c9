// The compiled IP index on small hand-made CSVs: merging ASN and country ranges, overlaps,
// both families, staleness, damaged cache files, and a randomised comparison with a
// brute-force reference.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "enrich/ip_db.h"
#include "enrich/ip_db_builder.h"
#include "enrich/ip_db_cache.h"
#include "enrich/range_csv.h"
#include "unit/temp_dir.h"

namespace callhome {
namespace {

using testing::TempDir;
Address A(const char* s) {
  return *Address::parse(s);
}

const char* kAsnV4 =
    "16777216,16777471,13335,\"Cloudflare, Inc.\"\n"    // 1.0.0.0/24
    "16778240,16779263,38803,Gtelecom Pty Ltd\n"        // 1.0.4.0/22
    "335544320,352321535,100,Big Enclosing Net\n"       // 20.0.0.0/8
    "335609856,335675391,200,\"LLC \"\"Nested\"\"\"\n"  // 20.1.0.0/16 inside it
    "3596550144,3607166975,749,United States Department of Defense (DoD)\n"
    "3607101440,3607167999,721,DoD Network Information Center\n"  // overlaps the previous
    "not,a,row\n"
    "4294967040,4294967295,64500,Top Of The Space\n";  // 255.255.255.0/24, ends at the maximum
const char* kCountryV4 =
    "16777216,16777471,AU\n"
    "16777472,16778239,CN\n"  // 1.0.1.0-1.0.3.255: country without ASN
    "16778240,16779263,AU\n"
    "335544320,352321535,US\n";
const char* kAsnV6 =
    "42540528726795050063891204319802818560,42540528806023212578155541913346768895,2500,WIDE "
    "Project\n"
    "42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,"
    "Google LLC\n";
const char* kCountryV6 = "2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,US\n";

// The npm layout scripts/install-ipdb.sh produces.
void write_npm_layout(const TempDir& d) {
  d.write("node_modules/@ip-location-db/asn/asn-ipv4-num.csv", kAsnV4);
  d.write("node_modules/@ip-location-db/asn/asn-ipv6-num.csv", kAsnV6);
  d.write("node_modules/@ip-location-db/asn-country/asn-country-ipv4-num.csv", kCountryV4);
  d.write("node_modules/@ip-location-db/asn-country/asn-country-ipv6.csv", kCountryV6);
}

TEST(IpDb, FindsSourcesInNpmAndFlatLayouts) {
  TempDir d;
  write_npm_layout(d);
  auto s = find_ipdb_sources(d.path());
  EXPECT_EQ(s.paths[ipdb::kAsnV4], d.file("node_modules/@ip-location-db/asn/asn-ipv4-num.csv"));
  EXPECT_EQ(s.paths[ipdb::kCountryV6],
            d.file("node_modules/@ip-location-db/asn-country/asn-country-ipv6.csv"));
  TempDir flat;
  flat.write("asn-ipv4.csv", "1.0.0.0,1.0.0.255,13335,Cloudflare\n");
  auto f = find_ipdb_sources(flat.path());
  EXPECT_EQ(f.paths[ipdb::kAsnV4], flat.file("asn-ipv4.csv"));
  EXPECT_TRUE(f.paths[ipdb::kAsnV6].empty());
  TempDir empty;
  EXPECT_FALSE(find_ipdb_sources(empty.path()).any());
}

TEST(IpDb, MergesAsnAndCountryRanges) {
  TempDir d;
  write_npm_layout(d);
  IpDbOpenInfo info;
  auto db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_TRUE(info.built);
  EXPECT_TRUE(info.cached);
  EXPECT_EQ(info.build_stats.skipped_rows, 1u);  // "not,a,row"
  EXPECT_EQ(info.build_stats.rows[ipdb::kAsnV4], 7u);

  auto cf = db->lookup(A("1.0.0.1"));
  ASSERT_TRUE(cf);
  EXPECT_EQ(cf->asn, 13335u);
  EXPECT_EQ(cf->org, "Cloudflare, Inc.");
  EXPECT_EQ(cf->country, "AU");
  EXPECT_EQ(cf->first, A("1.0.0.0"));
  EXPECT_EQ(cf->last, A("1.0.0.255"));

  auto cn = db->lookup(A("1.0.2.9"));  // country only
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->asn, 0u);
  EXPECT_EQ(cn->org, "");
  EXPECT_EQ(cn->country, "CN");

  EXPECT_FALSE(db->lookup(A("0.0.0.0")));
  EXPECT_FALSE(db->lookup(A("1.0.8.0")));
  EXPECT_FALSE(db->lookup(A("9.9.9.9")));

  auto top = db->lookup(A("255.255.255.255"));
  ASSERT_TRUE(top);
  EXPECT_EQ(top->asn, 64500u);
  EXPECT_EQ(top->last, A("255.255.255.255"));

  auto g = db->lookup(A("2001:4860:4860::8888"));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->asn, 15169u);
  EXPECT_EQ(g->org, "Google LLC");
  EXPECT_EQ(g->country, "US");
  EXPECT_EQ(g->first, A("2001:4860::"));
  EXPECT_EQ(g->last, A("2001:4860:ffff:ffff:ffff:ffff:ffff:ffff"));
  auto wide = db->lookup(A("2001:200:1::1"));
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->org, "WIDE Project");
  EXPECT_EQ(wide->country, "");
  EXPECT_FALSE(db->lookup(A("2a00::1")));
  EXPECT_FALSE(db->lookup(A("::")));
  EXPECT_FALSE(db->lookup(A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
}

TEST(IpDb, MostSpecificRangeWins) {
  TempDir d;
  write_npm_layout(d);
  auto db = open_ipdb(d.path());
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_EQ(db->lookup(A("20.0.255.255"))->asn, 100u);
  auto nested = db->lookup(A("20.1.2.3"));
  EXPECT_EQ(nested->asn, 200u);
  EXPECT_EQ(nested->org, "LLC \"Nested\"");
  EXPECT_EQ(nested->country, "US");
  EXPECT_EQ(nested->first, A("20.1.0.0"));
  EXPECT_EQ(nested->last, A("20.1.255.255"));
  EXPECT_EQ(db->lookup(A("20.2.0.0"))->asn, 100u);  // back to the enclosing range
  // Two partly overlapping rows: the narrower (721) wins where both apply.
  EXPECT_EQ(db->lookup(A("214.95.0.0"))->asn, 749u);
  EXPECT_EQ(db->lookup(A("214.255.255.255"))->asn, 749u);
  EXPECT_EQ(db->lookup(A("215.0.0.0"))->asn, 721u);
  EXPECT_EQ(db->lookup(A("215.1.3.255"))->asn, 721u);
  EXPECT_FALSE(db->lookup(A("215.1.4.0")));
}

TEST(IpDb, ReusesTheCacheAndRebuildsWhenASourceChanges) {
  TempDir d;
  write_npm_layout(d);
  IpDbOpenInfo info;
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  EXPECT_TRUE(info.built);
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  EXPECT_FALSE(info.built);

  // Same size, new modification time: rebuilt.
  std::string asn = d.file("node_modules/@ip-location-db/asn/asn-ipv4-num.csv");
  struct utimbuf times {
    1000000000, 1000000000
  };
  ASSERT_EQ(::utime(asn.c_str(), &times), 0);
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  EXPECT_TRUE(info.built);

  // New content: the answer changes.
  std::ofstream(asn, std::ios::app) << "151587072,151587327,3356,Level 3\n";  // 9.9.9.0/24
  auto db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(info.built);
  ASSERT_TRUE(db->lookup(A("9.9.9.9")));
  EXPECT_EQ(db->lookup(A("9.9.9.9"))->asn, 3356u);

  // A source disappearing also counts as a change.
  std::filesystem::remove(d.file("node_modules/@ip-location-db/asn-country/asn-country-ipv6.csv"));
  db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(info.built);
  EXPECT_EQ(db->lookup(A("2001:4860::1"))->country, "");
}

TEST(IpDb, DamagedCacheIsRebuiltAndNeverTrusted) {
  TempDir d;
  write_npm_layout(d);
  IpDbOpenInfo info;
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  std::string bin = info.index_path;
  auto size = std::filesystem::file_size(bin);

  std::filesystem::resize_file(bin, size / 2);
  EXPECT_FALSE(IpDb::open(bin).ok());
  auto db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(info.built);
  EXPECT_EQ(std::filesystem::file_size(bin), size);

  // Corrupt one segment start in place: validation must catch the broken order.
  {
    std::vector<char> bytes(size);
    std::ifstream(bin, std::ios::binary).read(bytes.data(), long(size));
    ipdb::Header h;
    std::memcpy(&h, bytes.data(), sizeof h);
    uint32_t bogus = 0xffffffff;
    std::memcpy(bytes.data() + h.v4_starts.offset + 4, &bogus, 4);
    std::ofstream(bin, std::ios::binary | std::ios::trunc).write(bytes.data(), long(size));
  }
  auto bad = IpDb::open(bin);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("corrupt"), std::string::npos) << bad.error();

  std::ofstream(bin, std::ios::trunc)
      << "not an index at all, but long enough to have a header " << std::string(4096, 'x');
  EXPECT_FALSE(IpDb::open(bin).ok());
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  EXPECT_TRUE(info.built);
}

TEST(IpDb, WorksFromAnIndexAloneAndFailsClearlyWithNothing) {
  TempDir d;
  write_npm_layout(d);
  IpDbOpenInfo info;
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  std::filesystem::remove_all(d.file("node_modules"));
  auto db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_FALSE(info.built);
  EXPECT_EQ(db->lookup(A("1.0.0.1"))->asn, 13335u);

  TempDir empty;
  auto none = open_ipdb(empty.path());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("scripts/install-ipdb.sh"), std::string::npos);
}

TEST(IpDb, KeepsThePreviousIndexWhenARebuildFails) {
  TempDir d;
  write_npm_layout(d);
  IpDbOpenInfo info;
  ASSERT_TRUE(open_ipdb(d.path(), &info).ok());
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: an unreadable file stays readable";
  // The source changes and cannot be read any more.
  std::string asn = d.file("node_modules/@ip-location-db/asn/asn-ipv4-num.csv");
  std::ofstream(asn, std::ios::app) << "151587072,151587327,3356,Level 3\n";
  ASSERT_EQ(::chmod(asn.c_str(), 0), 0);
  auto db = open_ipdb(d.path(), &info);
  ::chmod(asn.c_str(), 0644);
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_NE(info.note.find("using the previous index"), std::string::npos) << info.note;
  EXPECT_EQ(db->lookup(A("1.0.0.1"))->asn, 13335u);
}

TEST(IpDb, UnwritableCacheFallsBackToMemory) {
  TempDir d;
  write_npm_layout(d);
  // A directory where the index should go cannot be replaced, not even by root.
  std::filesystem::create_directory(d.file("callhome-ipdb.bin"));
  std::filesystem::create_directory(d.file("callhome-ipdb.bin/keep"));
  IpDbOpenInfo info;
  auto db = open_ipdb(d.path(), &info);
  ASSERT_TRUE(db.ok()) << db.error();
  EXPECT_TRUE(info.built);
  EXPECT_FALSE(info.cached);
  EXPECT_NE(info.note.find("using the index in memory"), std::string::npos) << info.note;
  EXPECT_EQ(db->lookup(A("1.0.0.1"))->asn, 13335u);
  // No temporary file is left behind.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 0u);
}

TEST(RangeCsv, SplitsQuotedFields) {
  std::vector<std::string> f;
  ASSERT_TRUE(split_csv_line("1,2,3,\"LLC \"\"SPUTNIK\"\"\"", f));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[3], "LLC \"SPUTNIK\"");
  ASSERT_TRUE(split_csv_line("a,,\"x, y\",", f));
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], "");
  EXPECT_EQ(f[2], "x, y");
  EXPECT_EQ(f[3], "");
  EXPECT_FALSE(split_csv_line("1,\"open", f));
  EXPECT_FALSE(split_csv_line("1,\"a\"b", f));
}

// Random ranges, some nested or overlapping, against a brute-force "narrowest range, later
// row on ties" reference: the sweep, the directory and the branchless search all have to agree.
template <bool V6>
void random_round_trip(uint32_t seed) {
  std::mt19937_64 rng(seed);
  using ipdb::u128;
  auto rnd = [&]() -> u128 {
    u128 v = u128(rng()) << 64 | rng();
    if (!V6) return v & 0xffffffffu;
    // Cluster IPv6 values in a few /16s so that buckets hold many segments.
    return (v & ((u128(1) << 112) - 1)) | (u128(0x2000 + rng() % 4) << 112);
  };
  struct R {
    u128 first, last;
    uint32_t asn;
  };
  std::vector<R> rows;
  std::string csv;
  auto decimal = [](u128 v) {
    std::string s;
    do s.insert(s.begin(), char('0' + int(v % 10)));
    while ((v /= 10) != 0);
    return s;
  };
  for (uint32_t i = 0; i < 3000; ++i) {
    u128 a = rnd(), span = rnd() >> (V6 ? 20 + rng() % 90 : 8 + rng() % 20);
    u128 b = a + span < a ? ~u128(0) : a + span;
    if (!V6 && b > 0xffffffffu) b = 0xffffffffu;
    rows.push_back({a, b, i + 1});
    csv += decimal(a) + "," + decimal(b) + "," + std::to_string(i + 1) + ",Org " +
           std::to_string(i % 50) + "\n";
  }
  TempDir d;
  d.write(V6 ? "asn-ipv6-num.csv" : "asn-ipv4-num.csv", csv);
  auto db = open_ipdb(d.path());
  ASSERT_TRUE(db.ok()) << db.error();
  auto to_addr = [](u128 k) {
    if (!V6) return Address::v4(uint32_t(k));
    uint8_t b[16];
    for (int i = 15; i >= 0; --i, k >>= 8) b[i] = uint8_t(k);
    return Address::v6_bytes(b);
  };
  for (int i = 0; i < 20000; ++i) {
    // Half the probes at range edges, where off-by-one errors live.
    const R& r = rows[rng() % rows.size()];
    u128 k = i % 4 == 0 ? r.first : i % 4 == 1 ? r.last : i % 4 == 2 ? r.last + 1 : rnd();
    if (!V6 && k > 0xffffffffu) k = 0;
    const R* want = nullptr;
    for (const R& c : rows) {
      if (c.first <= k && k <= c.last &&
          (!want || c.last - c.first < want->last - want->first ||
           (c.last - c.first == want->last - want->first && c.asn > want->asn))) {
        want = &c;
      }
    }
    auto got = db->lookup(to_addr(k));
    ASSERT_EQ(bool(got), bool(want)) << i;
    if (want) {
      ASSERT_EQ(got->asn, want->asn) << i;
      ASSERT_EQ(got->org, "Org " + std::to_string((want->asn - 1) % 50));
    }
  }
}

TEST(IpDb, RandomRangesMatchBruteForceIpv4) {
  random_round_trip<false>(1);
}
TEST(IpDb, RandomRangesMatchBruteForceIpv6) {
  random_round_trip<true>(2);
}

}  // namespace
}  // namespace callhome
