// Fuzzes the site profile reader (TOML via toml++, CIDRs, time zones, proxy addresses, schedule
// windows) and, for profiles that load, the questions asked of them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "enrich/schedule.h"
#include "enrich/site_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto w = callhome::ScheduleWindow::parse(text)) {
    volatile bool in =
        w->contains(absl::Weekday::monday, 0) || w->contains(absl::Weekday::sunday, 1439);
    (void)in;
  }
  auto p = callhome::SiteProfile::parse(text, "fuzz.toml");
  if (!p) return 0;
  // Timestamps from the input's last bytes, plus the edges of the representable range.
  double ts = 0;
  if (size >= sizeof ts) std::memcpy(&ts, data + size - sizeof ts, sizeof ts);
  for (double t : {ts, 0.0, 990049564.625, -1e12, 1e12}) {
    volatile bool b = p->in_business_hours(t) || p->in_idle_window(t);
    (void)b;
    volatile size_t n = p->local_time_string(t).size() + (p->unattended(t) ? 1 : 0);
    (void)n;
  }
  volatile bool q = p->is_internal(callhome::Address::v4(0x0a000001)) ||
                    p->is_proxy(callhome::Address::v4(0xc0a80102), 3128);
  (void)q;
  return 0;
}
