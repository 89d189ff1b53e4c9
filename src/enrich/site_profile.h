// What the analyst knows about the site (spec/interface.md, "Site profile"): which addresses are
// its own, its time zone, the sanctioned proxy, and when people work or nobody is there. Case 1
// turned on "the modem dialled out at 1:58 PM while nobody was home"; Case 2 on "direct web
// traffic although there is a proxy". Both need this file to be read exactly right, so every
// mistake in it is an error that names FILE:LINE:COL, never a silent default.
//
// [inputs] blocked names the inputs that list blocked connections (a firewall export of its
// denies with no verdict column): every record read from them counts as blocked.
//
// [intel] lists names threat-intelligence lists (detect/intel_list.h), by paths relative to the
// profile's own folder.
//
// Unknown keys inside [network], [proxy], [schedule], [inputs] and [intel] are errors (a typo such
// as "adress" would silently switch a detector off). An unknown top-level table is an error when it
// looks like a misspelt known table ([netwrok]) and otherwise a warning, so that other parts of
// callhome can add their own tables.
#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/network.h"
#include "enrich/result.h"
#include "enrich/schedule.h"

namespace callhome {

struct ProxyAddress {
  Address address;
  uint16_t port = 0;  // 0: any port of that address (the file gave a bare address)
  std::string text;   // as written
};

class SiteProfile {
 public:
  // RFC 1918 + RFC 4193 internal, UTC, no proxy, no schedule (the spec's defaults).
  static SiteProfile defaults();
  static Result<SiteProfile> load(const std::string& path);
  // `source_name` is used in messages in place of a path.
  static Result<SiteProfile> parse(std::string_view toml_text, std::string_view source_name);

  const std::string& source() const { return source_; }  // the file, or "(defaults)"
  const std::vector<std::string>& warnings() const { return warnings_; }

  const NetworkSet& internal() const { return internal_; }
  bool is_internal(const Address& a) const { return internal_.contains(a); }

  const absl::TimeZone& tz() const { return tz_; }
  const std::string& timezone_name() const { return tz_name_; }

  const std::vector<ProxyAddress>& proxies() const { return proxies_; }
  // `port` 0 asks about the address alone (a log line that names no port).
  bool is_proxy(const Address& a, uint16_t port) const;

  // Paths or globs from [inputs] blocked, as written (matched by cli/input_runner).
  const std::vector<std::string>& blocked_inputs() const { return blocked_inputs_; }

  // Paths of the threat-intel lists from [intel] lists: as written by parse(); load() makes a
  // relative one relative to the profile's folder.
  const std::vector<std::string>& intel_lists() const { return intel_lists_; }

  const std::vector<ScheduleWindow>& business() const { return business_; }
  const std::vector<ScheduleWindow>& idle() const { return idle_; }
  // False when no business schedule is configured: ask has_business_hours() first.
  bool has_business_hours() const { return !business_.empty(); }
  bool in_business_hours(double unix_ts) const { return business_window(unix_ts) != nullptr; }
  bool in_idle_window(double unix_ts) const { return idle_window(unix_ts) != nullptr; }
  // The window containing the instant, or null.
  const ScheduleWindow* business_window(double unix_ts) const;
  const ScheduleWindow* idle_window(double unix_ts) const;

  // Why activity at `unix_ts` is unattended, or nothing when someone is expected to be there:
  // "idle window Mon-Fri 08:00-15:30 (Thu 13:58 CDT)" or "outside business hours
  // Mon-Fri 08:30-16:30 (Sat 02:10 CST)". Fits OffHoursOptions::unattended.
  std::optional<std::string> unattended(double unix_ts) const;

  // "2001-05-16 13:58:12 CDT": the site's local time, with the zone abbreviation so a reader
  // sees whether daylight saving time applied.
  std::string local_time_string(double unix_ts) const;

 private:
  friend class SiteProfileParser;
  std::string source_ = "(defaults)";
  std::vector<std::string> warnings_;
  NetworkSet internal_ = NetworkSet::private_ranges();
  absl::TimeZone tz_ = absl::UTCTimeZone();
  std::string tz_name_ = "UTC";
  std::vector<ProxyAddress> proxies_;
  std::vector<ScheduleWindow> business_, idle_;
  std::vector<std::string> blocked_inputs_;
  std::vector<std::string> intel_lists_;
};

// Converts fractional UNIX seconds to absl::Time, clamping absurd values (logs can hold
// anything) instead of overflowing.
absl::Time time_from_unix(double unix_ts);

}  // namespace callhome
