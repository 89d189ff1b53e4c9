#include "logs/syslog_header.h"

#include <absl/time/civil_time.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "logs/fw_text.h"

namespace callhome {

using fw::is_digit;

// ---------------------------------------------------------------------------------------------
// Civil time arithmetic

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Shift the year to start in March so the leap day is the last day of the year; then whole
  // 400-year eras of 146097 days.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

bool valid_date(int64_t year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

int month_from_name(std::string_view m) {
  if (m.size() != 3) return 0;
  // Three lower-cased letters packed into one integer: one switch instead of twelve compares.
  const uint32_t k = uint32_t(uint8_t(fw::lower(m[0]))) << 16 |
                     uint32_t(uint8_t(fw::lower(m[1]))) << 8 | uint8_t(fw::lower(m[2]));
  constexpr auto key = [](const char* s) {
    return uint32_t(uint8_t(s[0])) << 16 | uint32_t(uint8_t(s[1])) << 8 | uint8_t(s[2]);
  };
  switch (k) {
    case key("jan"):
      return 1;
    case key("feb"):
      return 2;
    case key("mar"):
      return 3;
    case key("apr"):
      return 4;
    case key("may"):
      return 5;
    case key("jun"):
      return 6;
    case key("jul"):
      return 7;
    case key("aug"):
      return 8;
    case key("sep"):
      return 9;
    case key("oct"):
      return 10;
    case key("nov"):
      return 11;
    case key("dec"):
      return 12;
    default:
      return 0;
  }
}

bool LocalClock::to_unix(int64_t year, int month, int day, int hour, int minute, int second,
                         int64_t& out) {
  if (!valid_date(year, month, day) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return false;
  }
  const int64_t key = (((year * 16 + month) * 32 + day) * 32 + hour) * 64 + minute;
  if (key != cached_key_) {
    if (tz_ == nullptr) {
      cached_base_ =
          (days_from_civil(year, unsigned(month), unsigned(day)) * 24 + hour) * 3600 + minute * 60;
      cached_key_ = key;
    } else {
      const auto info = tz_->At(absl::CivilSecond(year, month, day, hour, minute, 0));
      int64_t base = absl::ToUnixSeconds(info.pre);
      if (info.kind == absl::TimeZone::TimeInfo::REPEATED) {
        // The hour a DST change repeats: the first pass reads as `pre`; once the log has been
        // more than a minute later than that, the clock went back and this is the second pass.
        if (last_ != INT64_MIN && last_ > base + second + 60) base = absl::ToUnixSeconds(info.post);
        cached_key_ = -1;  // decided per line
      } else {
        cached_key_ = info.kind == absl::TimeZone::TimeInfo::UNIQUE ? key : -1;
      }
      cached_base_ = base;
    }
  }
  out = cached_base_ + second;
  last_ = out;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Timestamp pieces

namespace {

// Exactly `n` digits at the start of `s`.
bool take_fixed(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  s.remove_prefix(n);
  return true;
}

// One or two digits (syslog pads days with a space, some writers do not pad hours).
bool take_1or2(std::string_view& s, int& out) {
  if (s.empty() || !is_digit(s[0])) return false;
  out = s[0] - '0';
  s.remove_prefix(1);
  if (!s.empty() && is_digit(s[0])) {
    out = out * 10 + (s[0] - '0');
    s.remove_prefix(1);
  }
  return true;
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

std::string_view take_token(std::string_view& s) {
  skip_spaces(s);
  const size_t n = fw::token_end(s, 0);
  const std::string_view tok(s.data(), n);
  s.remove_prefix(n);
  return tok;
}

// A token of the host and tag part of a BSD header, read in one pass: every line has two, and
// each is asked whether it holds '=' (then it is message text, not a host or tag) and where
// its first '[' is (the tag's "[pid]").
struct HeaderToken {
  std::string_view text;
  bool equals = false;
  size_t bracket = std::string_view::npos;
};

// take_token, noting '=' and '[' on the way. A byte loop: these tokens are short, and a host
// name of two letters is over before an eight-byte step would have paid for itself.
HeaderToken take_header_token(std::string_view& s) {
  skip_spaces(s);
  HeaderToken tok;
  size_t i = 0;
  for (; i < s.size() && s[i] != ' '; ++i) {
    if (s[i] == '=') {
      tok.equals = true;
    } else if (s[i] == '[' && tok.bracket == std::string_view::npos) {
      tok.bracket = i;
    }
  }
  tok.text = s.substr(0, i);
  s.remove_prefix(i);
  return tok;
}

// "Z", "+01:00", "+0100", "+01" (and '-'); nothing is fine too.
void take_offset(std::string_view& s, CivilStamp& out) {
  if (s.empty()) return;
  if (s.front() == 'Z' || s.front() == 'z') {
    out.has_offset = true;
    out.offset_seconds = 0;
    s.remove_prefix(1);
    return;
  }
  if (s.front() != '+' && s.front() != '-') return;
  std::string_view t = s.substr(1);
  int hh = 0, mm = 0;
  if (!take_fixed(t, 2, hh) || hh > 23) return;
  if (!t.empty() && t.front() == ':') {
    t.remove_prefix(1);
    if (!take_fixed(t, 2, mm)) return;
  } else if (t.size() >= 2 && is_digit(t[0]) && is_digit(t[1])) {
    take_fixed(t, 2, mm);
  }
  if (mm > 59) return;
  out.has_offset = true;
  out.offset_seconds = (hh * 3600 + mm * 60) * (s.front() == '-' ? -1 : 1);
  s = t;
}

// A ctime-style stamp as dmesg -T prints it: "Fri Nov 17 13:12:50 2006".
bool take_ctime(std::string_view& s, CivilStamp& out) {
  std::string_view t = s;
  if (t.size() < 24 || !(t[3] == ' ')) return false;
  t.remove_prefix(4);  // weekday
  out.month = month_from_name(t.substr(0, 3));
  if (out.month == 0 || t.size() < 4 || t[3] != ' ') return false;
  t.remove_prefix(4);
  skip_spaces(t);
  if (!take_1or2(t, out.day) || !take_char(t, ' ') || !take_clock(t, out) || !take_char(t, ' ')) {
    return false;
  }
  int y = 0;
  if (!take_fixed(t, 4, y)) return false;
  out.year = y;
  s = t;
  return true;
}

}  // namespace

bool take_clock(std::string_view& s, CivilStamp& out) {
  std::string_view t = s;
  if (!take_1or2(t, out.hour) || !take_char(t, ':') || !take_fixed(t, 2, out.minute) ||
      !take_char(t, ':') || !take_fixed(t, 2, out.second)) {
    return false;
  }
  out.fraction = 0;
  if (t.size() >= 2 && (t[0] == '.' || t[0] == ',') && is_digit(t[1])) {
    t.remove_prefix(1);
    double scale = 0.1;
    while (!t.empty() && is_digit(t[0])) {
      out.fraction += (t[0] - '0') * scale;
      scale *= 0.1;
      t.remove_prefix(1);
    }
    if (out.fraction >= 1) out.fraction = 0.999999999;
  }
  s = t;
  return true;
}

bool take_ymd(std::string_view& s, CivilStamp& out) {
  std::string_view t = s;
  int y = 0;
  if (!take_fixed(t, 4, y) || t.empty() || (t.front() != '-' && t.front() != '/')) return false;
  const char sep = t.front();
  t.remove_prefix(1);
  if (!take_1or2(t, out.month) || !take_char(t, sep) || !take_1or2(t, out.day)) return false;
  out.year = y;
  s = t;
  return true;
}

bool take_iso_datetime(std::string_view& s, CivilStamp& out) {
  std::string_view t = s;
  int y = 0;
  if (!take_fixed(t, 4, y) || !take_char(t, '-') || !take_fixed(t, 2, out.month) ||
      !take_char(t, '-') || !take_fixed(t, 2, out.day)) {
    return false;
  }
  out.year = y;
  if (t.empty() || (t.front() != 'T' && t.front() != 't' && t.front() != ' ')) return false;
  t.remove_prefix(1);
  if (!take_clock(t, out)) return false;
  out.has_offset = false;
  take_offset(t, out);
  s = t;
  return true;
}

bool stamp_to_unix(const CivilStamp& st, LocalClock& clock, double& out) {
  int64_t secs = 0;
  if (st.has_offset) {
    if (!valid_date(st.year, st.month, st.day) || st.hour > 23 || st.minute > 59 ||
        st.second > 60) {
      return false;
    }
    secs = (days_from_civil(st.year, unsigned(st.month), unsigned(st.day)) * 24 + st.hour) * 3600 +
           st.minute * 60 + st.second - st.offset_seconds;
  } else if (!clock.to_unix(st.year, st.month, st.day, st.hour, st.minute, st.second, secs)) {
    return false;
  }
  out = double(secs) + st.fraction;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Syslog headers

SyslogHeaderParser::SyslogHeaderParser(const ReadContext& ctx, InputReport& report)
    : clock_(ctx.tz), report_(report), year_(ctx.year) {
  if (year_ <= 0) {
    // Decided at the first BSD stamp (see year_for), so that files without any cost nothing.
    year_inferred_ = true;
    year_ = 0;
  }
}

int SyslogHeaderParser::year_for(int month, uint64_t line_number) {
  report_.year_assumed = true;
  if (year_ == 0) {
    // No --year: the current year, unless that puts the first line in the future, in which
    // case the log is from last year (a December file read in January).
    const absl::Time now = absl::Now();
    const auto today = absl::ToCivilDay(now, absl::UTCTimeZone());
    year_ = int(today.year());
    if (month > today.month() + (today.day() > 28 ? 1 : 0)) --year_;
  }
  if (year_inferred_ && !year_noted_) {
    year_noted_ = true;
    report_.note(
        line_number, 0,
        "syslog timestamps carry no year; assumed " + std::to_string(year_) + " (--year sets it)");
  }
  if (last_month_ != 0) {
    // Half a year apart from the previous line means the year changed between them, not the
    // month: Dec -> Jan moves forward a year, Jan -> Dec (a late or newest-first line) back.
    if (month + 6 < last_month_) {
      ++year_;
      report_.note(line_number, 0,
                   "syslog month went from " + std::to_string(last_month_) + " to " +
                       std::to_string(month) + ": year rollover, now " + std::to_string(year_));
    } else if (month > last_month_ + 6) {
      --year_;
      report_.note(line_number, 0,
                   "syslog month went back from " + std::to_string(last_month_) + " to " +
                       std::to_string(month) + ": taken as the previous year, " +
                       std::to_string(year_));
    }
  }
  last_month_ = month;
  return year_;
}

namespace {

// Whether two 15-byte "Mmm dd hh:mm:ss" stamps are the same: two overlapping eight-byte
// compares, where a memcmp call would cost more than the comparison.
bool same_stamp(const char* a, const char* b) {
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a, 8);
  std::memcpy(&a1, a + 7, 8);
  std::memcpy(&b0, b, 8);
  std::memcpy(&b1, b + 7, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

}  // namespace

// "Nov 17 13:12:50", "Nov  7 13:12:50.123456", "Nov 17 2006 13:12:50", "Jan 24 11:28:30.407:".
bool SyslogHeaderParser::bsd(std::string_view& s, uint64_t line_number, double& ts) {
  if (s.size() < 15 || s[3] != ' ') return false;
  // Busy logs repeat a second over many lines: the same 15 characters (and no month change
  // since) give the same time, with only a fraction to add.
  if (s.size() > 15 && (s[15] == ' ' || s[15] == '.') && cached_stamp_month_ == last_month_ &&
      cached_stamp_month_ != 0 && same_stamp(s.data(), cached_stamp_)) {
    std::string_view t = s.substr(15);
    double frac = 0;
    if (t.front() == '.') {
      t.remove_prefix(1);
      double scale = 0.1;
      while (!t.empty() && is_digit(t.front())) {
        frac += (t.front() - '0') * scale;
        scale *= 0.1;
        t.remove_prefix(1);
      }
      if (!t.empty() && t.front() == ':') t.remove_prefix(1);
      if (!t.empty() && t.front() != ' ') return false;
    }
    ts = cached_stamp_ts_ + frac;
    s = t;
    stamp_cached_ = true;
    return true;
  }
  stamp_cached_ = false;
  CivilStamp st;
  st.month = month_from_name(s.substr(0, 3));
  if (st.month == 0) return false;
  std::string_view t = s.substr(4);
  if (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  if (!take_1or2(t, st.day) || !take_char(t, ' ')) return false;
  // An explicit year (Cisco ASA "logging timestamp"): four digits and a space before the clock.
  if (t.size() > 5 && is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]) && is_digit(t[3]) &&
      t[4] == ' ') {
    int y = 0;
    take_fixed(t, 4, y);
    t.remove_prefix(1);
    st.year = y;
  }
  if (!take_clock(t, st)) return false;
  if (!t.empty() && t.front() == ':') t.remove_prefix(1);  // Cisco IOS "13:12:50.407:"
  if (!t.empty() && t.front() != ' ') return false;
  if (st.year == 0) {
    // Validate before the year logic so a bogus "Feb 31" does not move the rollover state.
    if (!valid_date(2000, st.month, st.day)) return false;
    st.year = year_for(st.month, line_number);
  }
  if (!stamp_to_unix(st, clock_, ts)) return false;
  // Remember "Mmm dd hh:mm:ss" when that is exactly what the stamp was (no year form).
  if (s.size() > 15 && (s[15] == ' ' || s[15] == '.') && s[6] == ' ' && s[9] == ':' &&
      s[12] == ':') {
    std::memcpy(cached_stamp_, s.data(), 15);
    cached_stamp_ts_ = ts - st.fraction;
    cached_stamp_month_ = st.month;
    stamp_cached_ = true;
  }
  s = t;
  return true;
}

void SyslogHeaderParser::remember_header(std::string_view line, const SyslogLine& out,
                                         std::string_view msg) {
  // Ending in the space after the tag: the tag token was read up to there and no further (a
  // tag that ends the line could be the start of a longer token on the next).
  const size_t len = size_t(msg.data() - line.data());
  if (len == 0 || len > sizeof(header_) || line[len - 1] != ' ') return;
  std::memcpy(header_, line.data(), len);
  header_len_ = len;
  kept_.ts = out.ts;
  kept_.pri = out.pri;
  kept_.host_at = out.host.empty() ? 0 : size_t(out.host.data() - line.data());
  kept_.host_len = out.host.size();
  kept_.tag_at = size_t(out.tag.data() - line.data());
  kept_.tag_len = out.tag.size();
  kept_.after_ts_at = size_t(out.after_ts.data() - line.data());
}

SyslogHeaderParser::Result SyslogHeaderParser::journal_field(std::string_view line,
                                                             SyslogLine& out) {
  if (line.empty()) {  // entry separator
    journal_ts_ = -1;
    return Result::consumed;
  }
  if (line.starts_with("__REALTIME_TIMESTAMP=")) {
    uint64_t usec = 0;
    if (fw::parse_uint(line.substr(21), usec)) journal_ts_ = double(usec) / 1e6;
    return Result::consumed;
  }
  if (line.starts_with("MESSAGE=")) {
    if (journal_ts_ < 0) return Result::none;
    out.ts = journal_ts_;
    out.after_ts = out.msg = line.substr(8);
    return Result::message;
  }
  // Any other field (or the length-prefixed form of a binary one, which we do not decode).
  return Result::consumed;
}

SyslogHeaderParser::Result SyslogHeaderParser::parse(std::string_view line, uint64_t line_number,
                                                     SyslogLine& out) {
  out = SyslogLine{};
  if (header_len_ != 0 && line.size() >= header_len_ &&
      std::memcmp(line.data(), header_, header_len_) == 0) {
    out.ts = kept_.ts;
    out.pri = kept_.pri;
    if (kept_.host_len != 0) out.host = line.substr(kept_.host_at, kept_.host_len);
    out.tag = line.substr(kept_.tag_at, kept_.tag_len);
    out.after_ts = line.substr(kept_.after_ts_at);
    out.msg = line.substr(header_len_);
    return Result::message;
  }
  header_len_ = 0;
  std::string_view s = line;

  // journalctl -o export: KEY=value lines, entries separated by blank lines.
  if (!s.empty() && s.front() == '_' && s.starts_with("__")) {
    in_journal_ = true;
    return journal_field(s, out);
  }
  if (in_journal_) return journal_field(s, out);

  // <pri>
  if (!s.empty() && s.front() == '<') {
    size_t close = s.find('>');
    unsigned pri = 0;
    if (close != std::string_view::npos && close >= 2 && close <= 4 &&
        fw::parse_uint(s.substr(1, close - 1), pri) && pri <= 191) {
      out.pri = int(pri);
      s.remove_prefix(close + 1);
    }
  }
  if (s.empty()) return Result::none;

  CivilStamp st;
  bool have_host = true;  // whether a host name follows the stamp in this header form
  bool rfc5424 = false;
  bool bsd_stamp = false;  // a BSD stamp that cached_stamp_ now holds
  if (s.size() >= 2 && s[0] == '1' && s[1] == ' ' && out.pri >= 0) {
    // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
    s.remove_prefix(2);
    rfc5424 = true;
    if (s.starts_with("- ")) {
      return Result::none;  // no timestamp at all: nothing we can place in time
    }
    if (!take_iso_datetime(s, st) || !stamp_to_unix(st, clock_, out.ts)) return Result::none;
  } else if (is_digit(s.front())) {
    std::string_view t = s;
    if (take_iso_datetime(t, st)) {
      if (!stamp_to_unix(st, clock_, out.ts)) return Result::none;
      // dmesg --time-format iso has no host: "2006-11-17T13:12:50,123456+01:00 msg". Its
      // comma fraction tells it from rsyslog's and journalctl's forms.
      const size_t comma = s.find(',');
      have_host = !(comma != std::string_view::npos && comma < size_t(t.data() - s.data()));
      s = t;
    } else {
      // journalctl -o short-unix: "1163765570.123456 host tag: msg"
      uint64_t secs = 0;
      t = s;
      if (!fw::take_uint(t, secs) || secs < 100000000 || secs > 9999999999) return Result::none;
      double frac = 0;
      if (!t.empty() && t.front() == '.') {
        t.remove_prefix(1);
        double scale = 0.1;
        while (!t.empty() && is_digit(t.front())) {
          frac += (t.front() - '0') * scale;
          scale *= 0.1;
          t.remove_prefix(1);
        }
      }
      if (t.empty() || t.front() != ' ') return Result::none;
      out.ts = double(secs) + frac;
      s = t;
    }
  } else if (s.front() == '[') {
    // dmesg -T: "[Fri Nov 17 13:12:50 2006] msg"
    std::string_view t = s.substr(1);
    if (!take_ctime(t, st) || !take_char(t, ']') || !stamp_to_unix(st, clock_, out.ts)) {
      return Result::none;
    }
    have_host = false;
    s = t;
  } else if (s.size() > 4 && s[3] == ' ' && fw::is_digit(s[4]) &&
             month_from_name(s.substr(0, 3)) == 0) {
    // journalctl -o short-full: "Fri 2006-11-17 13:12:50 CET host tag: msg"
    std::string_view t = s.substr(4);
    if (!take_iso_datetime(t, st)) return Result::none;
    std::string_view zone = take_token(t);
    if (zone.empty()) return Result::none;
    if (fw::iequals(zone, "UTC") || fw::iequals(zone, "GMT")) {
      st.has_offset = true;
      st.offset_seconds = 0;
    }  // any other abbreviation is the machine's own zone: the site zone
    if (!stamp_to_unix(st, clock_, out.ts)) return Result::none;
    s = t;
  } else {
    if (!bsd(s, line_number, out.ts)) return Result::none;
    bsd_stamp = stamp_cached_;
  }

  out.after_ts = s.empty() ? s : s.substr(s.front() == ' ' ? 1 : 0);
  std::string_view rest = out.after_ts;

  if (rfc5424) {
    out.host = take_token(rest);
    out.tag = take_token(rest);
    take_token(rest);  // procid
    take_token(rest);  // msgid
    skip_spaces(rest);
    if (out.host == "-") out.host = {};
    if (out.tag == "-") out.tag = {};
    // Structured data: "-" or one or more [id param="value" ...]; values escape ] as \].
    if (rest.starts_with("-")) {
      rest.remove_prefix(1);
    } else {
      while (!rest.empty() && rest.front() == '[') {
        size_t i = 1;
        bool quoted = false;
        for (; i < rest.size(); ++i) {
          const char c = rest[i];
          if (quoted && c == '\\') {
            ++i;
          } else if (c == '"') {
            quoted = !quoted;
          } else if (!quoted && c == ']') {
            break;
          }
        }
        rest.remove_prefix(i < rest.size() ? i + 1 : rest.size());
      }
    }
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // BOM before a UTF-8 MSG
    out.msg = rest;
    return Result::message;
  }

  // BSD-style remainder: [host] [tag[pid]:] msg. A first token ending in ':' (or holding a
  // "[pid]") is the tag of a line written without a host name.
  const auto is_tag = [](const HeaderToken& tok) {
    return !tok.text.empty() && tok.text.size() < 64 && tok.text.back() == ':' && !tok.equals;
  };
  std::string_view probe = rest;
  const HeaderToken first = take_header_token(probe);
  if (have_host && !first.text.empty() && !is_tag(first) && first.text.front() != '[' &&
      !first.equals) {
    out.host = first.text;
    rest = probe;
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  probe = rest;
  const HeaderToken tag = take_header_token(probe);
  if (is_tag(tag)) {
    // Without the colon, and without "[pid]" (the colon is last, so a bracket is before it).
    out.tag = tag.text.substr(0, std::min(tag.bracket, tag.text.size() - 1));
    rest = probe;
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (bsd_stamp && have_host) remember_header(line, out, rest);
  }
  out.msg = rest;
  return Result::message;
}

}  // namespace callhome
