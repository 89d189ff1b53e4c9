#include "enrich/schedule.h"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace callhome {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<int> day_index(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kShort = {"mon", "tue", "wed", "thu",
                                                             "fri", "sat", "sun"};
  static constexpr std::array<std::string_view, 7> kLong = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  std::string n = lower(trim(name));
  for (int i = 0; i < 7; ++i) {
    if (n == kShort[i] || n == kLong[i]) return i;
  }
  return std::nullopt;
}

// Minutes after midnight for "H:MM" or "HH:MM"; 24:00 only when `allow_24` (an end time).
std::optional<int> parse_time(std::string_view s, bool allow_24) {
  s = trim(s);
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) {
    return std::nullopt;
  }
  int h = 0, m = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == colon) continue;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    (i < colon ? h : m) = (i < colon ? h : m) * 10 + (s[i] - '0');
  }
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return std::nullopt;
  return h * 60 + m;
}

// Parses the day part into a bit set; an error names the offending token.
Result<uint8_t> parse_days(std::string_view text) {
  std::string t = lower(trim(text));
  if (t.empty() || t == "daily" || t == "everyday" || t == "every day") return uint8_t(0x7f);
  if (t == "weekdays") return uint8_t(0x1f);
  if (t == "weekends" || t == "weekend") return uint8_t(0x60);
  uint8_t days = 0;
  size_t pos = 0;
  while (pos <= t.size()) {
    size_t comma = t.find(',', pos);
    if (comma == std::string::npos) comma = t.size();
    std::string_view token = trim(std::string_view(t).substr(pos, comma - pos));
    pos = comma + 1;
    auto dash = token.find('-');
    auto first = day_index(token.substr(0, dash));
    auto last = dash == std::string_view::npos ? first : day_index(token.substr(dash + 1));
    if (!first || !last) {
      return Error{"unknown day '" + std::string(token) + "' (use Mon..Sun, e.g. Mon-Fri)"};
    }
    // A range may wrap: Fri-Mon is Friday, Saturday, Sunday, Monday.
    for (int d = *first;; d = (d + 1) % 7) {
      days |= uint8_t(1u << d);
      if (d == *last) break;
    }
  }
  return days;
}

}  // namespace

Result<ScheduleWindow> ScheduleWindow::parse(std::string_view text) {
  std::string_view t = trim(text);
  // Day names hold no digits, so the time range starts at the first digit.
  size_t digit = 0;
  while (digit < t.size() && !std::isdigit(static_cast<unsigned char>(t[digit]))) ++digit;
  if (digit == t.size()) {
    return Error{"schedule window '" + std::string(t) + "' has no time range (HH:MM-HH:MM)"};
  }
  auto days = parse_days(t.substr(0, digit));
  if (!days) return Error{days.error()};
  std::string_view times = t.substr(digit);
  auto dash = times.find('-');
  std::optional<int> start, end;
  if (dash != std::string_view::npos) {
    start = parse_time(times.substr(0, dash), false);
    end = parse_time(times.substr(dash + 1), true);
  }
  if (!start || !end) {
    return Error{"bad time range '" + std::string(times) +
                 "' (expected HH:MM-HH:MM, 00:00..24:00)"};
  }
  if (*start == *end) {
    return Error{"empty time range '" + std::string(times) + "' (for all day use 00:00-24:00)"};
  }
  ScheduleWindow w;
  w.text_ = std::string(t);
  w.days_ = *days;
  w.start_ = *start;
  w.end_ = *end;
  return w;
}

bool ScheduleWindow::contains(absl::Weekday day, int minute) const {
  if (!overnight()) return starts_on(day) && minute >= start_ && minute < end_;
  // Overnight: the evening part belongs to the day it starts on, the morning part to the
  // following day ("Fri 22:00-06:00" covers Saturday 00:00-06:00, not Friday's early hours).
  auto previous = absl::Weekday((int(day) + 6) % 7);
  return (starts_on(day) && minute >= start_) || (starts_on(previous) && minute < end_);
}

}  // namespace callhome
