#include "detect/dns_name_shape.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace callhome {
namespace {

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_vowel(char c) {
  c = char(c | 0x20);
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

struct Counts {
  size_t lower = 0, upper = 0, digit = 0, hyphen = 0, other = 0, hex_letters = 0;
  size_t transitions = 0;    // letter <-> digit changes: "ab12cd" has 2
  size_t consonant_run = 0;  // longest run of consonants (y counts as one)
};

Counts count(std::string_view s) {
  Counts c;
  int prev = 0;  // 1 letter, 2 digit
  size_t run = 0;
  for (char ch : s) {
    int kind = 0;
    if (is_lower(ch) || is_upper(ch)) {
      (is_lower(ch) ? c.lower : c.upper)++;
      const char l = char(ch | 0x20);
      if (l <= 'f') ++c.hex_letters;
      kind = 1;
      run = is_vowel(ch) ? 0 : run + 1;
      c.consonant_run = std::max(c.consonant_run, run);
    } else if (is_digit(ch)) {
      ++c.digit;
      kind = 2;
      run = 0;
    } else {
      (ch == '-' ? c.hyphen : c.other)++;
      run = 0;
    }
    if (kind && prev && kind != prev) ++c.transitions;
    if (kind) prev = kind;
  }
  return c;
}

}  // namespace

const char* to_string(LabelEncoding e) {
  switch (e) {
    case LabelEncoding::none:
      return "";
    case LabelEncoding::hex:
      return "hex";
    case LabelEncoding::base32:
      return "base32";
    case LabelEncoding::base64:
      return "base64";
    case LabelEncoding::binary:
      return "binary";
    case LabelEncoding::random:
      return "random";
  }
  return "";
}

double entropy_bits(std::string_view s) {
  if (s.empty()) return 0;
  std::array<uint32_t, 256> freq{};
  for (unsigned char c : s) ++freq[c];
  double h = 0;
  for (uint32_t f : freq) {
    if (!f) continue;
    const double p = double(f) / double(s.size());
    h -= p * std::log2(p);
  }
  return h;
}

LabelEncoding label_encoding(std::string_view label, bool case_is_noise) {
  // Bytes no host name has ('=', '+', '/', spaces, non-ASCII): iodine's raw mode, dns2tcp's
  // base64 padding. '_' is left out: _dmarc, _tcp and DNSExfiltrator's base64url are told apart
  // below by length.
  Counts c = count(label);
  const size_t n = label.size();
  size_t underscores = 0;
  for (char ch : label) underscores += ch == '_';
  if (c.other > underscores) return LabelEncoding::binary;
  // Shorter labels are names, counters or abbreviations (ns1, crl3, id-1605): judgement, 8 is
  // below the shortest data labels of the labelled tunnels (Saitama's miman938cz, 10).
  if (n < 8) return LabelEncoding::none;
  const size_t letters = c.lower + c.upper;
  // Hex: dnscat2 writes its packets as hex. 12+ characters with letters and digits mixed: a
  // shorter hex-looking label is as likely a word ("facade", "decade") or a counter.
  if (n >= 12 && letters == c.hex_letters && c.digit >= 2 && letters >= 2 && c.hyphen == 0 &&
      c.other == 0) {
    return LabelEncoding::hex;
  }
  // Base64 (dns2tcp, DNSExfiltrator, RogueRobin): mixed case, or base64url's '_' in a long
  // label. Mixed case is ignored when the resolver randomised case (DNS 0x20).
  if (!case_is_noise && c.upper >= 2 && c.lower >= 2 && n >= 10) return LabelEncoding::base64;
  if (underscores && n >= 16) return LabelEncoding::base64;
  // Base32 (iodine, sods, DNSExfiltrator's init): long single-case labels of letters and digits.
  if (n >= 16 && c.hyphen == 0 && c.digit >= 1 && (c.lower == 0 || c.upper == 0) &&
      entropy_bits(label) >= 3.5) {
    return LabelEncoding::base32;
  }
  // Random strings: letters and digits interleaved (Saitama's 00i6678cg), or five consonants
  // in a row (RogueRobin's skpvbdpyt), or a long label with the entropy of random text (20+
  // characters at 3.8 bits/char: English host-name words stay near 3.3).
  if (c.digit >= 2 && letters >= 2 && c.transitions >= 2) return LabelEncoding::random;
  if (c.consonant_run >= 5) return LabelEncoding::random;
  if (n >= 20 && entropy_bits(label) >= 3.8) return LabelEncoding::random;
  return LabelEncoding::none;
}

SubdomainShape subdomain_shape(std::string_view sub, bool case_is_noise) {
  SubdomainShape s;
  size_t pos = 0;
  while (pos <= sub.size() && !sub.empty()) {
    size_t dot = sub.find('.', pos);
    if (dot == std::string_view::npos) dot = sub.size();
    std::string_view label = sub.substr(pos, dot - pos);
    pos = dot + 1;
    if (label.empty()) continue;
    ++s.labels;
    s.length += label.size();
    s.max_label = std::max(s.max_label, label.size());
    LabelEncoding e = label_encoding(label, case_is_noise);
    if (e != LabelEncoding::none && label.size() > s.encoded_label) {
      s.encoding = e;
      s.encoded_label = label.size();
    }
  }
  return s;
}

std::string dga_tag(std::string_view sld) {
  const size_t n = sld.size();
  if (n < 6) return {};  // short names are too few to be told from words (judgement)
  bool alternating = true, letters_only = true;
  for (size_t i = 0; i < n; ++i) {
    const char ch = sld[i];
    if (!is_lower(ch)) {
      letters_only = false;
      alternating = false;
      break;
    }
    // For the alternation y is a vowel: Simda writes vowyzuk, qexyryl.
    const bool v = is_vowel(ch) || ch == 'y';
    if (i > 0) {
      const bool pv = is_vowel(sld[i - 1]) || sld[i - 1] == 'y';
      if (v == pv) alternating = false;
    }
  }
  if (letters_only && alternating) return fmt::format("cv{}", n);
  if (n >= 8 && label_encoding(sld, true) != LabelEncoding::none) {
    return fmt::format("rnd{}", n / 4 * 4);
  }
  return {};
}

}  // namespace callhome
