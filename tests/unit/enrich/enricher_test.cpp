// The facade without any IP database: it must still name reserved ranges, curated networks,
// ports and names, warn once, and never fail.
#include "enrich/enricher.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "core/connection.h"
#include "unit/temp_dir.h"

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}
const std::string kData = std::string(CALLHOME_SOURCE_DIR) + "/data";

struct Fixture {
  testing::TempDir empty;
  std::vector<std::string> warnings;
  EnricherOptions options(const PassiveNames* names = nullptr) {
    EnricherOptions o;
    o.data_dir = kData;
    o.ipdb_dir = empty.path();
    o.names = names;
    o.warn = [this](const std::string& w) { warnings.push_back(w); };
    return o;
  }
};

TEST(Enricher, WithoutDatabaseWarnsOnceAndAnswersWhatItCan) {
  Fixture f;
  Enricher e(f.options());
  EXPECT_TRUE(f.warnings.empty());  // the index is opened on first use, not before
  OwnerInfo google = e.owner(A("8.8.8.8"));
  EXPECT_FALSE(google.known());
  EXPECT_FALSE(e.owner(A("1.1.1.1")).known());
  EXPECT_FALSE(e.has_ip_database());
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("scripts/install-ipdb.sh"), std::string::npos) << f.warnings[0];
  EXPECT_TRUE(e.attributions().empty());

  OwnerInfo priv = e.owner(A("192.168.1.3"));
  EXPECT_EQ(priv.reserved, "private (RFC 1918)");
  EXPECT_EQ(priv.source, "reserved");
  // Curated prefixes still answer for the Edgecast CRL address.
  OwnerInfo edgecast = e.owner(A("192.229.221.95"));
  EXPECT_EQ(edgecast.asn, 15133u);
  EXPECT_EQ(edgecast.operator_name, "Edgecast (Edgio)");
  EXPECT_EQ(edgecast.source, "data/networks.tsv");
  EXPECT_EQ(f.warnings.size(), 1u);
}

TEST(Enricher, PortsAsDestinationLookup) {
  Fixture f;
  Enricher e(f.options());
  const DestinationLookup& lookup = e;
  PortInfo ft = lookup.port(1214, kProtoTcp);
  EXPECT_EQ(ft.service, "fasttrack");
  EXPECT_EQ(ft.category, "p2p");
  EXPECT_EQ(ft.description,
            "FastTrack peer-to-peer file sharing (supernode and peer connections) (KaZaA, "
            "Morpheus, Grokster, iMesh)");
  EXPECT_EQ(lookup.port(8080, kProtoTcp).category, "proxy");
  EXPECT_EQ(lookup.port(1, kProtoTcp).service, "");
}

TEST(Enricher, DestinationCombinesOwnerNamesAndDomains) {
  Fixture f;
  PassiveNames names;
  DnsEvent d;
  d.query = "liveupdate.symantecliveupdate.com";
  d.cnames = {"liveupdate.symantecliveupdate.com.edgesuite.net", "a1.g.akamai.net"};
  d.addresses = {A("192.229.221.95")};
  names.on_dns(d);
  Enricher e(f.options(&names));
  DestinationInfo info = e.destination(A("192.229.221.95"));
  EXPECT_EQ(info.asn, 15133u);
  EXPECT_EQ(info.org, "Edgecast (Edgio)");
  // What the names say beats what the network is: an update service, delivered by a CDN.
  EXPECT_EQ(info.category, "update_service");
  ASSERT_EQ(info.names.size(), 3u);
  EXPECT_EQ(info.names[0], "liveupdate.symantecliveupdate.com");

  // An address known only by name gets the domain's organisation.
  NameEvent n;
  n.server = A("198.18.0.0");  // reserved (benchmarking) but named in this test
  n.name = "supernode.kazaa.com";
  n.source = "tls_sni";
  names.on_name(n);
  NameEvent m;
  m.server = A("5.6.7.8");
  m.name = "supernode.kazaa.com";
  names.on_name(m);
  DestinationInfo kazaa = e.destination(A("5.6.7.8"));
  EXPECT_EQ(kazaa.org, "Sharman Networks (KaZaA)");
  EXPECT_EQ(kazaa.category, "p2p_vendor");
}

TEST(Enricher, MissingDataDirectoryIsWarningsNotFailure) {
  Fixture f;
  EnricherOptions o = f.options();
  o.data_dir = f.empty.path() + "/no-such-dir";
  Enricher e(o);
  EXPECT_EQ(f.warnings.size(), 4u);  // ports, domains, networks, tools
  EXPECT_EQ(e.port(1214, kProtoTcp).service, "");
  EXPECT_EQ(e.domain("akamai.net"), nullptr);
  EXPECT_EQ(e.owner(A("10.0.0.1")).reserved, "private (RFC 1918)");
}

TEST(InstallScript, WarnsAndSucceedsWithoutNpm) {
  testing::TempDir d;
  // A PATH with the few tools the script needs, but no npm.
  std::filesystem::create_directory(d.file("bin"));
  for (const char* tool : {"dirname", "sed", "head", "mkdir"}) {
    std::filesystem::create_symlink(std::string("/usr/bin/") + tool, d.file("bin/") + tool);
  }
  std::string cmd = "cd " + d.path() + " && env -i PATH=" + d.file("bin") +
                    " CALLHOME_IPDB_DIR=" + d.file("ipdb") + " /bin/bash " + CALLHOME_SOURCE_DIR +
                    "/scripts/install-ipdb.sh 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 256> buf;
  while (std::fgets(buf.data(), int(buf.size()), p)) out += buf.data();
  int status = ::pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("warning: npm not found"), std::string::npos) << out;
}

}  // namespace
}  // namespace callhome
