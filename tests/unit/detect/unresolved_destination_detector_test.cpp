#include "detect/unresolved_destination_detector.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "detector_test_util.h"

namespace callhome {
namespace {

using testing::conn;

constexpr const char* kHost = "10.1.6.206";

DnsEvent answer(const char* client, const char* query, double ts,
                std::vector<const char*> addresses) {
  DnsEvent e;
  e.ts = ts;
  e.client = *Address::parse(client);
  e.server = *Address::parse("10.1.6.1");
  e.query = query;
  e.rcode = "NOERROR";
  for (const char* a : addresses) e.addresses.push_back(*Address::parse(a));
  e.prov = {0, uint64_t(ts)};
  return e;
}

HttpEvent post(const char* dst, uint16_t port, double ts) {
  HttpEvent e;
  e.ts = ts;
  e.client = *Address::parse(kHost);
  e.server = *Address::parse(dst);
  e.server_port = port;
  e.method = "POST";
  e.url = "/x7ab/";
  e.host = dst;  // the bare address
  e.prov = {0, uint64_t(ts) + 1};
  return e;
}

// Emotet's shape: a check-in burst every ~16 min, each a POST to the bare address.
void checkins(UnresolvedDestinationDetector& d, const char* dst, uint16_t port, bool with_post) {
  for (int i = 0; i < 6; ++i) {
    const double ts = 1000 + 960.0 * i;
    if (with_post) d.on_http(post(dst, port, ts + 1));
    d.on_connection(conn(kHost, uint16_t(49000 + i), dst, port, ts, ConnState::SF));
  }
}

std::vector<Finding> finish(UnresolvedDestinationDetector& d) {
  std::vector<Finding> out;
  d.finish(out);
  return out;
}

TEST(UnresolvedDestination, DirectToAddressPostsWhileUsingDnsAreHigh) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  d.on_connection(conn(kHost, 48000, "23.1.2.3", 443, 905, ConnState::SF));
  checkins(d, "5.2.136.90", 80, true);
  const auto out = finish(d);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::unresolved_destination);
  EXPECT_EQ(f.host.to_string(), kHost);
  EXPECT_EQ(f.severity, Severity::high);
  const auto& a = std::get<UnresolvedDestinationDetails>(f.details);
  EXPECT_EQ(a.dst.to_string(), "5.2.136.90");
  EXPECT_EQ(a.dst_port, 80);
  EXPECT_EQ(a.visits, 6u);
  EXPECT_EQ(a.http_posts, 6u);
  EXPECT_EQ(a.connections, 6u);
  EXPECT_FALSE(f.evidence.empty());
}

TEST(UnresolvedDestination, BareAddressRequestsWithoutPostsOnASchedule) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  d.on_connection(conn(kHost, 48000, "23.1.2.3", 443, 905, ConnState::SF));
  for (int i = 0; i < 3; ++i) {  // three visits, a Host header naming the address each time
    NameEvent n;
    n.ts = 1000 + 960.0 * i;
    n.client = *Address::parse(kHost);
    n.server = *Address::parse("167.71.4.0");
    n.server_port = 8080;
    n.name = "167.71.4.0:8080";
    n.source = "http_host";
    d.on_name(n);
    d.on_connection(conn(kHost, uint16_t(49000 + i), "167.71.4.0", 8080, n.ts, ConnState::SF));
  }
  auto out = finish(d);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::medium);
  EXPECT_EQ(std::get<UnresolvedDestinationDetails>(out[0].details).bare_ip_requests, 3u);
}

TEST(UnresolvedDestination, APartialDnsLogDoesNotMakeEveryAddressSuspect) {
  // One lookup in the evidence, a dozen web destinations never named: the log is partial.
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "connectivitycheck.gstatic.com", 900, {"23.1.2.3"}));
  d.on_connection(conn(kHost, 48000, "23.1.2.3", 443, 905, ConnState::SF));
  for (int k = 0; k < 12; ++k) {
    const std::string dst = "157.240.30." + std::to_string(k + 1);
    for (int i = 0; i < 4; ++i) {
      d.on_connection(
          conn(kHost, uint16_t(49000 + i), dst.c_str(), 443, 1000 + 960.0 * i, ConnState::SF));
    }
  }
  EXPECT_TRUE(finish(d).empty());
}

TEST(UnresolvedDestination, AnAddressResolvedByDnsIsNotAccusedWhateverTheOrder) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  checkins(d, "5.2.136.90", 80, false);
  // The answer arrives after the connection records (another input, or a later log line).
  d.on_dns(answer("10.1.6.7", "update.example.com", 9000, {"5.2.136.90"}));
  EXPECT_TRUE(finish(d).empty());
}

TEST(UnresolvedDestination, AnAddressNamedBySniIsNotAccused) {
  // c2-dns-*: 192.168.5.5 stands in for Microsoft, outside the site's network, reached with
  // SNI names.
  UnresolvedDestinationOptions opt;
  opt.internal = NetworkSet({*Cidr::parse("10.0.0.0/8")});
  UnresolvedDestinationDetector d(opt);
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  checkins(d, "192.168.5.5", 443, false);
  NameEvent n;
  n.client = *Address::parse(kHost);
  n.server = *Address::parse("192.168.5.5");
  n.server_port = 443;
  n.name = "self.events.data.microsoft.com";
  n.source = "tls_sni";
  d.on_name(n);
  EXPECT_TRUE(finish(d).empty());
}

TEST(UnresolvedDestination, AHostWithNoDnsInTheEvidenceIsNotAccused) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer("10.1.6.7", "www.microsoft.com", 900, {"23.1.2.3"}));  // another host's
  checkins(d, "5.2.136.90", 80, true);
  EXPECT_TRUE(finish(d).empty());
}

TEST(UnresolvedDestination, OneVisitOrResolverAndTimePortsAreNotCheckIns) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  for (int i = 0; i < 10; ++i) {  // one burst: a page fetched by address
    d.on_connection(conn(kHost, uint16_t(49000 + i), "203.0.113.5", 80, 1000 + i, ConnState::SF));
  }
  for (int i = 0; i < 6; ++i) {  // NTP and a resolver by address, on a schedule
    d.on_connection(conn(kHost, 123, "162.159.200.1", 123, 1000 + 960.0 * i, ConnState::SF,
                         Action::unknown, kProtoUdp));
    d.on_connection(
        conn(kHost, uint16_t(50000 + i), "1.1.1.2", 853, 1000 + 960.0 * i, ConnState::SF));
    // DNS over HTTPS to the same resolver: reached by address by design.
    d.on_connection(
        conn(kHost, uint16_t(51000 + i), "1.1.1.2", 443, 1000 + 960.0 * i, ConnState::SF));
  }
  EXPECT_TRUE(finish(d).empty());
}

TEST(UnresolvedDestination, RefusedAttemptsOnlyAreLow) {
  UnresolvedDestinationDetector d({});
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  for (int i = 0; i < 5; ++i) {
    d.on_connection(
        conn(kHost, uint16_t(49000 + i), "46.101.230.194", 443, 1000 + 960.0 * i, ConnState::REJ));
  }
  d.on_connection(conn(kHost, 48000, "23.1.2.3", 443, 905, ConnState::SF));
  const auto out = finish(d);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].severity, Severity::low);
  EXPECT_EQ(std::get<UnresolvedDestinationDetails>(out[0].details).answered, 0u);
}

// Names the service of port 8080 and the owner of one address, as data/ports.tsv and an ASN
// database do.
class FakeLookup : public NoDestinationLookup {
 public:
  DestinationInfo destination(const Address& a) const override {
    if (a.to_string() == "167.71.4.0") return {14061, "DigitalOcean", "US", "", {}};
    return {};
  }
  PortInfo port(uint16_t port, uint8_t) const override {
    if (port == 8080) return {"http-alt", "web", "HTTP alternate"};
    return {};
  }
};

TEST(UnresolvedDestination, FindingsCarryTheirDetailsWrittenWithTheDocumentKeys) {
  FakeLookup lookup;
  UnresolvedDestinationOptions o;
  o.lookup = &lookup;
  UnresolvedDestinationDetector d(o);
  d.on_dns(answer(kHost, "www.microsoft.com", 900, {"23.1.2.3"}));
  d.on_connection(conn(kHost, 48000, "23.1.2.3", 443, 905, ConnState::SF));
  // Two of the host's four destinations named: enough to weigh the unnamed ones.
  d.on_dns(answer(kHost, "www.example.com", 910, {"93.184.216.34"}));
  d.on_connection(conn(kHost, 48001, "93.184.216.34", 443, 915, ConnState::SF));
  checkins(d, "5.2.136.90", 80, true);     // no service or owner known
  checkins(d, "167.71.4.0", 8080, false);  // both known
  const auto out = finish(d);
  ASSERT_EQ(out.size(), 2u);
  const std::set<std::string> base = {"dst",
                                      "dst_port",
                                      "proto",
                                      "connections",
                                      "answered",
                                      "failed",
                                      "visits",
                                      "span_s",
                                      "http_posts",
                                      "bare_ip_requests",
                                      "host_dns_answers",
                                      "host_named_share"};
  for (const Finding& f : out) {
    EXPECT_TRUE(details_fit(f.kind, f.details));
    ASSERT_TRUE(std::holds_alternative<UnresolvedDestinationDetails>(f.details));
    const nlohmann::json a = attributes_json(f);
    std::set<std::string> keys;
    for (const auto& [key, value] : a.items()) keys.insert(key);
    std::set<std::string> expected = base;
    if (a["dst"] == "167.71.4.0") {
      expected.insert({"service", "dst_org"});
      EXPECT_EQ(a["service"], "http-alt");
      EXPECT_EQ(a["dst_org"], "DigitalOcean");
    }
    EXPECT_EQ(keys, expected) << a.dump();
    EXPECT_EQ(a["proto"], "tcp");
  }
}

}  // namespace
}  // namespace callhome
