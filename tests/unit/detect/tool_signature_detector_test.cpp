#include "detect/tool_signature_detector.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace callhome {
namespace {

constexpr std::string_view kNseAgent =
    "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)";

ToolSignatureOptions options() {
  ToolSignatureOptions o;
  o.signatures = {
      {"Nmap Scripting Engine", ToolSignature::Field::user_agent, "Nmap", "scanner", "nselib"},
      {"/nmaplowercheck", ToolSignature::Field::path, "Nmap", "scanner", "nselib"},
      {"sqlmap", ToolSignature::Field::user_agent, "sqlmap", "exploit", "sqlmap"},
  };
  return o;
}

HttpEvent request(const char* client, std::string_view method, std::string_view url,
                  std::string_view agent, double ts) {
  HttpEvent e;
  e.ts = ts;
  e.client = *Address::parse(client);
  e.server = *Address::parse("130.211.223.103");
  e.server_port = 80;
  e.method = method;
  e.url = url;
  e.user_agent = agent;
  e.prov = {0, uint64_t(ts)};
  return e;
}

TEST(ToolSignature, NmapScriptingEngineAgentNamesTheScanner) {
  ToolSignatureDetector d(options());
  d.on_http(request("10.87.1.10", "GET", "/HNAP1", kNseAgent, 1));
  d.on_http(request("10.87.1.10", "GET", "/nmaplowercheck1596347380", kNseAgent, 2));
  d.on_http(request("10.87.1.10", "PROPFIND", "/", kNseAgent, 3));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  const Finding& f = out[0];
  EXPECT_EQ(f.kind, FindingKind::tool_signature);
  EXPECT_EQ(f.host.to_string(), "10.87.1.10");
  const auto& t = std::get<ToolSignatureDetails>(f.details);
  EXPECT_EQ(t.tool, "Nmap");
  EXPECT_EQ(t.category, "scanner");
  EXPECT_EQ(t.requests, 3u);
  EXPECT_EQ(t.matched, kNseAgent);
  EXPECT_EQ(t.dsts, std::vector<std::string>{"130.211.223.103"});
  EXPECT_EQ(t.dst_port, 80);
  EXPECT_EQ(f.severity, Severity::medium);
  ASSERT_EQ(f.evidence.size(), 3u);
  EXPECT_EQ(f.evidence[0].prov.ref, 1u);
  EXPECT_EQ(f.evidence[0].what, "GET /HNAP1 to 130.211.223.103:80");
}

TEST(ToolSignature, ProbePathAloneNamesTheToolAndTheAgentWinsWhenItComes) {
  ToolSignatureDetector d(options());
  d.on_http(request("10.0.0.5", "GET", "http://x.example/nmaplowercheck17", "", 1));
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<ToolSignatureDetails>(out[0].details).matched, "/nmaplowercheck17");

  ToolSignatureDetector both(options());
  both.on_http(request("10.0.0.5", "GET", "/nmaplowercheck17", "", 1));
  both.on_http(request("10.0.0.5", "GET", "/", "sqlmap/1.4 (http://sqlmap.org)", 2));
  both.on_http(request("10.0.0.5", "GET", "/", kNseAgent, 3));
  out.clear();
  both.finish(out);
  ASSERT_EQ(out.size(), 2u);  // one per tool
  for (const auto& f : out) {
    const auto& t = std::get<ToolSignatureDetails>(f.details);
    if (t.tool == "Nmap") {
      EXPECT_EQ(t.matched, kNseAgent);
    } else {
      EXPECT_EQ(f.severity, Severity::high);  // sqlmap exploits
    }
  }
}

TEST(ToolSignature, BrowserAgentAndOutsideScannersAreNothing) {
  ToolSignatureDetector d(options());
  d.on_http(request("10.0.0.5", "GET", "/index.html",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                    "Gecko) Chrome/120.0 Safari/537.36",
                    1));
  d.on_http(request("10.0.0.5", "GET", "/", "python-requests/2.31.0", 2));
  // An Internet scanner probing the site: not something an internal host runs.
  d.on_http(request("198.51.100.7", "GET", "/", kNseAgent, 3));
  std::vector<Finding> out;
  d.finish(out);
  EXPECT_TRUE(out.empty());
}

TEST(ToolSignature, FindingsCarryToolDetailsWrittenWithTheDocumentKeys) {
  ToolSignatureDetector d(options());
  d.on_http(request("10.87.1.10", "GET", "/HNAP1", kNseAgent, 1));
  HttpEvent portless = request("10.0.0.5", "GET", "/", "sqlmap/1.4 (http://sqlmap.org)", 2);
  portless.server_port = 0;  // no port known: dst_port is null
  d.on_http(portless);
  std::vector<Finding> out;
  d.finish(out);
  ASSERT_EQ(out.size(), 2u);
  for (const Finding& f : out) {
    EXPECT_TRUE(details_fit(f.kind, f.details));
    ASSERT_TRUE(std::holds_alternative<ToolSignatureDetails>(f.details));
    const nlohmann::json a = attributes_json(f);
    std::set<std::string> keys;
    for (const auto& [key, value] : a.items()) keys.insert(key);
    EXPECT_EQ(keys, (std::set<std::string>{"tool", "category", "requests", "matched", "signature",
                                           "signature_source", "dsts", "more_dsts", "dst_port",
                                           "dst_ports", "sample_paths"}));
    if (a["tool"] == "Nmap") {
      EXPECT_EQ(a["dst_port"], 80);
      EXPECT_EQ(a["dst_ports"], nlohmann::json::array({80}));
    } else {
      EXPECT_TRUE(a["dst_port"].is_null());
      EXPECT_EQ(a["dst_ports"], nlohmann::json::array());
    }
  }
}

}  // namespace
}  // namespace callhome
