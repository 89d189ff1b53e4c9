// JA3 and JA4 of ClientHellos built byte by byte, checked against the published examples: the
// JA3 strings and hashes in salesforce/ja3's README, the worked example in FoxIO's JA4 spec
// (technical_details/JA4.md, section "Example" with its cipher, extension and signature
// algorithm lists). And hostile input, which must be refused, never read past.
#include <gtest/gtest.h>

#include "fingerprint/client_hello.h"
#include "fingerprint_util.h"

namespace callhome {
namespace {

using fp_test::Bytes;

// The JA4 spec's example client: its ciphers and extensions in their original order, plus GREASE
// values (which every part of JA4 must ignore), SNI and ALPN "h2".
fp_test::Hello spec_example() {
  fp_test::Hello h;
  h.ciphers = {0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
               0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  const std::vector<uint16_t> order = {0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
                                       0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b,
                                       0xff01, 0x000b, 0x000a, 0x0015};
  h.extensions.push_back({0x3a3a, {}});  // GREASE extension
  for (uint16_t type : order) {
    Bytes body;
    switch (type) {
      case 0x0000:
        body = fp_test::sni_ext("example.com");
        break;
      case 0x0010:
        body = fp_test::alpn_ext({"h2", "http/1.1"});
        break;
      case 0x000d:
        body =
            fp_test::u16_list_ext({0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601});
        break;
      case 0x002b:
        body = fp_test::u16_list_ext({0x2a2a, 0x0304, 0x0303}, true);
        break;
      case 0x000a:
        body = fp_test::u16_list_ext({0x4a4a, 0x001d, 0x0017});
        break;
      case 0x000b:
        body = {1, 0};
        break;
      default:
        break;
    }
    h.extensions.push_back({type, body});
  }
  return h;
}

ClientHello parse(const Bytes& b) {
  ClientHello h;
  std::vector<uint8_t> scratch;
  EXPECT_TRUE(parse_client_hello(b, h, scratch));
  return h;
}

TEST(Ja4, SpecExampleFingerprint) {
  const Bytes bytes = fp_test::client_hello(spec_example());
  ASSERT_EQ(client_hello_bytes_needed(bytes), bytes.size());
  const ClientHello h = parse(bytes);
  EXPECT_EQ(h.server_name, "example.com");
  EXPECT_EQ(h.alpn_first, "h2");
  // JA4.md, "Example": JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1
  EXPECT_EQ(ja4(h), "t13d1516h2_8daaf6152771_e5627efa2ab1");
  // JA4.md, "Raw Output": JA4_o = t13d1516h2_acb858a92679_18f69afefd3d
  EXPECT_EQ(ja4_original(h), "t13d1516h2_acb858a92679_18f69afefd3d");
}

TEST(Ja4, SpecExampleWithoutSignatureAlgorithms) {
  // JA4.md, "Extension hash": without signature algorithms the extension list alone is hashed,
  // "0005,000a,...,ff01 = 6d807ffa2a79".
  fp_test::Hello spec = spec_example();
  for (auto& [type, body] : spec.extensions) {
    if (type == 0x000d) body = fp_test::u16_list_ext({});
  }
  const ClientHello h = parse(fp_test::client_hello(spec));
  EXPECT_EQ(ja4(h).substr(24), "6d807ffa2a79");
}

TEST(Ja4, NoSniNoAlpnNoCiphers) {
  fp_test::Hello spec;
  spec.version = 0x0301;
  const ClientHello h = parse(fp_test::client_hello(spec));
  // No extensions: TLS 1.0 from the legacy version, "i", zero counts, "00", and the spec's
  // all-zero hashes for empty lists.
  EXPECT_EQ(ja4(h), "t10i000000_000000000000_000000000000");
}

TEST(Ja4, AlpnOfNonAlphanumericBytesIsWrittenInHex) {
  // JA4.md, "ALPN Extension Value": 0xAB -> "ab", 0xAB 0xCD -> "ad", 0x30 0xAB -> "3b",
  // 0x30 0x31 0xAB 0xCD -> "3d", 0x30 0xAB 0xCD 0x31 -> "01"; one character counts twice.
  const std::pair<std::string, std::string> cases[] = {{"\xab", "ab"},
                                                       {"\xab\xcd", "ad"},
                                                       {"\x30\xab", "3b"},
                                                       {"\x30\x31\xab\xcd", "3d"},
                                                       {"\x30\xab\xcd\x31", "01"},
                                                       {"x", "xx"}};
  for (const auto& [alpn, expected] : cases) {
    fp_test::Hello spec;
    spec.ciphers = {0x1301};
    spec.extensions.push_back({0x0010, fp_test::alpn_ext({alpn})});
    const ClientHello h = parse(fp_test::client_hello(spec));
    EXPECT_EQ(ja4(h).substr(8, 2), expected);
  }
}

TEST(Ja3, ReadmeExamples) {
  // salesforce/ja3 README: the string, then its MD5.
  ClientHello h;
  h.version = 769;
  h.ciphers = {47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4};
  h.extensions = {0, 10, 11};
  h.groups = {23, 24, 25};
  h.point_formats = {0};
  EXPECT_EQ(ja3_string(h), "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
  EXPECT_EQ(ja3(h), "ada70206e40642a3e4461f35503241d5");
  ClientHello bare;
  bare.version = 769;
  bare.ciphers = {4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99};
  EXPECT_EQ(ja3_string(bare), "769,4-5-10-9-100-98-3-6-19-18-99,,,");
  EXPECT_EQ(ja3(bare), "de350869b8c85de67a350c8d186f11e6");
}

TEST(Ja3, GreaseIsLeftOutEverywhere) {
  const ClientHello h = parse(fp_test::client_hello(spec_example()));
  const std::string s = ja3_string(h);
  EXPECT_EQ(s.find("2570"), std::string::npos);   // 0x0a0a
  EXPECT_EQ(s.find("14906"), std::string::npos);  // 0x3a3a
  EXPECT_EQ(s.find("19018"), std::string::npos);  // 0x4a4a
  EXPECT_TRUE(s.ends_with(",29-23,0"));
}

TEST(ClientHelloParse, MessageSplitOverRecords) {
  const Bytes one = fp_test::client_hello(spec_example());
  const Bytes split = fp_test::client_hello(spec_example(), 50);
  EXPECT_EQ(client_hello_bytes_needed(split), split.size());
  // With only the first records at hand, the size is a lower bound that grows.
  EXPECT_LT(client_hello_bytes_needed(std::span(split).first(60)), split.size());
  EXPECT_EQ(ja4(parse(split)), ja4(parse(one)));
}

TEST(ClientHelloParse, HostileInputIsRefused) {
  const Bytes good = fp_test::client_hello(spec_example());
  ClientHello h;
  std::vector<uint8_t> scratch;
  for (size_t n = 0; n < good.size(); ++n) {  // every truncation
    EXPECT_FALSE(parse_client_hello(std::span(good).first(n), h, scratch)) << n;
  }
  Bytes lying = good;
  lying[7] = 0xff;  // a handshake length beyond the record, with no record after it
  EXPECT_FALSE(parse_client_hello(lying, h, scratch));
  Bytes ext = good;
  ext[5 + 4 + 2 + 32 + 1 + 2 + 32 + 2 + 2 + 2] = 0xff;  // the first extension's length
  EXPECT_FALSE(parse_client_hello(ext, h, scratch));
  Bytes not_hello = good;
  not_hello[5] = 2;  // a ServerHello
  EXPECT_FALSE(parse_client_hello(not_hello, h, scratch));
  EXPECT_EQ(client_hello_bytes_needed(not_hello), 0u);
  Bytes huge = good;
  huge[6] = 0x7f;  // a 8 MB handshake message
  EXPECT_EQ(client_hello_bytes_needed(huge), 0u);
}

}  // namespace
}  // namespace callhome
