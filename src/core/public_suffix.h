// The registrable domain of a host name ("evil.co.uk" for "a.b.evil.co.uk"): the unit a party
// registers and runs the name servers of, so the unit a DNS tunnel or a DGA works in. Rules come
// from the ICANN section of the Public Suffix List when it is installed (Debian package
// `publicsuffix`); the private section (cloudfront.net, herokuapp.com ...) is left out on
// purpose, since its subdomains are handed out by a platform whose name servers the customer does
// not run. Without the list a fallback covers the common cases: the last two labels, or three
// under a two-letter country code with a generic second level (co.uk, com.au, ac.jp ...).
#pragma once

#include <absl/container/flat_hash_set.h>

#include <string>
#include <string_view>

namespace callhome {

class PublicSuffixes {
 public:
  // The fallback rules only.
  PublicSuffixes() = default;
  // Rules in the Public Suffix List format; reading stops at the end of the ICANN section.
  static PublicSuffixes parse(std::string_view text);
  // $CALLHOME_PUBLIC_SUFFIX_LIST, else /usr/share/publicsuffix/public_suffix_list.dat, loaded
  // once; the fallback rules when neither can be read.
  static const PublicSuffixes& system();

  // `name` lower case without a trailing dot. The registrable domain is a suffix of it (a view
  // into `name`); empty when the name is itself a public suffix or has a single label.
  std::string_view registrable(std::string_view name) const;
  // How many labels the public suffix of `name` has (at least 1).
  size_t suffix_labels(std::string_view name) const;

  bool from_list() const { return !rules_.empty(); }
  size_t rules() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  absl::flat_hash_set<std::string> rules_, wildcards_, exceptions_;
};

}  // namespace callhome
