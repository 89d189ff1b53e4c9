#include "report/conn_log_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace callhome {
namespace {

// Writes `conns` through a ConnLogWriter and returns the record lines (headers dropped).
std::vector<std::string> tsv_records(const std::vector<Connection>& conns) {
  std::FILE* f = std::tmpfile();
  {
    ConnLogWriter w(f, ConnLogWriter::Format::tsv, NetworkSet::private_ranges());
    for (const auto& c : conns) w.on_connection(c);
    w.finish();
  }
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with('#')) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, '\t');) out.push_back(f);
  return out;
}

TEST(ConnLogWriter, WritesZeekFieldsInOrder) {
  Connection c;
  c.ts = 1700000000.1234567;
  c.uid = "CabcDEF123";
  c.orig_h = *Address::parse("192.168.1.3");
  c.resp_h = *Address::parse("2001:db8::1");
  c.orig_p = 51234;
  c.resp_p = 443;
  c.ip_proto = kProtoTcp;
  c.service = "ssl";
  c.has_duration = true;
  c.duration = 2.5;
  c.has_bytes = true;
  c.orig_bytes = 517;
  c.resp_bytes = 18446744073709551615ull;
  c.state = ConnState::SF;
  c.history = "ShADadFf";
  c.has_counts = true;
  c.orig_pkts = 7;
  c.orig_ip_bytes = 900;
  c.resp_pkts = 9;
  c.resp_ip_bytes = 12000;
  const auto lines = tsv_records({c});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(fields(lines[0]), (std::vector<std::string>{"1700000000.123457",
                                                        "CabcDEF123",
                                                        "192.168.1.3",
                                                        "51234",
                                                        "2001:db8::1",
                                                        "443",
                                                        "tcp",
                                                        "ssl",
                                                        "2.500000",
                                                        "517",
                                                        "18446744073709551615",
                                                        "SF",
                                                        "T",
                                                        "F",
                                                        "0",
                                                        "ShADadFf",
                                                        "7",
                                                        "900",
                                                        "9",
                                                        "12000",
                                                        "-",
                                                        "6"}));
}

TEST(ConnLogWriter, UnknownFieldsAreUnsetAndHostileStringsEscaped) {
  Connection c;
  c.ts = 5;
  c.uid = "C1\tx";
  c.orig_h = *Address::parse("8.8.8.8");
  c.resp_h = *Address::parse("10.0.0.1");
  c.ip_proto = 47;
  c.service = "a,b\x1b[31m";
  c.tunnel_parents = {std::string(300, '\n')};
  const auto lines = tsv_records({c});
  ASSERT_EQ(lines.size(), 1u);
  const auto f = fields(lines[0]);
  ASSERT_EQ(f.size(), 22u);
  EXPECT_EQ(f[0], "5.000000");
  EXPECT_EQ(f[1], "C1\\x09x");
  EXPECT_EQ(f[6], "unknown_transport");
  EXPECT_EQ(f[7], "a\\x2cb\\x1b[31m");
  for (int i : {8, 9, 10, 11, 15, 16, 17, 18, 19}) EXPECT_EQ(f[i], "-") << i;
  EXPECT_EQ(f[12], "F");
  EXPECT_EQ(f[13], "T");
  EXPECT_EQ(f[20].size(), 300u * 4);
  EXPECT_EQ(f[21], "47");
}

std::string json_records(const std::vector<Connection>& conns) {
  std::FILE* f = std::tmpfile();
  {
    ConnLogWriter w(f, ConnLogWriter::Format::json, NetworkSet::private_ranges());
    for (const auto& c : conns) w.on_connection(c);
    w.finish();
  }
  std::rewind(f);
  std::string text;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  std::fclose(f);
  return text;
}

// D16: a set keeps its elements: joined by Zeek's set separator in TSV (a comma inside an
// element escaped so the two cannot be confused), one JSON string per element.
TEST(ConnLogWriter, TunnelParentsAreASetOfUids) {
  Connection c;
  c.orig_h = *Address::parse("192.168.1.20");
  c.resp_h = *Address::parse("5.6.7.8");
  c.ip_proto = 6;
  c.tunnel_parents = {"CabcA", "CdefB"};
  Connection odd = c;
  odd.tunnel_parents = {"a,b", "c"};
  Connection none = c;
  none.tunnel_parents.clear();
  const auto lines = tsv_records({c, odd, none});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(fields(lines[0])[20], "CabcA,CdefB");
  EXPECT_EQ(fields(lines[1])[20], "a\\x2cb,c");
  EXPECT_EQ(fields(lines[2])[20], "-");
  const std::string json = json_records({c, odd, none});
  EXPECT_NE(json.find(R"("tunnel_parents":["CabcA","CdefB"])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("tunnel_parents":["a,b","c"])"), std::string::npos) << json;
  EXPECT_EQ(json.find("tunnel_parents", json.rfind('{')), std::string::npos) << json;
}

TEST(ConnLogWriter, TheWidestPossibleRecordStaysWhole) {
  Connection c;
  c.ts = c.duration = 9.99e56;  // the largest a "%.6f" field can take before it gives up
  c.has_duration = c.has_bytes = c.has_counts = true;
  c.orig_h = c.resp_h = *Address::parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
  c.orig_p = c.resp_p = 65535;
  c.ip_proto = 255;
  c.state = ConnState::RSTOS0;
  c.orig_bytes = c.resp_bytes = c.missed_bytes = c.orig_pkts = c.orig_ip_bytes = c.resp_pkts =
      c.resp_ip_bytes = UINT64_MAX;
  const auto lines = tsv_records({c, c});
  ASSERT_EQ(lines.size(), 2u);
  const auto f = fields(lines[0]);
  ASSERT_EQ(f.size(), 22u);
  EXPECT_EQ(f[0].size(), 57u + 7u);
  EXPECT_EQ(f[2], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(f[19], "18446744073709551615");
  EXPECT_EQ(lines[0], lines[1]);
}

}  // namespace
}  // namespace callhome
