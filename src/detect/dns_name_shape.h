// What the labels of a DNS name look like: host names are words, abbreviations and short
// counters; a tunnel's labels carry data (hex, base32, base64, raw bytes), and a domain
// generation algorithm's names are random strings or pronounceable letter patterns. Pure
// functions of the text, so each rule can be tested by itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace callhome {

// How the data-carrying part of a name is spelt: "" when it reads like a host name.
enum class LabelEncoding : uint8_t { none, hex, base32, base64, binary, random };
const char* to_string(LabelEncoding e);

struct SubdomainShape {
  size_t labels = 0;                             // labels left of the registrable domain
  size_t length = 0;                             // their characters, dots excluded
  size_t max_label = 0;                          // the longest of them
  LabelEncoding encoding = LabelEncoding::none;  // of the most data-like label
  size_t encoded_label = 0;                      // length of that label (0 when none)
};

// `sub` is the part of a query left of its registrable domain ("a1b2.c3" of a1b2.c3.evil.com).
// `case_is_noise` says the resolver randomised letter case (DNS 0x20), so mixed case means
// nothing: callers pass true when the registrable domain itself is in mixed case.
SubdomainShape subdomain_shape(std::string_view sub, bool case_is_noise);

// One label, as above.
LabelEncoding label_encoding(std::string_view label, bool case_is_noise);

// The second-level label of a registrable domain as a DGA sees it: "cv7" for a strictly
// alternating consonant/vowel name of 7 letters (Simda's vopygat), "rnd8" for random-looking
// names of 8-11 characters (length in buckets of four), "" for word-like names. Names sharing a
// TLD and a tag are one cluster.
std::string dga_tag(std::string_view sld);

// Shannon entropy in bits per character.
double entropy_bits(std::string_view s);

}  // namespace callhome
