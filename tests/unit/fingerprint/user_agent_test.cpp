// User-Agents read as product, version and OS, and the agents data/user_agents.tsv names.
#include <gtest/gtest.h>

#include "fingerprint/tls_clients.h"
#include "fingerprint/user_agent.h"

namespace callhome {
namespace {

UserAgentKnowledge shipped() {
  auto k = UserAgentKnowledge::load(std::string(CALLHOME_SOURCE_DIR) + "/data/user_agents.tsv");
  EXPECT_TRUE(k) << k.error();
  return k ? std::move(*k) : UserAgentKnowledge{};
}

TEST(UserAgent, Browsers) {
  struct Case {
    const char* ua;
    const char* product;
    const char* version;
    const char* os;
  };
  const Case cases[] = {
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       "Chrome", "120.0.0.0", "Windows 10/11"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
       "Edge", "120.0.2210.91", "Windows 10/11"},
      {"Mozilla/5.0 (X11; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0", "Firefox", "72.0",
       "Linux"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/17.1 Safari/605.1.15",
       "Safari", "17.1", "macOS 10.15.7"},
      {"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)", "Internet Explorer", "6.0",
       "Windows XP"},
      {"Mozilla/4.0 (compatible; MSIE 5.5; Windows 98; Win 9x 4.90)", "Internet Explorer", "5.5",
       "Windows ME"},
      {"Mozilla/4.0 (compatible; MSIE 5.01; Windows 98)", "Internet Explorer", "5.01",
       "Windows 98"},
      {"Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko", "Internet Explorer", "11.0",
       "Windows 7"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
       "Gecko) Version/16.0 Mobile/15E148 Safari/604.1",
       "Safari", "16.0", "iOS 16.0"},
      {"Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/116.0.0.0 Mobile Safari/537.36",
       "Chrome", "116.0.0.0", "Android 13"},
  };
  for (const Case& c : cases) {
    const UserAgentInfo i = normalise_user_agent(c.ua, nullptr);
    EXPECT_EQ(i.product, c.product) << c.ua;
    EXPECT_EQ(i.version, c.version) << c.ua;
    EXPECT_EQ(i.os, c.os) << c.ua;
    EXPECT_EQ(i.category, "browser") << c.ua;
  }
}

TEST(UserAgent, ProgramsAndKnownAgents) {
  const UserAgentKnowledge k = shipped();
  struct Case {
    const char* ua;
    const char* product;
    const char* version;
    const char* category;
    const char* known;
    const char* os;
  };
  // The first four are the strings the shared corpus's CTU-Normal http.logs hold.
  const Case cases[] = {
      {"Microsoft-CryptoAPI/10.0", "Microsoft-CryptoAPI", "10.0", "os_service",
       "Windows certificate checks (CRL and OCSP fetches)", "Windows"},
      {"Microsoft-Delivery-Optimization/10.1", "Microsoft-Delivery-Optimization", "10.1",
       "update_agent", "Windows Delivery Optimization (update downloads)", "Windows"},
      {"Microsoft NCSI", "Microsoft NCSI", "", "os_service",
       "Windows network connectivity probe (NCSI)", "Windows"},
      {"Debian APT-HTTP/1.3 (2.4.5) non-interactive", "Debian APT-HTTP", "1.3", "update_agent",
       "APT package manager (Debian, Ubuntu)", "Debian or Ubuntu Linux"},
      {"Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.0", "Windows-Update-Agent",
       "10.0.10011.16384", "update_agent", "Windows Update", "Windows"},
      {"curl/7.58.0", "curl", "7.58.0", "", "", ""},
  };
  for (const Case& c : cases) {
    const UserAgentInfo i = normalise_user_agent(c.ua, &k);
    EXPECT_EQ(i.product, c.product) << c.ua;
    EXPECT_EQ(i.version, c.version) << c.ua;
    EXPECT_EQ(i.category, c.category) << c.ua;
    EXPECT_EQ(i.known ? i.known->name : "", c.known) << c.ua;
    EXPECT_EQ(i.os, c.os) << c.ua;
  }
}

TEST(UserAgent, KnowledgeFileMistakesNameTheLine) {
  auto bad = UserAgentKnowledge::parse("# c\nAV\tx\tupdate_agent\t-\tsrc\n", "ua.tsv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "ua.tsv:2: pattern 'AV' is too short");
  auto no_source = UserAgentKnowledge::parse("LiveUpdate\tx\tupdate_agent\t-\t\n", "ua.tsv");
  EXPECT_FALSE(no_source);
}

TEST(TlsClients, ShippedListLoadsAndNamesTor) {
  auto k = TlsClientKnowledge::load(std::string(CALLHOME_SOURCE_DIR) + "/data/tls_clients.tsv");
  ASSERT_TRUE(k) << k.error();
  const KnownTlsClient* tor = k->find("e7d705a3286e19ea42f587b344ee6865");
  ASSERT_NE(tor, nullptr);
  EXPECT_EQ(tor->client, "Tor client");
  EXPECT_NE(tor->source.find("salesforce/ja3"), std::string::npos);
  EXPECT_NE(k->find("t13d1516h2_8daaf6152771_02713d6af862"), nullptr);
  auto bad = TlsClientKnowledge::parse("nothex\tx\tbrowser\tsrc\n", "tls.tsv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "tls.tsv:1: 'nothex' is neither a JA3 nor a JA4 fingerprint");
}

}  // namespace
}  // namespace callhome
