// p0f.fp as Debian installs it, read by callhome, and crafted SYNs of known systems matched the
// way p0f matches them.
#include <gtest/gtest.h>

#include "enrich/tsv.h"
#include "fingerprint/p0f_database.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

using fp_test::Bytes;
using fp_test::Ip4;
using fp_test::Tcp;

TcpSignature syn(const Ip4& ip, const Tcp& t, uint32_t payload = 0) {
  const Bytes h = fp_test::ip4(ip), s = fp_test::tcp(t);
  TcpSignature sig;
  EXPECT_TRUE(read_tcp_signature(h, s, payload, sig));
  return sig;
}

class RealP0fFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = "/etc/p0f/p0f.fp";
    if (!fp_test::exists(path)) {
      GTEST_SKIP() << path << " is absent: install Debian's p0f package (scripts/setup.sh does)";
    }
    auto db = P0fDatabase::load(path);
    ASSERT_TRUE(db) << db.error();
    db_ = std::move(*db);
  }
  P0fDatabase db_;
};

TEST_F(RealP0fFile, ReadsEveryTcpSignatureWithoutComplaint) {
  EXPECT_TRUE(db_.warnings().empty()) << db_.warnings().front();
  // Count the "sig" lines of the two TCP sections independently of the parser.
  auto text = read_text_file("/etc/p0f/p0f.fp");
  ASSERT_TRUE(text);
  size_t expected[2] = {0, 0};
  int section = -1;
  for (size_t at = 0; at < text->size();) {
    size_t nl = text->find('\n', at);
    if (nl == std::string::npos) nl = text->size();
    const std::string line = text->substr(at, nl - at);
    at = nl + 1;
    if (line.starts_with("["))
      section = line == "[tcp:request]" ? 0 : line == "[tcp:response]" ? 1 : -1;
    if (section >= 0 && line.starts_with("sig")) ++expected[section];
  }
  EXPECT_GT(expected[0], 50u);
  EXPECT_EQ(db_.signatures(false).size(), expected[0]);
  EXPECT_EQ(db_.signatures(true).size(), expected[1]);
}

TEST_F(RealP0fFile, WindowsXpSynMatchesExactly) {
  const TcpSignature s =
      syn({.ttl = 128}, {.window = 65535, .options = {"mss", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->text(), "Windows XP");
  EXPECT_EQ(m.label->os_class, "win");
  EXPECT_FALSE(m.fuzzy);
  EXPECT_FALSE(m.label->generic);
  EXPECT_EQ(m.distance, 0);
  EXPECT_EQ(m.signature->text, "*:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0");
  // What p0f 3.09b prints as raw_sig for the same SYN (seen in its output on evidence06.pcap).
  EXPECT_EQ(format_observed(s, false, 0), "4:128+0:0:1460:65535,0:mss,nop,nop,sok:df,id+:0");
}

TEST_F(RealP0fFile, Windows7SynMatchesExactly) {
  const TcpSignature s =
      syn({.ttl = 126},
          {.window = 8192, .wscale = 2, .options = {"mss", "nop", "ws", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->text(), "Windows 7 or 8");
  EXPECT_FALSE(m.fuzzy);
  EXPECT_EQ(m.distance, 2);  // two routers away
}

TEST_F(RealP0fFile, Windows10SynFallsToTheGenericWindowsSignature) {
  // Windows 10's SYN (64240 = 44 x 1460, scale 8; FoxIO's JA4T example 64240_2-1-3-1-1-4_1460_8):
  // the Debian p0f.fp (3.09b) has no Windows 10 entry, so the NT-kernel catch-all answers.
  const TcpSignature s =
      syn({.ttl = 128},
          {.window = 64240, .wscale = 8, .options = {"mss", "nop", "ws", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->text(), "Windows NT kernel");
  EXPECT_TRUE(m.label->generic);
  EXPECT_FALSE(m.fuzzy);
}

TEST_F(RealP0fFile, Windows98SynIsOnlyKnownAsWindows) {
  // A Windows 98 SYN (TTL 128, DF, window 8760 = 6 x 1460, MSS,NOP,NOP,SACK-permitted): p0f 3's
  // database carries no Windows 9x signature, so the best it can say is the generic Windows one.
  // Case 1's PCs would be "win", never a wrong specific version.
  for (const auto& l : db_.labels()) EXPECT_EQ(l.flavor.find("98"), std::string::npos) << l.text();
  const TcpSignature s =
      syn({.ttl = 128}, {.window = 8760, .options = {"mss", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->os_class, "win");
  EXPECT_TRUE(m.label->generic);
  EXPECT_EQ(m.label->text(), "Windows NT kernel");
}

TEST_F(RealP0fFile, ModernLinuxSynMatchesLinux311AndNewer) {
  const TcpSignature s = syn(
      {.ttl = 57}, {.window = 29200, .wscale = 7, .options = {"mss", "sok", "ts", "nop", "ws"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->text(), "Linux 3.11 and newer");
  EXPECT_EQ(m.label->os_class, "unix");
  EXPECT_FALSE(m.fuzzy);
  EXPECT_EQ(m.distance, 7);
  EXPECT_EQ(format_observed(s, false, 0), "4:57+7:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+:0");
}

TEST_F(RealP0fFile, LinuxSynAckMatchesTheResponseSection) {
  const TcpSignature s = syn({.ttl = 64, .id = 0}, {.flags = 0x12,
                                                    .window = 14600,
                                                    .ack = 1001,
                                                    .wscale = 7,
                                                    .options = {"mss", "sok", "ts", "nop", "ws"}});
  const P0fMatch m = db_.match(true, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_EQ(m.label->text(), "Linux 3.x");
}

TEST_F(RealP0fFile, MissingDfIsAFuzzyMatch) {
  // A NAT or router that clears DF: the quirks differ only in "df" and "id+", which p0f allows.
  const TcpSignature s =
      syn({.ttl = 128, .df = false}, {.window = 65535, .options = {"mss", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_TRUE(m.fuzzy);
  EXPECT_EQ(m.label->text(), "Windows XP");
}

TEST_F(RealP0fFile, TooManyHopsIsAFuzzyMatch) {
  const TcpSignature s =
      syn({.ttl = 80}, {.window = 65535, .options = {"mss", "nop", "nop", "sok"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_TRUE(m.fuzzy);
  EXPECT_TRUE(m.label->os_class == "win");
}

TEST_F(RealP0fFile, NmapSynScanIsATool) {
  const TcpSignature s =
      syn({.ttl = 47, .df = false, .id = 0x9a31}, {.window = 1024, .options = {"mss"}});
  const P0fMatch m = db_.match(false, s);
  ASSERT_NE(m.signature, nullptr);
  EXPECT_TRUE(m.label->is_tool());
  EXPECT_EQ(m.label->text(), "NMap SYN scan");
  EXPECT_TRUE(m.signature->bad_ttl);
  EXPECT_EQ(m.distance, 17);  // at most: nmap picks its TTL at random
}

TEST_F(RealP0fFile, UnknownStackMatchesNothing) {
  const TcpSignature s =
      syn({.ttl = 200}, {.window = 4321, .options = {"nop", "mss", "nop", "nop"}});
  const P0fMatch m = db_.match(false, s);
  EXPECT_EQ(m.signature, nullptr);
  EXPECT_EQ(m.distance, 55);
}

TEST(P0fDatabase, BrokenLinesAreSkippedAndNamed) {
  const std::string text =
      "; comment\n"
      "classes = win,unix,other\n"
      "[tcp:request]\n"
      "sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n"  // before any label
      "label = s:unix:Linux:good\n"
      "sig = *:64:0:*:mss*20,10:mss,sok,ts,nop,ws:df,id+:0\n"
      "sig = *:64:0:*:mss*20,10:mss,bogus:df:0\n"
      "sig = x:1:2\n"
      "sig = 4:300:0:*:1,0:mss::0\n"
      "sig = 4:64:0:1460\n"
      "sig = 4:64:0:*:1,0:eol+3,mss::0\n"
      "sig = 6:64:0:*:1,0:mss:df:0\n"  // df cannot occur in IPv6
      "sig = 4:64:0:99999999999999999999:1,0:mss::0\n"
      "sig = 4:64:0:*:mss*5000,0:mss::0\n"
      "sig = 4:64:0:*:1,0:mss::7\n"
      "label = broken\n"
      "sig = 4:64:0:*:1,0:mss::0\n"  // under a broken label
      "nonsense line\n"
      "[tcp:response]\n"
      "label = g:win:Windows:\n"
      "sig = *:128:0:*:*,*:mss,nop,nop,sok:df,id+:0\n"
      "[http:request]\n"
      "sig = ignored, not TCP\n";
  const P0fDatabase db = P0fDatabase::parse(text, "p0f.fp");
  ASSERT_EQ(db.signatures(false).size(), 1u);
  EXPECT_EQ(db.signatures(false)[0].line, 6u);
  ASSERT_EQ(db.signatures(true).size(), 1u);
  EXPECT_EQ(db.labels()[db.signatures(true)[0].label].text(), "Windows");
  ASSERT_EQ(db.warnings().size(), 13u);
  EXPECT_EQ(db.warnings()[0], "p0f.fp:4: signature without a label");
  EXPECT_EQ(db.warnings()[1], "p0f.fp:7: unknown TCP option");
  EXPECT_EQ(db.warnings()[5], "p0f.fp:11: eol must be the last option");
  EXPECT_EQ(db.warnings()[6], "p0f.fp:12: quirk not valid for this IP version");
}

TEST(TcpSignature, TruncatedOptionsAreTheBadQuirkNotACrash) {
  Bytes ip = fp_test::ip4({});
  Bytes t = fp_test::tcp({.options = {"mss", "nop", "nop", "sok"}});
  t[21] = 40;  // the MSS option claims 40 bytes
  TcpSignature s;
  ASSERT_TRUE(read_tcp_signature(ip, t, 0, s));
  EXPECT_TRUE(s.quirks & tcp_quirk::kOptBad);
  // Headers cut short or lying about their length are refused.
  EXPECT_FALSE(read_tcp_signature(std::span(ip).first(19), t, 0, s));
  EXPECT_FALSE(read_tcp_signature(ip, std::span(t).first(19), 0, s));
  t[12] = 0xf0;  // data offset 60 > the 28 bytes present
  EXPECT_FALSE(read_tcp_signature(ip, t, 0, s));
}

}  // namespace
}  // namespace callhome
