// Port, domain and network knowledge: the loaders on small inline tables, then the shipped
// data files themselves.
#include <gtest/gtest.h>

#include "core/connection.h"
#include "enrich/domain_knowledge.h"
#include "enrich/owner_knowledge.h"
#include "enrich/port_knowledge.h"
#include "enrich/reserved_ranges.h"

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}
const std::string kData = std::string(CALLHOME_SOURCE_DIR) + "/data";

TEST(PortKnowledge, MostSpecificEntryWins) {
  auto k = PortKnowledge::parse(
      "# comment\n"
      "4661-4672\tboth\tedonkey\teMule\tp2p\teDonkey range\tsrc\n"
      "\n"
      "4662\ttcp\tedonkey-client\teMule\tp2p\tclient port\tsrc\n"
      "4665\tudp\tedonkey-server-udp\t\tp2p\tserver udp\tsrc\n"
      "80\ttcp\thttp\t\tweb\tHTTP\tsrc\n",
      "ports.tsv");
  ASSERT_TRUE(k.ok()) << k.error();
  EXPECT_EQ(k->lookup(4662, kProtoTcp)->service, "edonkey-client");
  EXPECT_EQ(k->lookup(4662, kProtoUdp)->service, "edonkey");
  EXPECT_EQ(k->lookup(4665, kProtoUdp)->service, "edonkey-server-udp");
  EXPECT_EQ(k->lookup(4665, kProtoTcp)->service, "edonkey");
  EXPECT_EQ(k->lookup(4672, kProtoUdp)->service, "edonkey");
  EXPECT_EQ(k->lookup(80, kProtoTcp)->service, "http");
  EXPECT_EQ(k->lookup(80, kProtoUdp), nullptr);
  EXPECT_EQ(k->lookup(80, kProtoIcmp), nullptr);
  EXPECT_EQ(k->lookup(4673, kProtoTcp), nullptr);
}

TEST(PortKnowledge, ErrorsNameTheLine) {
  auto bad = [](const std::string& text) {
    auto k = PortKnowledge::parse(text, "ports.tsv");
    return k.ok() ? std::string() : k.error();
  };
  EXPECT_EQ(bad("70000\ttcp\tx\t\tweb\td\tsrc\n"), "ports.tsv:1: bad port or range '70000'");
  EXPECT_EQ(bad("\n90-80\ttcp\tx\t\tweb\td\tsrc\n"), "ports.tsv:2: bad port or range '90-80'");
  EXPECT_EQ(bad("80\tsctp\tx\t\tweb\td\tsrc\n"),
            "ports.tsv:1: protocol must be tcp, udp or both, not 'sctp'");
  EXPECT_EQ(bad("80\ttcp\thttp\t\tweb\tHTTP\n"),
            "ports.tsv:1: expected 7 tab-separated fields, found 6");
  EXPECT_EQ(bad("80\ttcp\thttp\t\tweb\tHTTP\t\n"), "ports.tsv:1: every entry must name its source");
  EXPECT_EQ(bad("80\ttcp\thttp\t\tweb\tHTTP\ts\n80\ttcp\thttp\t\tweb\tHTTP\ts\n"),
            "ports.tsv:2: duplicate entry for 80/tcp");
}

TEST(DomainKnowledge, SuffixMatchIncludesTheApexOnLabelBoundaries) {
  auto k = DomainKnowledge::parse(
      "*.akamai.net\tAkamai\tcdn\t\tsrc\n"
      "symantec.com\tSymantec\tantivirus\t\tsrc\n"
      "liveupdate.symantec.com\tSymantec\tupdate_service\t\tsrc\n"
      "t.co\tX\turl_shortener\t\tsrc\n",
      "domains.tsv");
  ASSERT_TRUE(k.ok()) << k.error();
  EXPECT_EQ(k->match("akamai.net")->organisation, "Akamai");  // the apex itself
  EXPECT_EQ(k->match("a1.g.akamai.net")->organisation, "Akamai");
  EXPECT_EQ(k->match("A1.G.AKAMAI.NET.")->organisation, "Akamai");
  EXPECT_EQ(k->match("notakamai.net"), nullptr);  // not on a label boundary
  EXPECT_EQ(k->match("akamai.net.evil.com"), nullptr);
  EXPECT_EQ(k->match("net"), nullptr);
  EXPECT_EQ(k->match("liveupdate.symantec.com")->category, "update_service");  // longest wins
  EXPECT_EQ(k->match("x.liveupdate.symantec.com")->category, "update_service");
  EXPECT_EQ(k->match("www.symantec.com")->category, "antivirus");
  EXPECT_EQ(k->match("t.co")->category, "url_shortener");
  EXPECT_EQ(k->match("microsoft.t.co")->category, "url_shortener");
  EXPECT_EQ(k->match("tt.co"), nullptr);
  EXPECT_EQ(k->match(""), nullptr);
  EXPECT_EQ(k->match("."), nullptr);
}

TEST(DomainKnowledge, Errors) {
  auto k = DomainKnowledge::parse("akamai.net\tA\tcdn\t\ts\nAkamai.NET\tA\tcdn\t\ts\n", "d");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error(), "d:2: duplicate domain 'akamai.net'");
  EXPECT_FALSE(DomainKnowledge::parse("a..b\tA\tcdn\t\ts\n", "d").ok());
  EXPECT_FALSE(DomainKnowledge::parse("bad domain\tA\tcdn\t\ts\n", "d").ok());
  EXPECT_FALSE(DomainKnowledge::parse("ok.net\t\tcdn\t\ts\n", "d").ok());
}

TEST(ShippedData, PortsAnswerTheCases) {
  auto k = PortKnowledge::load(kData + "/ports.tsv");
  ASSERT_TRUE(k.ok()) << k.error();
  const PortEntry* ft = k->lookup(1214, kProtoTcp);
  ASSERT_NE(ft, nullptr);
  EXPECT_EQ(ft->service, "fasttrack");
  EXPECT_NE(ft->application.find("KaZaA"), std::string::npos);
  EXPECT_NE(ft->application.find("Morpheus"), std::string::npos);
  EXPECT_EQ(ft->category, "p2p");
  EXPECT_NE(ft->source.find("CASES.md"), std::string::npos);
  struct Want {
    uint16_t port;
    uint8_t proto;
    const char* service;
    const char* category;
  };
  for (const Want& w : std::initializer_list<Want>{
           {6346, kProtoTcp, "gnutella", "p2p"},
           {6347, kProtoUdp, "gnutella-rtr", "p2p"},
           {4662, kProtoTcp, "edonkey-client", "p2p"},
           {4665, kProtoUdp, "edonkey-server-udp", "p2p"},
           {4670, kProtoTcp, "edonkey", "p2p"},
           {6885, kProtoTcp, "bittorrent", "p2p"},
           {6881, kProtoUdp, "bittorrent-dht", "p2p"},
           {6667, kProtoTcp, "irc", "irc"},
           {6697, kProtoTcp, "ircs", "irc"},
           {1080, kProtoTcp, "socks", "proxy"},
           {3128, kProtoTcp, "squid", "proxy"},
           {8080, kProtoTcp, "http-proxy", "proxy"},
           {123, kProtoUdp, "ntp", "time"},
           {53, kProtoUdp, "dns", "dns"},
           {53, kProtoTcp, "dns", "dns"},
           {853, kProtoTcp, "dns-over-tls", "dns"},
           {80, kProtoTcp, "http", "web"},
           {443, kProtoTcp, "https", "web"},
           {445, kProtoTcp, "smb", "windows_networking"},
           {3389, kProtoTcp, "rdp", "remote_access"},
           {23, kProtoTcp, "telnet", "remote_access"},
           {22, kProtoTcp, "ssh", "remote_access"},
           {587, kProtoTcp, "submission", "mail"},
           {69, kProtoUdp, "tftp", "file_transfer"},
           {161, kProtoUdp, "snmp", "management"},
           {389, kProtoTcp, "ldap", "directory"},
           {88, kProtoUdp, "kerberos", "auth"},
           {138, kProtoUdp, "netbios-dgm", "windows_networking"},
           {5353, kProtoUdp, "mdns", "local_discovery"},
           {1900, kProtoUdp, "ssdp", "local_discovery"},
           {9001, kProtoTcp, "tor-orport", "anonymizer"},
           {9050, kProtoTcp, "tor-socks", "anonymizer"},
           {6699, kProtoTcp, "winmx", "p2p"},
           {2234, kProtoTcp, "soulseek", "p2p"},
           {411, kProtoTcp, "directconnect", "p2p"},
           {1863, kProtoTcp, "msnp", "messaging"},
           {4444, kProtoTcp, "krb524", "commonly_abused"},
           {31337, kProtoUdp, "elite", "commonly_abused"},
           {1337, kProtoTcp, "leet", "commonly_abused"},
       }) {
    const PortEntry* e = k->lookup(w.port, w.proto);
    ASSERT_NE(e, nullptr) << w.port;
    EXPECT_EQ(e->service, w.service) << w.port;
    EXPECT_EQ(e->category, w.category) << w.port;
  }
  // "commonly abused" is a hint, never a verdict: no entry calls itself malware.
  for (const auto& e : k->entries()) {
    if (e.category == "commonly_abused") {
      EXPECT_NE(e.description.find("not proof of malware"), std::string::npos) << e.service;
    }
  }
}

TEST(ShippedData, DomainsAnswerTheCases) {
  auto k = DomainKnowledge::load(kData + "/domains.tsv");
  ASSERT_TRUE(k.ok()) << k.error();
  struct Want {
    const char* host;
    const char* org_part;
    const char* category;
  };
  for (const Want& w : std::initializer_list<Want>{
           {"musiccity.streamcastnetworks.com", "StreamCast", "p2p_vendor"},
           {"supernode3.streamcastnetworks.com", "StreamCast", "p2p_vendor"},
           {"www.musiccity.com", "MusicCity", "p2p_vendor"},
           {"supernode.kazaa.com", "KaZaA", "p2p_vendor"},
           {"updaterservice.wildtangent.com", "WildTangent", "bundled_software"},
           {"msn.com", "Microsoft", "portal"},
           {"akamai.net", "Akamai", "cdn"},
           {"a1.g.akamaiedge.net", "Akamai", "cdn"},
           {"e1234.b.akamaihd.net", "Akamai", "cdn"},
           {"www.symantec.com.edgekey.net", "Akamai", "cdn"},
           {"x.edgesuite.net", "Akamai", "cdn"},
           {"akamaitechnologies.com", "Akamai", "cdn"},
           {"wac.edgecastcdn.net", "Edgecast", "cdn"},
           {"d111.cloudfront.net", "CloudFront", "cdn"},
           {"liveupdate.symantecliveupdate.com", "Symantec", "update_service"},
           {"liveupdate.symantec.com", "Symantec", "update_service"},
           {"www.symantec.com", "Symantec", "antivirus"},
           {"guru.avg.com", "AVG", "antivirus"},
           {"update.avg.com", "AVG", "update_service"},
           {"download.windowsupdate.com", "Microsoft", "update_service"},
           {"update.microsoft.com", "Microsoft", "update_service"},
           {"v10.events.data.microsoft.com", "Microsoft", "telemetry"},
           {"www.microsoft.com", "Microsoft", "os_vendor"},
           {"mcafee.com", "McAfee", "antivirus"},
           {"home.no-ip.com", "No-IP", "dyndns"},
           {"x.duckdns.org", "Duck DNS", "dyndns"},
           {"me.dyndns.org", "Dyn", "dyndns"},
           {"bit.ly", "Bitly", "url_shortener"},
           {"ocsp.digicert.com", "DigiCert", "certificate_authority"},
           {"www.emule-project.net", "eMule", "p2p_vendor"},
       }) {
    const DomainEntry* e = k->match(w.host);
    ASSERT_NE(e, nullptr) << w.host;
    EXPECT_NE(e->organisation.find(w.org_part), std::string::npos) << w.host;
    EXPECT_EQ(e->category, w.category) << w.host;
    EXPECT_FALSE(e->source.empty()) << w.host;
  }
  EXPECT_EQ(k->match("streamcastnetworks.com.evil.example"), nullptr);
}

TEST(ShippedData, NetworksAndAsns) {
  auto k = OwnerKnowledge::load(kData + "/asns.tsv", kData + "/networks.tsv");
  ASSERT_TRUE(k.ok()) << k.error();
  for (uint32_t akamai : {20940u, 16625u, 12222u, 21342u, 33905u, 35994u}) {
    ASSERT_NE(k->asn(akamai), nullptr) << akamai;
    EXPECT_EQ(k->asn(akamai)->operator_name, "Akamai");
    EXPECT_EQ(k->asn(akamai)->category, "cdn");
  }
  EXPECT_EQ(k->asn(15133)->category, "cdn");
  EXPECT_EQ(k->asn(63949)->category, "hosting");  // Linode: Akamai's, but rented servers
  EXPECT_EQ(k->asn(1), nullptr);
  const NetworkEntry* edgecast = k->network(A("192.229.221.95"));
  ASSERT_NE(edgecast, nullptr);
  EXPECT_EQ(edgecast->asn, 15133u);
  EXPECT_EQ(k->network(A("192.229.127.255")), nullptr);
}

TEST(ReservedRanges, NamedWithTheirRfc) {
  struct Want {
    const char* addr;
    const char* name;
  };
  for (const Want& w : std::initializer_list<Want>{
           {"192.168.1.3", "private (RFC 1918)"},
           {"10.0.0.1", "private (RFC 1918)"},
           {"172.31.0.1", "private (RFC 1918)"},
           {"100.64.0.1", "shared address space / carrier-grade NAT (RFC 6598)"},
           {"127.0.0.1", "loopback (RFC 1122)"},
           {"169.254.10.1", "link-local (RFC 3927)"},
           {"224.0.0.251", "local network control multicast (RFC 5771)"},
           {"239.255.255.250", "administratively scoped multicast (RFC 2365)"},
           {"233.1.1.1", "multicast (RFC 5771)"},
           {"192.0.2.1", "documentation TEST-NET-1 (RFC 5737)"},
           {"198.51.100.7", "documentation TEST-NET-2 (RFC 5737)"},
           {"203.0.113.7", "documentation TEST-NET-3 (RFC 5737)"},
           {"255.255.255.255", "limited broadcast (RFC 919)"},
           {"250.1.1.1", "reserved for future use (RFC 1112)"},
           {"0.1.2.3", "\"this network\" (RFC 791)"},
           {"0.0.0.0", "unspecified address (RFC 1122)"},
           {"198.19.0.1", "benchmarking (RFC 2544)"},
           {"::1", "loopback (RFC 4291)"},
           {"::", "unspecified address (RFC 4291)"},
           {"fe80::1", "link-local (RFC 4291)"},
           {"fd12:3456::1", "unique local (RFC 4193)"},
           {"ff02::fb", "multicast (RFC 4291)"},
           {"2001:db8::1", "documentation (RFC 3849)"},
           {"2001:0:4136:e378::1", "Teredo tunnelling (RFC 4380)"},
           {"2001:2::1", "benchmarking (RFC 5180)"},
           {"2002:c000:0204::1", "6to4, embeds an IPv4 address (RFC 3056)"},
           {"64:ff9b::8.8.8.8", "NAT64 well-known prefix, embeds an IPv4 address (RFC 6052)"},
       }) {
    auto r = reserved_range(A(w.addr));
    ASSERT_TRUE(r) << w.addr;
    EXPECT_EQ(r->name, w.name) << w.addr;
  }
  for (const char* ordinary : {"8.8.8.8", "72.246.53.81", "172.32.0.1", "100.128.0.1", "198.20.0.1",
                               "2001:4860::8888", "2a00:1450::1"}) {
    EXPECT_FALSE(reserved_range(A(ordinary))) << ordinary;
  }
}

}  // namespace
}  // namespace callhome
