// Timestamps of text logs, and the syslog wrapper around firewall messages.
//
// Firewalls rarely write files themselves: their lines reach us through a syslog daemon or the
// systemd journal, each of which puts its own header in front of the message. This parser
// recognises those headers and returns the time (as UNIX seconds) and the message body:
//   BSD (RFC 3164)   <pri>Nov 17 13:12:50 host tag[pid]: msg   (local time, no year)
//                    also with .fraction (journalctl short-precise), a year (Cisco
//                    "Nov 17 2006 13:12:50"), or a trailing colon (Cisco IOS "13:12:50.407:")
//   RFC 5424         <pri>1 2006-11-17T13:12:50.123+01:00 host app procid msgid [sd] msg
//   RFC 3339         2006-11-17T13:12:50.123456+00:00 host tag: msg   (rsyslog high precision,
//                    journalctl short-iso "+0100" and short-iso-precise), optional <pri>
//   journalctl       short-full "Fri 2006-11-17 13:12:50 CET host tag: msg",
//                    short-unix "1163765570.123456 host tag: msg"
//   dmesg            "[Fri Nov 17 13:12:50 2006] msg" (-T) and "2006-11-17T13:12:50,123+01:00 msg"
//   journal export   KEY=value lines per entry (journalctl -o export): __REALTIME_TIMESTAMP
//                    gives the time, MESSAGE the body; other fields are consumed.
// Local times (BSD, dmesg, short-full) are read in the site zone (ReadContext::tz, UTC when
// null) with LocalClock.
#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <string_view>

#include "core/input_report.h"
#include "logs/log_reader.h"

namespace callhome {

// Converts civil times in one zone to UNIX seconds. Log lines come in time order, so the last
// minute converted is cached and nearly every line skips the zone lookup. In the hour a DST
// change repeats, the second pass is recognised because it would otherwise run backwards
// from the previous line by more than a minute.
class LocalClock {
 public:
  explicit LocalClock(const absl::TimeZone* tz) : tz_(tz) {}

  // False when a field is out of range (month 13, Feb 30, hour 24 ...). Second 60 (a leap
  // second) is accepted and lands on the next minute's first second.
  bool to_unix(int64_t year, int month, int day, int hour, int minute, int second, int64_t& out);

  // True when no zone was given (times are taken as UTC).
  bool utc() const { return tz_ == nullptr; }

 private:
  const absl::TimeZone* tz_;
  int64_t cached_key_ = -1;  // year, month, day, hour, minute packed; -1 = nothing cached
  int64_t cached_base_ = 0;  // UNIX seconds at the start of that minute
  int64_t last_ = INT64_MIN;
};

// Days from 1970-01-01 to the given proleptic Gregorian date.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
bool valid_date(int64_t year, int month, int day);
// 1..12 from "Jan".."Dec" (any case), 0 otherwise.
int month_from_name(std::string_view three);

// A date and time read from text, before the zone is applied.
struct CivilStamp {
  int64_t year = 0;  // 0: not given
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  double fraction = 0;      // of a second, 0 <= fraction < 1
  bool has_offset = false;  // an explicit UTC offset (or Z) followed the time
  int offset_seconds = 0;   // east of UTC
};

// "2006-11-17" or "2006/11/17" at the start of `s`, which is advanced.
bool take_ymd(std::string_view& s, CivilStamp& out);
// "13:12:50", with optional ".123456" or ",123456"; at the start of `s`, which is advanced.
bool take_clock(std::string_view& s, CivilStamp& out);
// ISO 8601 / RFC 3339 date-time at the start of `s`: "2006-11-17T13:12:50.5+01:00", with 'T'
// or one space between date and time, and an optional Z, +hh:mm, +hhmm or +hh offset.
bool take_iso_datetime(std::string_view& s, CivilStamp& out);
// UNIX seconds of a stamp: its own offset when it has one, else local time on `clock`.
bool stamp_to_unix(const CivilStamp& stamp, LocalClock& clock, double& out);

struct SyslogLine {
  double ts = 0;
  int pri = -1;               // <pri> when present
  std::string_view host;      // empty when the header has none
  std::string_view tag;       // program name without [pid] and colon; empty when unknown
  std::string_view after_ts;  // everything after the timestamp (host, tag, message)
  std::string_view msg;       // the message body
};

class SyslogHeaderParser {
 public:
  // `report` receives notes on year inference and year rollovers.
  SyslogHeaderParser(const ReadContext& ctx, InputReport& report);

  enum class Result {
    message,   // `out` holds a timestamped message
    consumed,  // a journal export field other than MESSAGE, or an entry separator
    none,      // no recognisable header (the line is not a syslog/journal line)
  };
  Result parse(std::string_view line, uint64_t line_number, SyslogLine& out);

  // The year a BSD timestamp without one would get now (after rollovers).
  int current_year() const { return year_; }

 private:
  bool bsd(std::string_view& s, uint64_t line_number, double& ts);
  int year_for(int month, uint64_t line_number);
  Result journal_field(std::string_view line, SyslogLine& out);
  // Keeps the header of `line` (everything before `msg`) for the next line to reuse.
  void remember_header(std::string_view line, const SyslogLine& out, std::string_view msg);

  LocalClock clock_;
  InputReport& report_;
  int year_ = 0;  // the year given or inferred for BSD timestamps
  bool year_inferred_ = false;
  bool year_noted_ = false;
  int last_month_ = 0;          // month of the previous BSD timestamp (0: none yet)
  char cached_stamp_[15] = {};  // the last "Mmm dd hh:mm:ss" read, and its time
  double cached_stamp_ts_ = 0;
  int cached_stamp_month_ = 0;
  bool stamp_cached_ = false;  // the last bsd() left its own stamp in cached_stamp_
  // The whole header of the line before ("Mar  1 00:00:00 gw kernel: "), when it was a BSD
  // header with a tag and a stamp the cache above holds: a line starting with the same bytes
  // has the same time, host and tag (what parse reads of a header lies within it, and reading
  // it again would change no state), found here by one comparison.
  char header_[64] = {};
  size_t header_len_ = 0;  // 0: nothing to reuse
  struct KeptHeader {      // what was read of it; the parts as offsets into the line
    double ts = 0;
    int pri = -1;
    size_t host_at = 0, host_len = 0, tag_at = 0, tag_len = 0, after_ts_at = 0;
  } kept_;
  bool in_journal_ = false;  // journal export format seen
  double journal_ts_ = -1;   // __REALTIME_TIMESTAMP of the current entry, -1 = none yet
};

}  // namespace callhome
