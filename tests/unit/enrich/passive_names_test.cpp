#include "enrich/passive_names.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}

DnsEvent dns(double ts, const char* query, std::vector<std::string> cnames,
             std::vector<const char*> answers, uint64_t line) {
  DnsEvent e;
  e.ts = ts;
  e.client = A("192.168.0.13");
  e.server = A("192.168.0.1");
  e.query = query;
  e.cnames = std::move(cnames);
  for (const char* a : answers) e.addresses.push_back(A(a));
  e.prov = {0, line};
  return e;
}

std::vector<std::string> names(const PassiveNames& p, const char* addr) {
  std::vector<std::string> out;
  for (const auto& s : p.names_for(A(addr))) out.push_back(s.name);
  return out;
}

TEST(PassiveNames, DnsCnameChainMapsEveryNameToTheAnswers) {
  PassiveNames p;
  // Case 2: LiveUpdate's name is an alias into Akamai.
  p.on_dns(dns(100, "LiveUpdate.Symantecliveupdate.com.",
               {"liveupdate.symantecliveupdate.com.edgesuite.net", "a1.g.akamai.net"},
               {"72.246.53.81", "72.246.53.96"}, 7));
  for (const char* a : {"72.246.53.81", "72.246.53.96"}) {
    EXPECT_EQ(names(p, a), (std::vector<std::string>{"liveupdate.symantecliveupdate.com",
                                                     "liveupdate.symantecliveupdate.com."
                                                     "edgesuite.net",
                                                     "a1.g.akamai.net"}));
  }
  auto s = p.names_for(A("72.246.53.81"));
  EXPECT_EQ(s[0].source, NameSource::dns_query);
  EXPECT_EQ(s[1].source, NameSource::dns_cname);
  EXPECT_EQ(s[0].first, (Provenance{0, 7}));
  EXPECT_EQ(p.addresses(), 2u);
  EXPECT_EQ(p.entries(), 6u);
}

TEST(PassiveNames, CountsFirstAndLastAndSortsByCount) {
  PassiveNames p;
  p.on_dns(dns(50, "supernode1.streamcastnetworks.com", {}, {"206.142.53.27"}, 1));
  p.on_dns(dns(10, "supernode.kazaa.com", {}, {"206.142.53.27"}, 2));
  p.on_dns(dns(70, "supernode.kazaa.com", {}, {"206.142.53.27"}, 3));
  NameEvent sni;
  sni.ts = 90;
  sni.server = A("206.142.53.27");
  sni.name = "supernode.kazaa.com";
  sni.source = "tls_sni";
  p.on_name(sni);
  auto s = p.names_for(A("206.142.53.27"));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "supernode.kazaa.com");
  EXPECT_EQ(s[0].count, 3u);
  EXPECT_EQ(s[0].first_ts, 10);
  EXPECT_EQ(s[0].last_ts, 90);
  EXPECT_EQ(s[0].first, (Provenance{0, 2}));
  EXPECT_EQ(s[0].source, NameSource::dns_query);
  EXPECT_EQ(s[0].sources, (1u << int(NameSource::dns_query)) | (1u << int(NameSource::tls_sni)));
  EXPECT_EQ(s[1].name, "supernode1.streamcastnetworks.com");
}

TEST(PassiveNames, InternalAndUnspecifiedAddressesAreNotRecorded) {
  PassiveNames p;
  p.on_dns(dns(1, "printer.local", {}, {"192.168.1.20", "fd00::20"}, 1));
  p.on_dns(dns(1, "nxdomain.example", {}, {}, 2));
  NameEvent n;
  n.name = "nowhere.example";
  p.on_name(n);  // server unspecified
  EXPECT_EQ(p.entries(), 0u);
}

TEST(PassiveNames, HttpHostAndProxyDirect) {
  PassiveNames p;
  HttpEvent h;
  h.ts = 5;
  h.server = A("91.189.95.21");
  h.host = "Torrent.Ubuntu.com:6969";
  h.url = "/announce?info_hash=x";
  p.on_http(h);
  EXPECT_EQ(names(p, "91.189.95.21"), std::vector<std::string>{"torrent.ubuntu.com"});
  EXPECT_EQ(p.names_for(A("91.189.95.21"))[0].source, NameSource::http_host);

  // Case 1's Squid line: DIRECT/<name> gives no address; DIRECT/<address> does.
  HttpEvent squid;
  squid.ts = 990049564.625;
  squid.via_proxy = true;
  squid.method = "POST";
  squid.url = "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss";
  squid.hierarchy = "DIRECT/updaterservice.wildtangent.com";
  p.on_http(squid);
  EXPECT_EQ(p.entries(), 1u);
  squid.hierarchy = "DIRECT/206.142.53.27";
  squid.url = "http://musiccity.streamcastnetworks.com/";
  p.on_http(squid);
  EXPECT_EQ(names(p, "206.142.53.27"),
            std::vector<std::string>{"musiccity.streamcastnetworks.com"});
  EXPECT_EQ(p.names_for(A("206.142.53.27"))[0].source, NameSource::proxy_direct);

  // Through a parent proxy, the peer is that proxy: it must not collect every site's name.
  squid.hierarchy = "FIRST_PARENT_MISS/203.0.114.8";
  squid.url = "http://www.musiccity.com/";
  p.on_http(squid);
  EXPECT_TRUE(p.names_for(A("203.0.114.8")).empty());
  // CONNECT host:port, with the server named by the reader.
  HttpEvent connect;
  connect.via_proxy = true;
  connect.method = "CONNECT";
  connect.url = "liveupdate.symantec.com:443";
  connect.hierarchy = "HIER_DIRECT/-";
  connect.server = A("72.246.53.90");
  p.on_http(connect);
  EXPECT_EQ(names(p, "72.246.53.90"), std::vector<std::string>{"liveupdate.symantec.com"});
  // An address literal is not a name.
  HttpEvent literal;
  literal.server = A("72.246.53.83");
  literal.host = "72.246.53.83";
  p.on_http(literal);
  EXPECT_TRUE(p.names_for(A("72.246.53.83")).empty());
}

TEST(PassiveNames, MemoryIsBounded) {
  PassiveNamesOptions o;
  o.max_names_per_address = 4;
  o.max_entries = 10;
  PassiveNames p(o);
  for (int i = 0; i < 8; ++i) {
    p.record(A("72.246.53.81"), "n" + std::to_string(i) + ".akamai.net", NameSource::other, i, {});
  }
  EXPECT_EQ(p.names_for(A("72.246.53.81")).size(), 4u);
  EXPECT_EQ(p.dropped(), 4u);
  // Known names still count when the address is full.
  p.record(A("72.246.53.81"), "n0.akamai.net", NameSource::other, 20, {});
  EXPECT_EQ(p.names_for(A("72.246.53.81"))[0].count, 2u);
  for (int i = 0; i < 20; ++i) {
    p.record(Address::v4(0x08080000u + uint32_t(i)), "x.example", NameSource::other, 1, {});
  }
  EXPECT_EQ(p.entries(), 10u);
  EXPECT_EQ(p.dropped(), 4u + 14u);
}

TEST(PassiveNames, UrlHost) {
  EXPECT_EQ(url_host("http://www.musiccity.com/index.html"), "www.musiccity.com");
  EXPECT_EQ(url_host("http://user:pw@Example.com:8080/x?y"), "Example.com");
  EXPECT_EQ(url_host("liveupdate.symantec.com:443"), "liveupdate.symantec.com");
  EXPECT_EQ(url_host("https://[2001:db8::1]:443/"), "2001:db8::1");
  EXPECT_EQ(url_host("/relative/path"), "");
  EXPECT_EQ(url_host(""), "");
}

}  // namespace
}  // namespace callhome
