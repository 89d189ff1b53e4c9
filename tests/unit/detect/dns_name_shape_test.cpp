#include "detect/dns_name_shape.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

TEST(DnsNameShape, DataLabelsOfTheLabelledToolsAreEncoded) {
  EXPECT_EQ(label_encoding("147901b8d3df9cc46c59d600078b3316ce", false), LabelEncoding::hex);
  EXPECT_EQ(label_encoding("knjuqljsfyyc2t3qmvxfgu2il44c4olqgeqfkytvnz2hkljtovrhk3tuouyc4m", false),
            LabelEncoding::base32);
  EXPECT_EQ(label_encoding("MRXHG5DBOAXGG33OMYXHI6DUPQYTG", false), LabelEncoding::base32);
  EXPECT_EQ(
      label_encoding("r747Clg-tK5pUdkH0R12a7gJ9sFPi9Aackw0kGtq_DnFd7vNX5Cb3l1JQQJQmh3", false),
      LabelEncoding::base64);
  EXPECT_EQ(label_encoding("uvkphkjjiniaCoolilililinloAnkkjnoolnknEhAlE-13", false),
            LabelEncoding::base64);
  EXPECT_EQ(label_encoding("=auth", false), LabelEncoding::binary);
  EXPECT_EQ(label_encoding("miman938cz", false), LabelEncoding::random);
  EXPECT_EQ(label_encoding("00i6678cg", false), LabelEncoding::random);
  EXPECT_EQ(label_encoding("skpvbdpyt", false), LabelEncoding::random);
}

TEST(DnsNameShape, HostNamesAreNot) {
  for (const char* label : {"www", "settings-win", "goldengate", "connectivity-check", "ocsp",
                            "slscr", "mobile", "array603", "teams", "femetrics", "crl3", "v10",
                            "self", "update", "googleapis", "safebrowsing"}) {
    EXPECT_EQ(label_encoding(label, false), LabelEncoding::none) << label;
  }
}

TEST(DnsNameShape, MixedCaseFromDns0x20IsNoise) {
  EXPECT_EQ(label_encoding("SaFeBrOwSiNg", false), LabelEncoding::base64);
  EXPECT_EQ(label_encoding("SaFeBrOwSiNg", true), LabelEncoding::none);
}

TEST(DnsNameShape, SubdomainKeepsTheMostDataLikeLabel) {
  auto s =
      subdomain_shape("0.r747Clg-tK5pUdkH0R12a7gJ9sFPi9Aackw0kGtq_DnFd7vNX5Cb3l1JQQJQmh3.x", false);
  EXPECT_EQ(s.labels, 3u);
  EXPECT_EQ(s.max_label, 63u);
  EXPECT_EQ(s.encoded_label, 63u);
  EXPECT_EQ(s.encoding, LabelEncoding::base64);
  auto plain = subdomain_shape("0-60451.id-1605.down.tun", false);
  EXPECT_EQ(plain.encoding, LabelEncoding::none);
  EXPECT_EQ(subdomain_shape("", false).labels, 0u);
}

TEST(DnsNameShape, DgaTags) {
  EXPECT_EQ(dga_tag("vopygat"), "cv7");  // Simda
  EXPECT_EQ(dga_tag("qexyryl"), "cv7");
  EXPECT_EQ(dga_tag("xkqwjhfbmzp"), "rnd8");
  EXPECT_EQ(dga_tag("google"), "");
  EXPECT_EQ(dga_tag("grammarly"), "");
  EXPECT_EQ(dga_tag("amazon"), "cv6");  // one such name is no group
  EXPECT_EQ(dga_tag("bing"), "");
}

}  // namespace
}  // namespace callhome
