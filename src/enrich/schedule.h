// Weekly time windows in local wall-clock time: "Mon-Fri 08:30-16:30", "Sat,Sun 00:00-24:00",
// "22:00-06:00". The site profile uses them to say when people work and when nobody is there.
#pragma once

#include <absl/time/civil_time.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "enrich/result.h"

namespace callhome {

class ScheduleWindow {
 public:
  // Grammar: [DAYS] HH:MM-HH:MM, where DAYS is a comma list of days ("Mon", "Monday") and day
  // ranges ("Mon-Fri", "Fri-Mon" wraps over the weekend), or "daily", "weekdays", "weekends".
  // No DAYS means every day. The end may be 24:00; an end at or before the start means the
  // window runs past midnight into the next day ("Fri 22:00-06:00" ends Saturday 06:00).
  static Result<ScheduleWindow> parse(std::string_view text);

  // `minute` counts from local midnight (0..1439) of the local day `day`.
  bool contains(absl::Weekday day, int minute) const;

  const std::string& text() const { return text_; }  // as written, for reports
  bool overnight() const { return end_ <= start_; }

 private:
  bool starts_on(absl::Weekday d) const { return days_ >> int(d) & 1; }
  std::string text_;
  uint8_t days_ = 0x7f;  // bit i: the window starts on weekday i (absl: 0 = Monday)
  int start_ = 0, end_ = 0;
};

}  // namespace callhome
