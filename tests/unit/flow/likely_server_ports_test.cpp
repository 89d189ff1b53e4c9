// The --likely-server-ports list: Zeek's likely_server_ports as `none`, `default`, or ports.
#include "flow/likely_server_ports.h"

#include <gtest/gtest.h>

#include <string>

#include "core/connection.h"

namespace callhome {
namespace {

LikelyServerPorts parsed(const std::string& list) {
  std::string error;
  auto p = LikelyServerPorts::parse(list, error);
  EXPECT_TRUE(p.has_value()) << list << ": " << error;
  return p.value_or(LikelyServerPorts{});
}

TEST(LikelyServerPorts, DefaultsHoldTheBaseAnalyzersServerPorts) {
  const auto d = LikelyServerPorts::defaults();
  EXPECT_TRUE(d.contains(80, kProtoTcp));
  EXPECT_TRUE(d.contains(443, kProtoTcp));
  EXPECT_TRUE(d.contains(53, kProtoUdp));
  EXPECT_FALSE(d.contains(80, kProtoUdp));  // the protocol is part of the port
  EXPECT_FALSE(d.contains(40190, kProtoUdp));
  EXPECT_EQ(parsed("default").size(), d.size());
}

TEST(LikelyServerPorts, NoneIsEmpty) {
  EXPECT_EQ(parsed("none").size(), 0u);
  EXPECT_FALSE(parsed("none").contains(80, kProtoTcp));
}

TEST(LikelyServerPorts, ListHoldsExactlyItsPorts) {
  const auto p = parsed("80/tcp, 443/tcp,53/udp,80/tcp");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_TRUE(p.contains(80, kProtoTcp));
  EXPECT_TRUE(p.contains(443, kProtoTcp));
  EXPECT_TRUE(p.contains(53, kProtoUdp));
  EXPECT_FALSE(p.contains(53, kProtoTcp));
  EXPECT_FALSE(p.contains(22, kProtoTcp));
  EXPECT_TRUE(parsed("0/udp,65535/tcp").contains(65535, kProtoTcp));
}

// Zeek's `redef likely_server_ports += { 40190/udp }` on a default run.
TEST(LikelyServerPorts, DefaultCanBeExtended) {
  const auto p = parsed("default,40190/udp");
  EXPECT_EQ(p.size(), LikelyServerPorts::defaults().size() + 1);
  EXPECT_TRUE(p.contains(40190, kProtoUdp));
  EXPECT_TRUE(p.contains(80, kProtoTcp));
}

TEST(LikelyServerPorts, MalformedListsAreRefused) {
  for (const char* bad :
       {"", "80", "80/", "/tcp", "80/icmp", "80/TCP", "65536/tcp", "-1/tcp", "80/tcp,", ",80/tcp",
        "80/tcp,,53/udp", "none,80/tcp", "http", "80 /tcp", "0x50/tcp"}) {
    std::string error;
    EXPECT_FALSE(LikelyServerPorts::parse(bad, error).has_value()) << "'" << bad << "'";
    EXPECT_FALSE(error.empty()) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace callhome
