#include "enrich/site_profile.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>

#include "unit/temp_dir.h"

namespace callhome {
namespace {

Address A(const char* s) {
  return *Address::parse(s);
}

// UNIX seconds of a wall-clock time in UTC, so expectations below read as the UTC they mean.
double utc(int y, int mo, int d, int h, int mi) {
  return double(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), absl::UTCTimeZone())));
}

SiteProfile parse_ok(const std::string& text) {
  auto p = SiteProfile::parse(text, "site.toml");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
  return p.ok() ? std::move(*p) : SiteProfile::defaults();
}

std::string parse_error(const std::string& text) {
  auto p = SiteProfile::parse(text, "site.toml");
  EXPECT_FALSE(p.ok());
  return p.ok() ? "" : p.error();
}

TEST(SiteProfile, DefaultsAreTheSpecs) {
  SiteProfile p = SiteProfile::defaults();
  for (const char* a : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.3", "fd00::1"}) {
    EXPECT_TRUE(p.is_internal(A(a))) << a;
  }
  for (const char* a : {"172.32.0.1", "8.8.8.8", "2001:4860::1", "100.64.0.1"}) {
    EXPECT_FALSE(p.is_internal(A(a))) << a;
  }
  EXPECT_EQ(p.timezone_name(), "UTC");
  EXPECT_EQ(p.tz(), absl::UTCTimeZone());
  EXPECT_TRUE(p.proxies().empty());
  EXPECT_FALSE(p.has_business_hours());
  EXPECT_FALSE(p.in_idle_window(utc(2001, 5, 16, 18, 58)));
  EXPECT_FALSE(p.unattended(utc(2001, 5, 16, 18, 58)));
  EXPECT_EQ(p.local_time_string(990049564.625), "2001-05-16 21:46:04 UTC");
}

// [inputs] blocked declares the inputs that list blocked connections; mistakes in it name
// FILE:LINE:COL like every other key.
TEST(SiteProfile, InputsBlockedListsPathsAndGlobs) {
  const SiteProfile p = parse_ok("[inputs]\nblocked = [\"fw/denies.csv\", \"*.blocked.txt\"]\n");
  EXPECT_EQ(p.blocked_inputs(), (std::vector<std::string>{"fw/denies.csv", "*.blocked.txt"}));
  EXPECT_TRUE(p.warnings().empty());
  EXPECT_EQ(parse_ok("[inputs]\nblocked = \"denies.csv\"\n").blocked_inputs(),
            (std::vector<std::string>{"denies.csv"}));
  EXPECT_EQ(parse_error("[inputs]\nblocked = [\"a.csv\", 7]\n"),
            "site.toml:2:21: [inputs] blocked entries must be strings, not an integer");
  EXPECT_EQ(parse_error("[inputs]\nblocked = true\n"),
            "site.toml:2:11: [inputs] blocked must be a string or an array of strings, not a "
            "boolean");
  EXPECT_EQ(parse_error("[inputs]\nblocked = [\"\"]\n").substr(0, 14), "site.toml:2:12");
  EXPECT_EQ(parse_error("[inputs]\nblokced = [\"a.csv\"]\n"),
            "site.toml:2:1: unknown key 'blokced' in [inputs] (did you mean 'blocked'?); known "
            "keys: blocked");
  EXPECT_EQ(parse_error("blocked = [\"a.csv\"]\n"),
            "site.toml:1:1: 'blocked' belongs in the [inputs] table");
}

TEST(SiteProfile, SpecExample) {
  auto p = parse_ok(R"(
[network]
internal = ["192.168.1.0/24"]      # addresses of the site; everything else is external
timezone = "America/Chicago"       # IANA name; local time for schedules and reports

[proxy]
address = "192.168.1.2:3128"       # the sanctioned way out for web traffic (optional)

[schedule]
business = ["Mon-Fri 08:30-16:30"] # when people work (optional)
idle = ["Mon-Fri 08:00-15:30"]     # when nobody is there: activity then is unattended (optional)
)");
  EXPECT_TRUE(p.is_internal(A("192.168.1.3")));
  EXPECT_FALSE(p.is_internal(A("192.168.0.13")));  // a site file replaces the defaults
  EXPECT_FALSE(p.is_internal(A("10.0.0.1")));
  EXPECT_EQ(p.timezone_name(), "America/Chicago");
  EXPECT_TRUE(p.is_proxy(A("192.168.1.2"), 3128));
  EXPECT_TRUE(p.is_proxy(A("192.168.1.2"), 0));  // a log that names no port
  EXPECT_FALSE(p.is_proxy(A("192.168.1.2"), 80));
  EXPECT_FALSE(p.is_proxy(A("192.168.1.3"), 3128));
  ASSERT_EQ(p.business().size(), 1u);
  EXPECT_EQ(p.business()[0].text(), "Mon-Fri 08:30-16:30");
  EXPECT_TRUE(p.warnings().empty());
}

TEST(SiteProfile, CaseOneModemDialledOutWhileNobodyWasHome) {
  auto p = parse_ok(R"(
[network]
timezone = "America/Chicago"
[schedule]
idle = ["Mon-Fri 08:00-15:30"]
)");
  // Wednesday 16 May 2001, 1:58 PM local = 18:58 UTC (CDT, UTC-5).
  double ts = utc(2001, 5, 16, 18, 58);
  EXPECT_TRUE(p.in_idle_window(ts));
  auto why = p.unattended(ts);
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "idle window Mon-Fri 08:00-15:30 (Wed 13:58 CDT)");
  EXPECT_EQ(p.local_time_string(ts), "2001-05-16 13:58:00 CDT");
  EXPECT_FALSE(p.in_idle_window(utc(2001, 5, 16, 21, 0)));   // 16:00 local: someone is back
  EXPECT_FALSE(p.in_idle_window(utc(2001, 5, 19, 18, 58)));  // Saturday
}

TEST(SiteProfile, BusinessHoursFollowDaylightSavingTimeInChicago) {
  auto p = parse_ok(R"(
[network]
timezone = "America/Chicago"
[schedule]
business = ["Mon-Fri 08:30-16:30"]
)");
  // Friday 8 March 2024 is CST (UTC-6); DST starts Sunday 10 March; Monday 11 March is CDT.
  EXPECT_TRUE(p.in_business_hours(utc(2024, 3, 8, 14, 45)));    // 08:45 CST
  EXPECT_FALSE(p.in_business_hours(utc(2024, 3, 8, 13, 45)));   // 07:45 CST
  EXPECT_TRUE(p.in_business_hours(utc(2024, 3, 11, 13, 45)));   // 08:45 CDT
  EXPECT_FALSE(p.in_business_hours(utc(2024, 3, 11, 21, 45)));  // 16:45 CDT
  EXPECT_TRUE(p.in_business_hours(utc(2024, 3, 8, 22, 15)));    // 16:15 CST
  EXPECT_FALSE(p.in_business_hours(utc(2024, 3, 10, 15, 0)));   // Sunday
  EXPECT_EQ(p.local_time_string(utc(2024, 3, 8, 14, 45)), "2024-03-08 08:45:00 CST");
  EXPECT_EQ(p.local_time_string(utc(2024, 3, 11, 13, 45)), "2024-03-11 08:45:00 CDT");
  // DST ends Sunday 3 November 2024: Friday 1 Nov is CDT, Monday 4 Nov is CST.
  EXPECT_TRUE(p.in_business_hours(utc(2024, 11, 1, 13, 45)));   // 08:45 CDT
  EXPECT_FALSE(p.in_business_hours(utc(2024, 11, 4, 13, 45)));  // 07:45 CST
  EXPECT_TRUE(p.in_business_hours(utc(2024, 11, 4, 14, 45)));   // 08:45 CST
  auto why = p.unattended(utc(2024, 11, 4, 13, 45));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "outside business hours Mon-Fri 08:30-16:30 (Mon 07:45 CST)");
  EXPECT_FALSE(p.unattended(utc(2024, 11, 4, 14, 45)));
}

TEST(SiteProfile, OvernightIdleWindowsSpanMidnightAndTheDstChange) {
  auto p = parse_ok(R"(
[network]
timezone = "America/Chicago"
[schedule]
idle = ["Sat 22:00-06:00", "Mon-Fri 19:00-24:00"]
)");
  // Saturday 2 Nov 2024 22:30 CDT = Sun 03:30 UTC; the night includes the repeated 01:00 hour.
  EXPECT_TRUE(p.in_idle_window(utc(2024, 11, 3, 3, 30)));
  EXPECT_TRUE(p.in_idle_window(utc(2024, 11, 3, 6, 30)));    // 01:30 CDT, the first time
  EXPECT_TRUE(p.in_idle_window(utc(2024, 11, 3, 7, 30)));    // 01:30 CST, the second time
  EXPECT_TRUE(p.in_idle_window(utc(2024, 11, 3, 11, 59)));   // 05:59 CST
  EXPECT_FALSE(p.in_idle_window(utc(2024, 11, 3, 12, 0)));   // 06:00 CST: window over
  EXPECT_FALSE(p.in_idle_window(utc(2024, 11, 2, 10, 30)));  // Saturday 05:30: not Friday's night
  // Spring forward: Sunday 10 March 2024 05:30 CDT = 10:30 UTC, still in Saturday's night.
  EXPECT_TRUE(p.in_idle_window(utc(2024, 3, 10, 10, 30)));
  EXPECT_FALSE(p.in_idle_window(utc(2024, 3, 10, 11, 30)));  // 06:30 CDT
  // "19:00-24:00" ends at midnight exactly.
  EXPECT_TRUE(p.in_idle_window(utc(2024, 3, 12, 4, 59)));  // Mon 23:59 CDT
  EXPECT_FALSE(p.in_idle_window(utc(2024, 3, 12, 5, 0)));  // Tue 00:00 CDT
  EXPECT_EQ(p.idle_window(utc(2024, 3, 12, 4, 59))->text(), "Mon-Fri 19:00-24:00");
}

TEST(SiteProfile, ProxyAddressForms) {
  auto p = parse_ok(R"(
[proxy]
address = "[2001:db8::2]:8080"
addresses = ["192.168.1.2:3128", "10.9.9.9", "[fd00::3]"]
)");
  ASSERT_EQ(p.proxies().size(), 4u);
  EXPECT_TRUE(p.is_proxy(A("2001:db8::2"), 8080));
  EXPECT_FALSE(p.is_proxy(A("2001:db8::2"), 3128));
  EXPECT_TRUE(p.is_proxy(A("192.168.1.2"), 3128));
  EXPECT_TRUE(p.is_proxy(A("10.9.9.9"), 8080));  // bare address: any port
  EXPECT_TRUE(p.is_proxy(A("fd00::3"), 1));
  EXPECT_EQ(p.proxies()[0].port, 8080);
}

TEST(SiteProfile, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(parse_error("[network]\ninternal = [\"10.0.0.0/8\"\n"),
            parse_error("[network]\ninternal = [\"10.0.0.0/8\"\n"));  // deterministic
  EXPECT_EQ(parse_error("[network\n").rfind("site.toml:1:", 0), 0u);
  EXPECT_EQ(parse_error("[proxy]\nadress = \"192.168.1.2:3128\"\n"),
            "site.toml:2:1: unknown key 'adress' in [proxy] (did you mean 'address'?); known "
            "keys: address, addresses");
  EXPECT_EQ(parse_error("[network]\ninternal = [\"192.168.1.0/24\", \"192.168.300.0/24\"]\n"),
            "site.toml:2:31: bad network '192.168.300.0/24' (expected a CIDR like 10.0.0.0/8)");
  EXPECT_EQ(parse_error("[network]\ntimezone = \"America/Chicgo\"\n")
                .rfind("site.toml:2:12: unknown time zone 'America/Chicgo'", 0),
            0u);
  EXPECT_EQ(parse_error("[schedule]\nbusiness = [\"Mon-Fri 08:30-25:00\"]\n"),
            "site.toml:2:13: [schedule] business: bad time range '08:30-25:00' (expected "
            "HH:MM-HH:MM, 00:00..24:00)");
  EXPECT_EQ(parse_error("[schedule]\nidle = [\"Funday 08:00-09:00\"]\n"),
            "site.toml:2:9: [schedule] idle: unknown day 'funday' (use Mon..Sun, e.g. Mon-Fri)");
  EXPECT_EQ(parse_error("[proxy]\naddress = \"proxy.example.com:3128\"\n"),
            "site.toml:2:11: bad proxy address 'proxy.example.com:3128' (expected ip:port, "
            "[ipv6]:port or a bare IP address)");
  EXPECT_EQ(parse_error("[proxy]\naddress = \"192.168.1.2:0\"\n").substr(0, 14), "site.toml:2:11");
  EXPECT_EQ(parse_error("[network]\ninternal = 10\n"),
            "site.toml:2:12: [network] internal must be a string or an array of strings, not an "
            "integer");
  EXPECT_EQ(parse_error("[network]\ninternal = []\n")
                .rfind("site.toml:2:12: [network] internal "
                       "is empty",
                       0),
            0u);
  EXPECT_EQ(parse_error("[netwrok]\ninternal = [\"10.0.0.0/8\"]\n"),
            "site.toml:1:2: unknown table [netwrok] (did you mean [network]?)");
  EXPECT_EQ(parse_error("timezone = \"UTC\"\n"),
            "site.toml:1:1: 'timezone' belongs in the [network] table");
  EXPECT_EQ(parse_error("network = 3\n"), "site.toml:1:11: [network] must be a table");
}

TEST(SiteProfile, UnknownTopLevelTablesAreWarnings) {
  auto p = parse_ok("[report]\ntitle = \"x\"\n[network]\ntimezone = \"Europe/Berlin\"\n");
  ASSERT_EQ(p.warnings().size(), 1u);
  EXPECT_EQ(p.warnings()[0], "site.toml:1:2: ignoring unknown table [report]");
  EXPECT_EQ(p.timezone_name(), "Europe/Berlin");
}

TEST(SiteProfile, LoadFromFile) {
  testing::TempDir dir;
  auto path = dir.write("site.toml", "[network]\ninternal = \"192.168.0.0/24\"\n");
  auto p = SiteProfile::load(path);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->source(), path);
  EXPECT_TRUE(p->is_internal(A("192.168.0.13")));
  auto missing = SiteProfile::load(dir.file("nope.toml"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(),
            dir.file("nope.toml") + ":1:1: cannot open site profile: No such file or directory");
}

// D9: a site profile that is a FIFO is refused at once instead of waiting for a writer.
TEST(SiteProfile, AProfileThatIsAFifoIsRefusedWithoutBlocking) {
  testing::TempDir dir;
  const std::string fifo = dir.file("site.toml");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto done = std::async(std::launch::async, [&] { return SiteProfile::load(fifo); });
  if (done.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);  // lets the blocked open end
    if (fd >= 0) ::close(fd);
    FAIL() << "loading a FIFO as the site profile blocked";
  }
  auto p = done.get();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), fifo +
                           ":1:1: cannot open site profile: not a regular file (a named pipe); "
                           "refused, as reading it could block or never end");
}

// D9: the time zone is a name under the zoneinfo directory, never a path: absolute paths and
// ".." are refused with FILE:LINE:COL, and a FIFO where the zone file should be does not block.
TEST(SiteProfile, TimeZonesAreNamesNotPaths) {
  const auto error_for = [](const std::string& zone) {
    return parse_error("[network]\ntimezone = \"" + zone + "\"\n");
  };
  for (const char* zone : {"/usr/share/zoneinfo/America/Chicago", "/dev/zero", "/proc/self/mem"}) {
    EXPECT_EQ(
        error_for(zone).rfind(
            "site.toml:2:12: time zone '" + std::string(zone) + "' is a path, not a zone name", 0),
        0u)
        << error_for(zone);
  }
  for (const char* zone : {"../zoneinfo/America/Chicago", "America/../America/Chicago",
                           "America//Chicago", "./UTC", "America/Chicago/.."}) {
    EXPECT_EQ(error_for(zone).rfind("site.toml:2:12: time zone '" + std::string(zone) +
                                        "' has an empty, '.' or '..' part",
                                    0),
              0u)
        << error_for(zone);
  }
  EXPECT_EQ(error_for("file:America/Chicago").rfind("site.toml:2:12: time zone", 0), 0u);
  EXPECT_EQ(parse_ok("[network]\ntimezone = \"America/Chicago\"\n").timezone_name(),
            "America/Chicago");
  EXPECT_EQ(parse_ok("[network]\ntimezone = \"UTC\"\n").timezone_name(), "UTC");
}

TEST(SiteProfile, AFifoInTheZoneinfoDirectoryIsRefusedWithoutBlocking) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("Fake"));
  ASSERT_EQ(::mkfifo(dir.file("Fake/Zone").c_str(), 0600), 0);
  const char* old = std::getenv("TZDIR");
  const std::string saved = old ? old : "";
  ::setenv("TZDIR", dir.path().c_str(), 1);
  auto done = std::async(std::launch::async, [] {
    return SiteProfile::parse("[network]\ntimezone = \"Fake/Zone\"\n", "site.toml");
  });
  const bool finished = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  if (!finished) {
    const int fd = ::open(dir.file("Fake/Zone").c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  auto p = done.get();
  if (old) {
    ::setenv("TZDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TZDIR");
  }
  ASSERT_TRUE(finished) << "a FIFO as the zone file blocked";
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().rfind("site.toml:2:12: unknown time zone 'Fake/Zone': ", 0), 0u) << p.error();
  EXPECT_NE(p.error().find("(a named pipe)"), std::string::npos) << p.error();
}

TEST(ScheduleWindow, Grammar) {
  auto w = ScheduleWindow::parse("Mon,Wed,Fri 09:00-12:00");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(w->contains(absl::Weekday::wednesday, 9 * 60));
  EXPECT_FALSE(w->contains(absl::Weekday::tuesday, 9 * 60));
  EXPECT_FALSE(w->contains(absl::Weekday::monday, 12 * 60));  // the end is exclusive

  auto wrap = ScheduleWindow::parse("Fri-Mon 10:00-11:00");  // wraps over the weekend
  ASSERT_TRUE(wrap.ok());
  for (auto d : {absl::Weekday::friday, absl::Weekday::saturday, absl::Weekday::sunday,
                 absl::Weekday::monday}) {
    EXPECT_TRUE(wrap->contains(d, 10 * 60 + 30));
  }
  EXPECT_FALSE(wrap->contains(absl::Weekday::tuesday, 10 * 60 + 30));

  auto night = ScheduleWindow::parse("Fri 22:00-06:00");
  ASSERT_TRUE(night.ok());
  EXPECT_TRUE(night->overnight());
  EXPECT_TRUE(night->contains(absl::Weekday::friday, 23 * 60));
  EXPECT_TRUE(night->contains(absl::Weekday::saturday, 3 * 60));
  EXPECT_FALSE(night->contains(absl::Weekday::friday, 3 * 60));
  EXPECT_FALSE(night->contains(absl::Weekday::saturday, 23 * 60));

  auto every = ScheduleWindow::parse("22:00-06:00");  // no days: every day
  ASSERT_TRUE(every.ok());
  EXPECT_TRUE(every->contains(absl::Weekday::monday, 2 * 60));
  EXPECT_TRUE(every->contains(absl::Weekday::sunday, 23 * 60));

  auto weekend = ScheduleWindow::parse("weekends 00:00-24:00");
  ASSERT_TRUE(weekend.ok());
  EXPECT_TRUE(weekend->contains(absl::Weekday::sunday, 23 * 60 + 59));
  EXPECT_FALSE(weekend->contains(absl::Weekday::monday, 0));
  EXPECT_TRUE(ScheduleWindow::parse("monday - friday 8:30 - 16:30").ok());

  for (const char* bad :
       {"Mon-Fri", "Mon-Fri 08:00-08:00", "24:00-06:00", "Mon 8-9", "Mon-Fri 08:60-09:00",
        "Mon,,Fri 08:00-09:00", "Mon- 08:00-09:00", "", "08:00-09:00-10:00", "Mon 08:00-24:01"}) {
    EXPECT_FALSE(ScheduleWindow::parse(bad).ok()) << bad;
  }
}

TEST(SiteProfile, AbsurdTimestampsDoNotCrash) {
  SiteProfile p = SiteProfile::defaults();
  for (double ts : {1e300, -1e300, std::nan(""), 0.0}) {
    EXPECT_FALSE(p.local_time_string(ts).empty());
    EXPECT_FALSE(p.in_idle_window(ts));
  }
}

}  // namespace
}  // namespace callhome
