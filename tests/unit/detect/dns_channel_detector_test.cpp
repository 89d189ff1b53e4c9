#include "detect/dns_channel_detector.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "detector_test_util.h"

namespace callhome {
namespace {

// A few rules of the Public Suffix List's form, so the tests do not depend on the installed list.
const PublicSuffixes& suffixes() {
  static const PublicSuffixes p = PublicSuffixes::parse("com\nnet\nfr\nagency\nuk\nco.uk\narpa\n");
  return p;
}

class FakeLookup : public NoDestinationLookup {
 public:
  NameInfo name(std::string_view host) const override {
    if (host == "cloudfront.net") return {"Amazon CloudFront", "cdn", ""};
    if (host == "microsoft.com") return {"Microsoft", "os_vendor", ""};
    return {};
  }
};

constexpr uint16_t kTypeA = 1, kTypeNull = 10, kTypeTxt = 16;

DnsChannelOptions options(const DestinationLookup* lookup = nullptr) {
  DnsChannelOptions o;
  o.suffixes = &suffixes();
  o.lookup = lookup;
  return o;
}

DnsEvent dns(double ts, const std::string& query, uint16_t qtype = 1,
             const std::string& rcode = "NOERROR", std::vector<const char*> answers = {},
             const char* client = "192.168.7.7", uint64_t ref = 0) {
  DnsEvent e;
  e.ts = ts;
  e.client = *Address::parse(client);
  e.server = *Address::parse("8.8.8.8");
  e.query = query;
  e.qtype = qtype;
  e.rcode = rcode;
  for (const char* a : answers) e.addresses.push_back(*Address::parse(a));
  e.prov = {0, ref ? ref : uint64_t(ts * 10) + 1};
  return e;
}

std::string random_chars(std::mt19937& rng, size_t n, std::string_view alphabet) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
  return s;
}

std::vector<Finding> run(DnsChannelDetector& d) {
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

std::set<std::string> keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) out.insert(key);
  return out;
}

std::vector<const Finding*> of_kind(const std::vector<Finding>& all, const std::string& kind) {
  std::vector<const Finding*> out;
  for (const auto& f : all) {
    if (to_string(f.kind) == kind) out.push_back(&f);
  }
  return out;
}

TEST(DnsChannel, HexTunnelOnAScheduleIsCriticalWithItsQueriesCited) {
  // dnscat2's shape: one A query a second for a fresh hex name, for 20 minutes.
  DnsChannelDetector d(options());
  std::mt19937 rng(1);
  for (int i = 0; i < 1200; ++i) {
    d.on_dns(dns(1000 + i + 0.01 * (i % 3), random_chars(rng, 60, "0123456789abcdef") + "." +
                                                random_chars(rng, 30, "0123456789abcdef") +
                                                ".hacker-dnscat.com"));
  }
  const auto all = run(d);
  auto tunnels = of_kind(all, "dns_tunnel");
  ASSERT_EQ(tunnels.size(), 1u);
  const Finding& f = *tunnels[0];
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.host.to_string(), "192.168.7.7");
  const auto& t = std::get<DnsTunnelDetails>(f.details);
  EXPECT_EQ(t.domain, "hacker-dnscat.com");
  EXPECT_EQ(t.queries, 1200u);
  // Beyond the sketch's exact range the count is an estimate: within 15%.
  EXPECT_NEAR(double(t.unique_names), 1200, 180);
  EXPECT_EQ(t.max_label_len, 60u);
  EXPECT_EQ(t.qtypes.at(kTypeA), 1200u);
  EXPECT_EQ(t.resolver, Address::parse("8.8.8.8"));
  ASSERT_TRUE(t.interval_s);
  EXPECT_NEAR(*t.interval_s, 1.0, 0.05);
  EXPECT_GE(t.encoded_share, 0.9);
  EXPECT_EQ(t.encodings.count(LabelEncoding::hex), 1u);
  ASSERT_EQ(f.evidence.size(), 5u);
  EXPECT_EQ(f.evidence[0].prov.ref, 10001u);  // the first query's packet
}

TEST(DnsChannel, ShortToolSessionWithTxtAndNullRecordsIsAtLeastMedium) {
  // iodine/dns2tcp: a dozen queries in a tenth of a second, base32 labels, NULL and TXT.
  DnsChannelDetector d(options());
  std::mt19937 rng(2);
  for (int i = 0; i < 12; ++i) {
    d.on_dns(dns(50 + i * 0.008,
                 random_chars(rng, 50, "abcdefghijklmnopqrstuvwxyz234567") + ".t1.biillpi.com",
                 i % 2 ? 10 : 16, "NOERROR", {}, "192.168.1.17"));
  }
  const auto all = run(d);
  auto tunnels = of_kind(all, "dns_tunnel");
  ASSERT_EQ(tunnels.size(), 1u);
  EXPECT_GE(tunnels[0]->severity, Severity::medium);
  const auto& t = std::get<DnsTunnelDetails>(tunnels[0]->details);
  EXPECT_EQ(t.domain, "biillpi.com");
  EXPECT_EQ(t.qtypes.at(kTypeNull), 6u);
  EXPECT_EQ(t.qtypes.at(kTypeTxt), 6u);
  EXPECT_FALSE(t.interval_s);  // a burst, not a schedule
}

// Saitama's shape: a query a minute or so, unique random labels under three domains, A answers
// that carry data and are never connected to.
void slow_tunnel(DnsChannelDetector& d) {
  std::mt19937 rng(3);
  const char* zones[] = {"joexpediagroup.com", "uber-asia.com", "asiaworldremit.com"};
  double ts = 5000;
  for (int i = 0; i < 44; ++i) {
    ts += 30 + double(rng() % 90);
    std::string label =
        random_chars(rng, 4, "abcdefghijklmnopqrstuvwxyz") + random_chars(rng, 3, "0123456789") +
        random_chars(rng, 3, "abcdefghijklmnopqrstuvwxyz") + random_chars(rng, 1, "0123456789");
    std::string answer = fmt::format("{}.{}.{}.{}", 100 + i % 20, 105, 100 + i % 7, 97 + i % 5);
    d.on_dns(dns(ts, label + "." + zones[i % 3], 1, "NOERROR", {answer.c_str()}));
  }
}

TEST(DnsChannel, SlowTunnelWithUnusedAnswersIsHigh) {
  DnsChannelDetector d(options());
  // The host does use the network, just never the answers.
  for (int i = 0; i < 20; ++i) {
    d.on_connection(testing::conn("192.168.7.7", uint16_t(50000 + i), "192.168.5.5", 443,
                                  5000 + i * 60, ConnState::SF));
  }
  slow_tunnel(d);
  const auto all = run(d);
  auto tunnels = of_kind(all, "dns_tunnel");
  ASSERT_EQ(tunnels.size(), 3u);
  for (const Finding* f : tunnels) {
    EXPECT_EQ(f->severity, Severity::high) << attributes_json(*f).dump();
    const auto& t = std::get<DnsTunnelDetails>(f->details);
    ASSERT_TRUE(t.answers_contacted);
    EXPECT_EQ(t.answers_contacted->contacted, 0u);
    EXPECT_EQ(t.sibling_domains.size(), 2u);
    EXPECT_EQ(t.unique_names, t.queries);
  }
}

TEST(DnsChannel, SlowTunnelWithoutConnectionsToJudgeIsStillReported) {
  DnsChannelDetector d(options());
  slow_tunnel(d);
  const auto all = run(d);
  auto tunnels = of_kind(all, "dns_tunnel");
  ASSERT_EQ(tunnels.size(), 3u);
  for (const Finding* f : tunnels) {
    EXPECT_EQ(f->severity, Severity::medium);  // shape plus the sibling domains
    EXPECT_FALSE(std::get<DnsTunnelDetails>(f->details).answers_contacted);
  }
}

TEST(DnsChannel, CdnTelemetryAndOrdinaryLookupsGiveNoFinding) {
  FakeLookup lookup;
  DnsChannelDetector d(options(&lookup));
  std::mt19937 rng(4);
  double ts = 100;
  for (int i = 0; i < 400; ++i) {
    ts += 7;
    // Random-looking CDN edge names and telemetry under known platforms.
    d.on_dns(dns(
        ts, "d" + random_chars(rng, 13, "abcdefghijklmnopqrstuvwxyz0123456789") + ".cloudfront.net",
        1, "NOERROR", {"13.32.1.1"}));
    d.on_dns(dns(ts + 1, random_chars(rng, 8, "abcdef0123456789") + ".events.data.microsoft.com"));
    // Ordinary names, asked again and again: pollers, browsing, a web socket service.
    const char* names[] = {"www.example.com",        "goldengate.grammarly.com",
                           "sock261-mt1.pusher.com", "sock177-mt1.pusher.com",
                           "api.zotero.org",         "ocsp.digicert.com"};
    d.on_dns(dns(ts + 2, names[i % 6], i % 2 ? 28 : 1, "NOERROR", {"93.184.216.34"}));
    // Reverse lookups are many and unique, but local.
    d.on_dns(dns(ts + 3, fmt::format("{}.{}.168.192.in-addr.arpa", i % 250, i / 250), 12));
  }
  EXPECT_TRUE(run(d).empty());
}

TEST(DnsChannel, WithoutDomainKnowledgeCdnNamesAreOnlyCountedNotRaised) {
  // No data/domains.tsv: a CDN's hashed names may look like data, but plain A lookups at no
  // particular pace whose answers the host then connects to stay below medium.
  DnsChannelDetector d(options());
  std::mt19937 rng(5);
  double ts = 100;
  for (int i = 0; i < 60; ++i) {
    ts += 20 + double(rng() % 600);
    const std::string edge = fmt::format("13.32.0.{}", i);
    d.on_dns(dns(
        ts, "d" + random_chars(rng, 13, "abcdefghijklmnopqrstuvwxyz0123456789") + ".cloudfront.net",
        1, "NOERROR", {edge.c_str()}));
    d.on_connection(testing::conn("192.168.7.7", uint16_t(50000 + i), edge.c_str(), 443, ts + 0.1,
                                  ConnState::SF));
  }
  auto all = run(d);
  ASSERT_EQ(all.size(), 1u);  // counted: the names do look like data
  EXPECT_EQ(all[0].severity, Severity::low) << all[0].notes[0];
  const auto& t = std::get<DnsTunnelDetails>(all[0].details);
  ASSERT_TRUE(t.answers_contacted);
  EXPECT_GT(t.answers_contacted->contacted, 0u);
}

// Simda's shape: 60 seven-letter alternating .com names, every fifth NXDOMAIN.
void dga_burst(DnsChannelDetector& d) {
  std::mt19937 rng(6);
  const std::string consonants = "bcdfgjklmnpqrstvwxz", vowels = "aeiouy";
  for (int i = 0; i < 60; ++i) {
    std::string sld;
    for (int k = 0; k < 7; ++k) {
      sld.push_back(k % 2 ? vowels[rng() % vowels.size()] : consonants[rng() % consonants.size()]);
    }
    d.on_dns(dns(10 + i * 0.5, sld + ".com", 28, i % 5 ? "NOERROR" : "NXDOMAIN", {},
                 "fd77:48a1:c0bb:0:b96c:506d:6c7f:e8be"));
  }
}

TEST(DnsChannel, DgaBurstIsOneFindingWithTheDomainsAndNxdomains) {
  DnsChannelDetector d(options());
  dga_burst(d);
  // A few ordinary domains of the same host do not join the group.
  d.on_dns(dns(5, "google.com", 1, "NOERROR", {}, "fd77:48a1:c0bb:0:b96c:506d:6c7f:e8be"));
  auto all = run(d);
  auto dga = of_kind(all, "dga");
  ASSERT_EQ(dga.size(), 1u);
  EXPECT_EQ(dga[0]->severity, Severity::high);
  EXPECT_EQ(dga[0]->host.to_string(), "fd77:48a1:c0bb:0:b96c:506d:6c7f:e8be");
  const auto& g = std::get<DgaDetails>(dga[0]->details);
  EXPECT_GE(g.domains, 55u);  // a random draw may repeat a name
  EXPECT_EQ(g.nxdomain, 12u);
  EXPECT_EQ(g.tld, "com");
  EXPECT_EQ(g.sample.size(), 10u);
  EXPECT_EQ(dga[0]->evidence.size(), 5u);
  EXPECT_TRUE(of_kind(all, "dns_tunnel").empty());
}

TEST(DnsChannel, ExternalClientsAndTheTunnelServerGetNothing) {
  DnsChannelDetector d(options());
  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    d.on_dns(dns(i, random_chars(rng, 40, "0123456789abcdef") + ".biillpi.com", 16, "NOERROR", {},
                 "203.0.113.9"));
  }
  EXPECT_TRUE(run(d).empty());
}

TEST(DnsChannel, DomainsBeyondTheCapAreNotedNotKept) {
  DnsChannelOptions o = options();
  o.max_zones_per_host = 3;
  DnsChannelDetector d(o);
  std::mt19937 rng(8);
  d.on_dns(dns(1, "a.one.com"));
  d.on_dns(dns(1, "b.two.com"));
  for (int i = 0; i < 20; ++i) {
    d.on_dns(dns(2 + i, random_chars(rng, 40, "0123456789abcdef") + ".tunnel.com", 16));
  }
  d.on_dns(dns(30, "x.four.com"));  // dropped
  auto all = run(d);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(std::get<DnsTunnelDetails>(all[0].details).domain, "tunnel.com");
  ASSERT_EQ(all[0].notes.size(), 2u);
  EXPECT_NE(all[0].notes[1].find("more than 3 domains"), std::string::npos);
}

TEST(DnsChannel, TunnelFindingsCarryTunnelDetailsWrittenWithTheDocumentKeys) {
  DnsChannelDetector d(options());
  slow_tunnel(d);
  const auto all = run(d);
  auto tunnels = of_kind(all, "dns_tunnel");
  ASSERT_EQ(tunnels.size(), 3u);
  for (const Finding* f : tunnels) {
    EXPECT_TRUE(details_fit(f->kind, f->details));
    EXPECT_TRUE(std::holds_alternative<DnsTunnelDetails>(f->details));
    const nlohmann::json a = attributes_json(*f);
    EXPECT_EQ(keys(a),
              (std::set<std::string>{"domain", "queries", "unique_names", "unique_names_exact",
                                     "encoded_names", "encoded_share", "encodings", "max_label_len",
                                     "max_data_label_len", "qtypes", "rcodes", "resolver",
                                     "resolvers", "interval_s", "duration_s", "answers_contacted",
                                     "sibling_domains", "reasons"}));
    EXPECT_EQ(keys(a["rcodes"]), (std::set<std::string>{"NXDOMAIN", "SERVFAIL", "unanswered"}));
    EXPECT_EQ(a["resolver"], "8.8.8.8");
    EXPECT_EQ(a["resolvers"], nlohmann::json::array({"8.8.8.8"}));
    EXPECT_EQ(a["qtypes"]["A"], std::get<DnsTunnelDetails>(f->details).queries);
    EXPECT_TRUE(a["answers_contacted"].is_null());
  }
}

TEST(DnsChannel, DgaFindingCarriesDgaDetailsWrittenWithTheDocumentKeys) {
  DnsChannelDetector d(options());
  dga_burst(d);
  const auto all = run(d);
  auto dga = of_kind(all, "dga");
  ASSERT_EQ(dga.size(), 1u);
  EXPECT_TRUE(details_fit(dga[0]->kind, dga[0]->details));
  const auto& g = std::get<DgaDetails>(dga[0]->details);
  EXPECT_EQ(g.pattern, DgaPattern::alternating);
  EXPECT_EQ(g.pattern_length, 7u);
  const nlohmann::json a = attributes_json(*dga[0]);
  EXPECT_EQ(keys(a), (std::set<std::string>{"domains", "domains_capped", "nxdomain", "queries",
                                            "sample", "tld", "pattern", "other_groups"}));
  EXPECT_EQ(a["pattern"], "7 letters alternating consonant/vowel");
  DgaDetails random;
  random.pattern = DgaPattern::random;
  random.pattern_length = 8;
  EXPECT_EQ(nlohmann::json(random)["pattern"], "random strings of 8+ characters");
  EXPECT_EQ(a["other_groups"], nlohmann::json::array());
}

}  // namespace
}  // namespace callhome
