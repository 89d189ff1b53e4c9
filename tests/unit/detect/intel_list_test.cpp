#include "detect/intel_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace callhome {
namespace {

struct Parsed {
  std::vector<std::pair<Indicator, uint32_t>> indicators;
  IntelListStats stats;
};

Parsed parse(std::string_view text) {
  Parsed p;
  p.stats = parse_intel_list(
      text, [&](Indicator&& i, uint32_t line) { p.indicators.emplace_back(std::move(i), line); });
  return p;
}

std::string why(std::string_view line) {
  const IntelLine l = parse_intel_line(line);
  return std::holds_alternative<std::string>(l) ? std::get<std::string>(l) : "";
}

Indicator ok(std::string_view line) {
  const IntelLine l = parse_intel_line(line);
  EXPECT_TRUE(std::holds_alternative<Indicator>(l)) << line << ": " << why(line);
  return std::holds_alternative<Indicator>(l) ? std::get<Indicator>(l) : Indicator{};
}

// The shape of abuse.ch's Feodo Tracker ipblocklist.txt and of RITA's custom lists: '#'
// comments, blank lines, one indicator a line, CRLF line ends tolerated.
TEST(IntelList, CommentsBlankLinesAndOneIndicatorALine) {
  const Parsed p = parse(
      "################################################################\n"
      "# abuse.ch Feodo Tracker Botnet C2 IP Blocklist                #\n"
      "################################################################\n"
      "\n"
      "51.178.161.32\r\n"
      "   \t\n"
      "evil.example\n"
      "# trailing comment\n"
      "2001:db8::7");
  ASSERT_EQ(p.indicators.size(), 3u);
  EXPECT_EQ(p.indicators[0].first.type, IndicatorType::address);
  EXPECT_EQ(p.indicators[0].first.net.base.to_string(), "51.178.161.32");
  EXPECT_EQ(p.indicators[0].second, 5u);
  EXPECT_EQ(p.indicators[1].first.type, IndicatorType::domain);
  EXPECT_EQ(p.indicators[1].first.domain, "evil.example");
  EXPECT_EQ(p.indicators[1].second, 7u);
  EXPECT_EQ(p.indicators[2].first.net.base.to_string(), "2001:db8::7");
  EXPECT_EQ(p.indicators[2].second, 9u);
  EXPECT_EQ(p.stats.lines, 9u);
  EXPECT_EQ(p.stats.indicators, 3u);
  EXPECT_EQ(p.stats.bad_lines, 0u);
}

TEST(IntelList, NetworksAreMaskedAndKeepTheirLength) {
  Indicator i = ok("198.51.100.77/24");
  EXPECT_EQ(i.type, IndicatorType::network);
  EXPECT_EQ(i.net.to_string(), "198.51.100.0/24");
  i = ok("2001:db8:40::/48");
  EXPECT_EQ(i.type, IndicatorType::network);
  EXPECT_EQ(i.net.to_string(), "2001:db8:40::/48");
  EXPECT_EQ(ok("10.0.0.0/8").net.bits, 96 + 8);  // as broad as a list may go
}

TEST(IntelList, AddressAndPortEntries) {
  Indicator i = ok("203.0.113.7:8080");
  EXPECT_EQ(i.type, IndicatorType::address_port);
  EXPECT_EQ(i.net.base.to_string(), "203.0.113.7");
  EXPECT_EQ(i.port, 8080);
  i = ok("[2001:db8::7]:443");
  EXPECT_EQ(i.type, IndicatorType::address_port);
  EXPECT_EQ(i.net.base.to_string(), "2001:db8::7");
  EXPECT_EQ(i.port, 443);
  EXPECT_EQ(ok("[2001:db8::8]").type, IndicatorType::address);
  EXPECT_NE(why("203.0.113.7:0"), "");
  EXPECT_NE(why("203.0.113.7:70000"), "");
  EXPECT_NE(why("[2001:db8::7]443"), "");
  EXPECT_NE(why("evil.example:443"), "");
}

TEST(IntelList, DomainsAreLowerCasedAndWildcardsRead) {
  EXPECT_EQ(ok("Evil.Example.").domain, "evil.example");
  EXPECT_EQ(ok("*.evil.example").domain, "evil.example");
  EXPECT_EQ(ok(".evil.example").domain, "evil.example");
  EXPECT_EQ(ok("c2_node-1.evil.example").domain, "c2_node-1.evil.example");
}

// Only the first field is the indicator: Spamhaus DROP, Zeek intel TSV and CSV rows with the
// indicator first all read.
TEST(IntelList, TheFirstFieldIsTheIndicator) {
  EXPECT_EQ(ok("1.10.16.0/20 ; SBL256894").net.to_string(), "1.10.16.0/20");
  EXPECT_EQ(ok("evil.example\tIntel::DOMAIN\tmy-feed\tC2").domain, "evil.example");
  EXPECT_EQ(ok("\"203.0.113.9\",\"Dridex\"").net.base.to_string(), "203.0.113.9");
  EXPECT_EQ(ok("203.0.113.10 # seen 2024-05-01").net.base.to_string(), "203.0.113.10");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parse_intel_line("; Spamhaus header")));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(
      parse_intel_line("#fields\tindicator\tindicator_type\tmeta.source")));
}

TEST(IntelList, WhatIsNotAnIndicatorSaysWhy) {
  EXPECT_NE(why("http://evil.example/gate.php").find("URL"), std::string::npos);
  EXPECT_NE(why("evil.example/gate.php").find("URL"), std::string::npos);
  EXPECT_NE(why("com").find("top-level"), std::string::npos);
  EXPECT_NE(why("co.uk").find("top-level"), std::string::npos);
  EXPECT_NE(why("0.0.0.0/4").find("broader than /8"), std::string::npos);
  EXPECT_NE(why("2000::/3").find("broader than /16"), std::string::npos);
  EXPECT_NE(why("1.2.3.4/33"), "");
  EXPECT_NE(why("1.2.3"), "");
  EXPECT_NE(why("999.1.1.1"), "");
  EXPECT_NE(why("0.0.0.0"), "");
  EXPECT_NE(why("::"), "");
  EXPECT_NE(why("fe80::1%eth0"), "");
  EXPECT_NE(why("evil..example"), "");
  EXPECT_NE(why("evil!.example"), "");
  EXPECT_NE(why(std::string(64, 'a') + ".example"), "");
  EXPECT_NE(why("2001:db8::zz"), "");
}

TEST(IntelList, BadLinesAreCountedWithTheirNumbersAndNeverStopTheList) {
  const Parsed p = parse(
      "# list\n"
      "203.0.113.7\n"
      "http://evil.example/x\n"
      "not a domain!\n"
      "198.51.100.0/24\n"
      "1.2.3.4/40\n");
  ASSERT_EQ(p.indicators.size(), 2u);
  EXPECT_EQ(p.stats.bad_lines, 3u);
  ASSERT_EQ(p.stats.bad.size(), 3u);
  EXPECT_EQ(p.stats.bad[0].line, 3u);
  EXPECT_EQ(p.stats.bad[0].text, "http://evil.example/x");
  EXPECT_EQ(p.stats.bad[1].line, 4u);
  EXPECT_EQ(p.stats.bad[1].why.rfind("first field 'not': ", 0), 0u) << p.stats.bad[1].why;
  EXPECT_EQ(p.stats.bad[2].line, 6u);
  EXPECT_NE(p.stats.bad[2].why, "");
}

TEST(IntelList, OnlyTheFirstBadLinesAreKeptAllAreCounted) {
  std::string text;
  for (int k = 0; k < 25; ++k) text += "bad!line\n";
  const Parsed p = parse(text);
  EXPECT_EQ(p.stats.bad_lines, 25u);
  EXPECT_EQ(p.stats.bad.size(), IntelListStats::kMaxBadKept);
}

TEST(IntelList, PiecesSplitAnywhereReadAsTheWhole) {
  const std::string text =
      "\xEF\xBB\xBF"
      "evil.example\n203.0.113.7:8080\r\n# c\nbad!\n198.51.100.0/24";
  const Parsed whole = parse(text);
  for (size_t step = 1; step < 5; ++step) {
    std::vector<std::pair<Indicator, uint32_t>> got;
    IntelListParser parser(
        [&](Indicator&& i, uint32_t line) { got.emplace_back(std::move(i), line); });
    for (size_t at = 0; at < text.size(); at += step) parser.feed(text.substr(at, step));
    const IntelListStats stats = parser.finish();
    ASSERT_EQ(got.size(), 3u) << step;
    EXPECT_EQ(got[0].first.domain, "evil.example") << step;  // the byte order mark is skipped
    EXPECT_EQ(got[1].first.port, 8080) << step;
    EXPECT_EQ(got[2].second, 5u) << step;
    EXPECT_EQ(stats.bad_lines, 1u) << step;
    EXPECT_EQ(stats.bad[0].line, 4u) << step;
  }
  EXPECT_EQ(whole.indicators.size(), 3u);
}

TEST(IntelList, AnOverlongLineIsOneBadLine) {
  const std::string text =
      "evil.example\n" + std::string(IntelListParser::kMaxLine + 10, 'a') + "\nother.example\n";
  const Parsed p = parse(text);
  ASSERT_EQ(p.indicators.size(), 2u);
  EXPECT_EQ(p.indicators[1].second, 3u);
  ASSERT_EQ(p.stats.bad.size(), 1u);
  EXPECT_EQ(p.stats.bad[0].line, 2u);
  EXPECT_NE(p.stats.bad[0].why.find("longer"), std::string::npos);
  EXPECT_LE(p.stats.bad[0].text.size(), 80u);
}

}  // namespace
}  // namespace callhome
