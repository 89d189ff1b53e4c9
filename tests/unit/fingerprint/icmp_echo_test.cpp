// ICMP echo data classified by the program that wrote it: built payloads, echo requests that
// scapy writes into a capture (an application's own), and the real captures in ../shared/corpus.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "../temp_dir.h"
#include "fingerprint/icmp_echo.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

using fp_test::Bytes;

IcmpEchoOrigin origin(const Bytes& d, uint8_t code = 0) {
  return classify_icmp_echo(d, uint32_t(d.size()), code).origin;
}

Bytes counting(size_t len, size_t from, uint8_t stamp) {
  Bytes d(len, stamp);
  for (size_t i = from; i < len; ++i) d[i] = uint8_t(i);
  return d;
}

TEST(IcmpEcho, BuiltPayloads) {
  Bytes windows;
  for (int i = 0; i < 32; ++i) windows.push_back(uint8_t('a' + i % 23));
  EXPECT_EQ(origin(windows), IcmpEchoOrigin::windows_ping);
  Bytes windows_big;  // ping -l 1000
  for (int i = 0; i < 1000; ++i) windows_big.push_back(uint8_t('a' + i % 23));
  EXPECT_EQ(origin(windows_big), IcmpEchoOrigin::windows_ping);
  EXPECT_EQ(origin(counting(56, 16, 0x5a)), IcmpEchoOrigin::linux_ping);
  EXPECT_EQ(origin(counting(1472, 16, 0x5a)), IcmpEchoOrigin::linux_ping);  // wraps past 0xff
  EXPECT_EQ(origin(counting(56, 8, 0x5a)), IcmpEchoOrigin::bsd_ping);
  EXPECT_EQ(origin(Bytes(64, 0)), IcmpEchoOrigin::windows_tracert);
  EXPECT_EQ(origin(Bytes(120, 0), 9), IcmpEchoOrigin::nmap_os_probe);
  EXPECT_EQ(origin(Bytes(150, 0)), IcmpEchoOrigin::nmap_os_probe);
  EXPECT_EQ(origin(Bytes(120, 0), 0), IcmpEchoOrigin::zero_filled);
  EXPECT_EQ(origin(Bytes(20, 0)), IcmpEchoOrigin::zero_filled);
  EXPECT_EQ(origin({}), IcmpEchoOrigin::no_payload);
  Bytes text = fp_test::text_bytes("FastTrack probe from a P2P client");
  EXPECT_EQ(origin(text), IcmpEchoOrigin::crafted);
  EXPECT_STREQ(classify_icmp_echo(text, uint32_t(text.size()), 0).detail, "printable text");
  Bytes tunnel = {0x45, 0, 0, 20, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  EXPECT_EQ(origin(tunnel), IcmpEchoOrigin::crafted);
  EXPECT_STREQ(classify_icmp_echo(tunnel, 20, 0).detail,
               "carries what looks like an IPv4 packet (a tunnel?)");
  // One wrong byte and the pattern is not the program's.
  windows[31] = 'z';
  EXPECT_EQ(origin(windows), IcmpEchoOrigin::crafted);
  // Cut short by the capture: judged on what is there.
  Bytes cut(windows.begin(), windows.begin() + 10);
  EXPECT_EQ(classify_icmp_echo(cut, 32, 0).origin, IcmpEchoOrigin::windows_ping);
  EXPECT_EQ(classify_icmp_echo({}, 32, 0).origin, IcmpEchoOrigin::crafted);
}

std::map<std::string, int> classes(const std::string& capture) {
  std::map<std::string, int> out;
  for (const auto& s : fp_test::capture_samples(capture)) {
    if (s.kind != PacketSampleEvent::Kind::icmp_echo_request || s.transport.size() < 2) continue;
    ++out[std::string(
        to_string(classify_icmp_echo(s.payload, s.payload_len, s.transport[1]).origin))];
  }
  return out;
}

TEST(IcmpEcho, ScapyWrittenRequests) {
  // Debian's python3 (python3-scapy is installed for it), not whichever comes first on PATH.
  const std::string python = fp_test::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  if (std::system((python + " -c 'import scapy.all' >/dev/null 2>&1").c_str()) != 0) {
    GTEST_SKIP() << python << " has no scapy (install python3-scapy)";
  }
  testing::TempDir dir;
  const std::string pcap = dir.file("crafted.pcap");
  // scapy's default echo (no data), an application's own data, and a copy of Windows' pattern.
  const std::string script =
      "from scapy.all import Ether, IP, ICMP, Raw, wrpcap\n"
      "e = Ether(src='00:00:00:00:00:01', dst='00:00:00:00:00:02')\n"
      "p = [e/IP(src='192.168.1.3', dst='204.152.197.197')/ICMP(),\n"
      "     e/IP(src='192.168.1.3', dst='130.244.215.233', ttl=2)/ICMP()/Raw(b'\\x01KZ' + "
      "bytes(range(40, 70))),\n"
      "     e/IP(src='192.168.1.4', "
      "dst='10.0.0.1')/ICMP()/Raw(b'abcdefghijklmnopqrstuvwabcdefghi')]\n"
      "wrpcap('" +
      pcap + "', p)\n";
  const std::string py = dir.write("make.py", script);
  ASSERT_EQ(std::system((python + " " + py + " >/dev/null 2>&1").c_str()), 0);
  const auto c = classes(pcap);
  EXPECT_EQ(c.at("no_payload"), 1);
  EXPECT_EQ(c.at("crafted"), 1);
  EXPECT_EQ(c.at("windows_ping"), 1);
}

TEST(IcmpEcho, RealCaptures) {
  if (!std::filesystem::is_directory(CALLHOME_CORPUS_DIR)) {
    GTEST_SKIP() << CALLHOME_CORPUS_DIR << " is absent: the real captures are not here";
  }
  struct Case {
    std::string capture, origin;
    int count;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"pcaps/chrissanders-packets/icmp_echo.pcapng", "windows_ping", 4, "ping from Windows"},
      {"pcaps/chrissanders-packets/ip_frag_source.pcapng", "windows_ping", 1, "ping -l 3500"},
      {"pcaps/chrissanders-packets/icmp_traceroute.pcapng", "windows_tracert", 27,
       "tracert to 4.2.2.1"},
      {"pcaps/chrissanders-packets/activeosfingerprinting.pcapng", "nmap_os_probe", 2,
       "nmap -O (the README)"},
      {"zeek/icmp__5-pings.pcap", "linux_ping", 5, "five pings to 172.217.11.78"},
      {"zeek/icmp__icmp-ping.pcap", "bsd_ping", 2, "8-byte timestamp pings"},
      {"pcaps/chrissanders-packets/ipv6_fragments.pcapng", "linux_ping", 5, "ping6 -s 1500"},
      {"pcaps/ndpi/icmp-tunnel.pcap", "crafted", 448, "an ICMP tunnel (nDPI's test)"},
  };
  for (const Case& k : cases) {
    const std::string path = std::string(CALLHOME_CORPUS_DIR) + "/" + k.capture;
    if (!fp_test::exists(path)) continue;
    const auto c = classes(path);
    std::string all;
    for (const auto& [name, n] : c) all += name + "=" + std::to_string(n) + " ";
    std::printf("%s (%s): %s\n", k.capture.c_str(), k.why.c_str(), all.c_str());
    ASSERT_TRUE(c.count(k.origin)) << k.capture << ": " << all;
    EXPECT_EQ(c.at(k.origin), k.count) << k.capture << ": " << all;
  }
}

}  // namespace
}  // namespace callhome
