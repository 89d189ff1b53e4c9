#include "detect/threat_intel_detector.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

constexpr const char* kHost = "10.1.6.206";
constexpr const char* kList =
    "# test list\n"
    "203.0.113.7\n"         // line 2
    "evil.example\n"        // line 3
    "198.51.100.0/24\n"     // line 4
    "192.0.2.50:8443\n"     // line 5
    "2001:db8:bad::/48\n";  // line 6

struct Fixture {
  IntelMatcher intel;
  std::unique_ptr<ThreatIntelDetector> d;
  explicit Fixture(ThreatIntelOptions o = {}) {
    intel.add_list(kList, "lists/feodo.txt");
    o.intel = &intel;
    d = std::make_unique<ThreatIntelDetector>(o);
  }
  std::vector<Finding> finish() {
    std::vector<Finding> out;
    d->finish(out);
    return out;
  }
};

const ThreatIntelDetails& details(const Finding& f) {
  return std::get<ThreatIntelDetails>(f.details);
}

const Finding& of(const std::vector<Finding>& out, const char* host) {
  for (const Finding& f : out) {
    if (f.host.to_string() == host) return f;
  }
  ADD_FAILURE() << "no finding for " << host;
  return out.front();
}

DnsEvent lookup(const char* client, const char* query, double ts, std::vector<const char*> answers,
                std::vector<std::string> cnames = {}) {
  DnsEvent e;
  e.ts = ts;
  e.client = *Address::parse(client);
  e.server = *Address::parse("10.1.6.1");
  e.query = query;
  e.rcode = "NOERROR";
  for (const char* a : answers) e.addresses.push_back(*Address::parse(a));
  e.cnames = std::move(cnames);
  e.prov = {1, uint64_t(ts)};
  return e;
}

NameEvent sni(const char* client, const char* name, const char* server, double ts) {
  NameEvent e;
  e.ts = ts;
  e.client = *Address::parse(client);
  e.server = *Address::parse(server);
  e.server_port = 443;
  e.name = name;
  e.source = "tls_sni";
  e.prov = {0, uint64_t(ts)};
  return e;
}

TEST(ThreatIntelDetector, AConnectionToAListedAddressIsHigh) {
  Fixture fx;
  fx.d->on_connection(conn(kHost, 49000, "203.0.113.7", 443, 100, ConnState::SF));
  fx.d->on_connection(conn(kHost, 49001, "203.0.113.7", 443, 160, ConnState::SF));
  fx.d->on_connection(conn(kHost, 49002, "203.0.113.8", 443, 170, ConnState::SF));  // not listed
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::threat_intel);
  EXPECT_EQ(f.host.to_string(), kHost);
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.first_ts, 100);
  EXPECT_EQ(f.last_ts, 160);
  const auto& d = details(f);
  EXPECT_EQ(d.indicator, "203.0.113.7");
  EXPECT_EQ(d.indicator_type, IndicatorType::address);
  EXPECT_EQ(d.matched, ThreatIntelDetails::Matched::address);
  EXPECT_EQ(d.list, "lists/feodo.txt");
  EXPECT_EQ(d.list_line, 2u);
  EXPECT_TRUE(d.contacted);
  EXPECT_EQ(d.hits, 2u);
  EXPECT_EQ(d.connections, 2u);
  EXPECT_EQ(d.answered, 2u);
  EXPECT_EQ(d.destinations, std::vector<std::string>{"203.0.113.7:443"});
  ASSERT_EQ(f.evidence.size(), 2u);
  EXPECT_EQ(f.evidence[0].prov.ref, 100u);
  EXPECT_NE(f.summary.find("lists/feodo.txt line 2"), std::string::npos) << f.summary;
  const nlohmann::json j = attributes_json(f);
  EXPECT_EQ(j["indicator"], "203.0.113.7");
  EXPECT_EQ(j["matched"], "address");
  EXPECT_EQ(j["list_line"], 2);
  EXPECT_EQ(j["contacted"], true);
}

TEST(ThreatIntelDetector, ABlockedAttemptStillCountsAsContact) {
  Fixture fx;
  fx.d->on_connection(
      conn(kHost, 49000, "198.51.100.20", 8080, 100, ConnState::none, Action::blocked));
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::high);
  EXPECT_EQ(details(out[0]).indicator, "198.51.100.0/24");
  EXPECT_EQ(details(out[0]).blocked, 1u);
  ASSERT_FALSE(out[0].notes.empty());
  EXPECT_NE(out[0].notes[0].find("blocked"), std::string::npos);
}

TEST(ThreatIntelDetector, ALookupAloneIsMedium) {
  Fixture fx;
  fx.d->on_dns(lookup(kHost, "cdn.EVIL.example", 50, {"93.184.216.34"}));
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::medium);
  const auto& d = details(out[0]);
  EXPECT_EQ(d.indicator, "evil.example");
  EXPECT_EQ(d.matched, ThreatIntelDetails::Matched::name);
  EXPECT_FALSE(d.contacted);
  EXPECT_EQ(d.lookups, 1u);
  EXPECT_EQ(d.names, std::vector<std::string>{"cdn.evil.example"});
  EXPECT_EQ(d.seen_in, std::vector<std::string>{"dns_query"});
  ASSERT_EQ(out[0].evidence.size(), 1u);
  EXPECT_EQ(out[0].evidence[0].prov, (Provenance{1, 50}));
}

// A listed name's address, reached by the host that looked it up, is contact with the name,
// whichever record comes first (Zeek's conn.log is read before its dns.log).
TEST(ThreatIntelDetector, AConnectionToWhatAListedNameResolvedToIsHighInEitherOrder) {
  for (bool dns_first : {true, false}) {
    Fixture fx;
    const auto dns = lookup(kHost, "gate.evil.example", 50, {"93.184.216.34"});
    const auto c = conn(kHost, 49000, "93.184.216.34", 443, 51, ConnState::SF);
    if (dns_first) fx.d->on_dns(dns);
    fx.d->on_connection(c);
    // Another host reaching the same address did not look the name up: not its finding.
    fx.d->on_connection(conn("10.1.6.7", 49000, "93.184.216.34", 443, 52, ConnState::SF));
    if (!dns_first) fx.d->on_dns(dns);
    const auto out = fx.finish();
    ASSERT_EQ(out.size(), 1u) << dns_first;
    EXPECT_EQ(out[0].host.to_string(), kHost);
    EXPECT_EQ(out[0].severity, Severity::high) << dns_first;
    const auto& d = details(out[0]);
    EXPECT_TRUE(d.contacted);
    EXPECT_EQ(d.connections, 1u);
    EXPECT_EQ(d.lookups, 1u);
    EXPECT_EQ(d.destinations, std::vector<std::string>{"93.184.216.34:443"});
    EXPECT_EQ(out[0].evidence.size(), 2u);
  }
}

TEST(ThreatIntelDetector, CnamesAndAnswerAddressesAreMatched) {
  Fixture fx;
  // The query is innocent; the CNAME points under a listed domain.
  fx.d->on_dns(lookup(kHost, "www.innocent.example", 10, {"93.184.216.34"}, {"x.evil.example"}));
  // The query and its CNAME are innocent; the answer address is listed.
  fx.d->on_dns(lookup("10.1.6.7", "files.innocent.example", 20, {"198.51.100.9"}));
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 2u);
  const Finding& cname = of(out, kHost);
  EXPECT_EQ(details(cname).indicator, "evil.example");
  EXPECT_EQ(details(cname).seen_in, std::vector<std::string>{"dns_answer"});
  EXPECT_EQ(details(cname).names, std::vector<std::string>{"x.evil.example"});
  EXPECT_EQ(cname.severity, Severity::medium);
  const Finding& answer = of(out, "10.1.6.7");
  EXPECT_EQ(details(answer).indicator, "198.51.100.0/24");
  EXPECT_EQ(details(answer).matched, ThreatIntelDetails::Matched::address);
  EXPECT_EQ(details(answer).names, std::vector<std::string>{"files.innocent.example"});
  EXPECT_EQ(details(answer).destinations, std::vector<std::string>{"198.51.100.9"});
  EXPECT_EQ(answer.severity, Severity::medium);
  EXPECT_NE(answer.summary.find("DNS answer"), std::string::npos) << answer.summary;
}

TEST(ThreatIntelDetector, TlsSniHttpHostAndProxyRequestsAreContact) {
  Fixture fx;
  fx.d->on_name(sni(kHost, "api.evil.example", "93.184.216.34", 10));
  NameEvent host = sni("10.1.6.7", "EVIL.example:8080", "93.184.216.35", 20);
  host.source = "http_host";
  fx.d->on_name(host);
  HttpEvent proxy;
  proxy.ts = 30;
  proxy.client = *Address::parse("10.1.6.8");
  proxy.method = "CONNECT";
  proxy.url = "login.evil.example:443";
  proxy.host = "login.evil.example";
  proxy.server = *Address::parse("93.184.216.36");  // the upstream Squid logged
  proxy.server_port = 443;
  proxy.via_proxy = true;
  proxy.action = Action::blocked;
  proxy.prov = {2, 7};
  fx.d->on_http(proxy);
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 3u);
  for (const Finding& f : out) {
    EXPECT_EQ(f.severity, Severity::high) << f.host.to_string();
    EXPECT_EQ(details(f).indicator, "evil.example");
    EXPECT_EQ(details(f).requests, 1u);
  }
  EXPECT_EQ(details(of(out, kHost)).seen_in, std::vector<std::string>{"tls_sni"});
  EXPECT_EQ(details(of(out, kHost)).destinations, std::vector<std::string>{"93.184.216.34:443"});
  EXPECT_EQ(details(of(out, "10.1.6.7")).seen_in, std::vector<std::string>{"http_host"});
  EXPECT_EQ(details(of(out, "10.1.6.7")).names, std::vector<std::string>{"evil.example"});
  EXPECT_EQ(details(of(out, "10.1.6.8")).seen_in, std::vector<std::string>{"proxy"});
  EXPECT_EQ(details(of(out, "10.1.6.8")).blocked, 1u);
  EXPECT_EQ(details(of(out, "10.1.6.8")).destinations,
            std::vector<std::string>{"93.184.216.36:443"});
  EXPECT_EQ(of(out, "10.1.6.8").evidence[0].prov, (Provenance{2, 7}));
}

TEST(ThreatIntelDetector, AProxyUrlHostAndTheUpstreamAddressAreMatched) {
  Fixture fx;
  HttpEvent e;
  e.ts = 30;
  e.client = *Address::parse(kHost);
  e.method = "GET";
  e.url = "http://203.0.113.7/gate.php";
  e.via_proxy = true;
  e.prov = {0, 3};
  fx.d->on_http(e);  // host empty: read from the URL, a bare listed address
  HttpEvent up;
  up.ts = 40;
  up.client = *Address::parse("10.1.6.7");
  up.method = "GET";
  up.url = "http://harmless.example/";
  up.host = "harmless.example";
  up.server = *Address::parse("198.51.100.3");  // the upstream Squid went to
  up.server_port = 80;
  up.via_proxy = true;
  up.prov = {0, 4};
  fx.d->on_http(up);
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(details(of(out, kHost)).indicator, "203.0.113.7");
  EXPECT_EQ(details(of(out, kHost)).destinations, std::vector<std::string>{"203.0.113.7"});
  EXPECT_EQ(details(of(out, "10.1.6.7")).indicator, "198.51.100.0/24");
  EXPECT_EQ(details(of(out, "10.1.6.7")).destinations, std::vector<std::string>{"198.51.100.3:80"});
  EXPECT_EQ(of(out, "10.1.6.7").severity, Severity::high);
}

TEST(ThreatIntelDetector, AddressAndPortEntriesAndIpv6) {
  Fixture fx;
  fx.d->on_connection(conn(kHost, 49000, "192.0.2.50", 443, 10, ConnState::SF));   // other port
  fx.d->on_connection(conn(kHost, 49001, "192.0.2.50", 8443, 20, ConnState::S0));  // listed
  Connection v6 = conn("fd00::5", 49002, "2001:db8:bad:1::9", 443, 30, ConnState::SF);
  fx.d->on_connection(v6);
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(details(out[0]).indicator, "192.0.2.50:8443");
  EXPECT_EQ(details(out[0]).connections, 1u);
  EXPECT_EQ(details(out[0]).answered, 0u);
  EXPECT_NE(out[0].summary.find("none seen answered"), std::string::npos) << out[0].summary;
  EXPECT_EQ(out[1].host.to_string(), "fd00::5");
  EXPECT_EQ(details(out[1]).indicator, "2001:db8:bad::/48");
  EXPECT_EQ(details(out[1]).destinations, std::vector<std::string>{"[2001:db8:bad:1::9]:443"});
}

TEST(ThreatIntelDetector, OneFindingPerHostAndIndicator) {
  Fixture fx;
  for (int k = 0; k < 30; ++k) {
    fx.d->on_dns(lookup(kHost, "a.evil.example", 10 + k, {}));
    fx.d->on_dns(lookup(kHost, "b.evil.example", 11 + k, {}));
    fx.d->on_name(sni(kHost, "c.evil.example", "93.184.216.34", 12 + k));
  }
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  const auto& d = details(out[0]);
  EXPECT_EQ(d.hits, 90u);
  EXPECT_EQ(d.lookups, 60u);
  EXPECT_EQ(d.requests, 30u);
  EXPECT_EQ(d.names.size(), 3u);
  EXPECT_EQ(out[0].severity, Severity::high);
  // The first hits are cited, in input and line order.
  ASSERT_EQ(out[0].evidence.size(), ThreatIntelOptions{}.max_evidence);
  EXPECT_EQ(out[0].evidence.front().prov, (Provenance{0, 12}));
  EXPECT_EQ(out[0].evidence.back().prov, (Provenance{1, 13}));
}

TEST(ThreatIntelDetector, OnlyInternalHostsAreAccused) {
  Fixture fx;
  fx.d->on_connection(conn("8.8.8.8", 49000, "203.0.113.7", 443, 10, ConnState::SF));
  fx.d->on_dns(lookup("8.8.4.4", "evil.example", 10, {}));
  // An outsider connecting in from a listed address: the destination is not listed.
  fx.d->on_connection(conn("203.0.113.7", 49000, kHost, 22, 10, ConnState::S0));
  EXPECT_TRUE(fx.finish().empty());
}

TEST(ThreatIntelDetector, CapsAreCountedAndSaid) {
  ThreatIntelOptions o;
  o.max_pairs = 1;
  o.max_items = 2;
  Fixture fx(o);
  for (const char* n : {"a.evil.example", "b.evil.example", "c.evil.example"}) {
    fx.d->on_dns(lookup(kHost, n, 10, {}));
  }
  fx.d->on_connection(conn(kHost, 49000, "203.0.113.7", 443, 20, ConnState::SF));  // a 2nd pair
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(details(out[0]).names.size(), 2u);
  EXPECT_EQ(details(out[0]).not_kept, 1u);
  std::string notes;
  for (const auto& n : out[0].notes) notes += n + "\n";
  EXPECT_NE(notes.find("not kept"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 further hits not followed"), std::string::npos) << notes;
}

TEST(ThreatIntelDetector, AFullContactTableIsSaidWhenItCouldHideContact) {
  ThreatIntelOptions o;
  o.max_contacts = 1;
  Fixture fx(o);
  fx.d->on_connection(conn(kHost, 49000, "93.184.216.1", 443, 5, ConnState::SF));
  fx.d->on_connection(conn(kHost, 49001, "93.184.216.34", 443, 6, ConnState::SF));  // not kept
  fx.d->on_dns(lookup(kHost, "gate.evil.example", 7, {"93.184.216.34"}));
  const auto out = fx.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::medium);
  std::string notes;
  for (const auto& n : out[0].notes) notes += n + "\n";
  EXPECT_NE(notes.find("table of contacts was full"), std::string::npos) << notes;
}

}  // namespace
}  // namespace callhome
