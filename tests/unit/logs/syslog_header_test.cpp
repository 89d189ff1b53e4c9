#include "logs/syslog_header.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::utc;
using R = SyslogHeaderParser::Result;

struct Parsed {
  R result;
  SyslogLine line;
};

class SyslogHeaderTest : public ::testing::Test {
 protected:
  Parsed parse(std::string_view text) {
    Parsed p;
    p.result = parser_->parse(text, ++line_, p.line);
    return p;
  }
  void reset(int year, const absl::TimeZone* tz = nullptr) {
    report_ = InputReport{};
    ctx_ = fwtest::context(year, tz);
    parser_.emplace(ctx_, report_);
    line_ = 0;
  }
  void SetUp() override { reset(2006); }

  InputReport report_;
  ReadContext ctx_;
  std::optional<SyslogHeaderParser> parser_;
  uint64_t line_ = 0;
};

TEST(CivilTime, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2006, 11, 17), 13469);
  EXPECT_TRUE(valid_date(2004, 2, 29));
  EXPECT_FALSE(valid_date(2006, 2, 29));
  EXPECT_FALSE(valid_date(1900, 2, 29));
  EXPECT_TRUE(valid_date(2000, 2, 29));
  EXPECT_FALSE(valid_date(2006, 4, 31));
  EXPECT_FALSE(valid_date(2006, 13, 1));
  EXPECT_EQ(month_from_name("Nov"), 11);
  EXPECT_EQ(month_from_name("nOV"), 11);
  EXPECT_EQ(month_from_name("Now"), 0);
  EXPECT_EQ(month_from_name("No"), 0);
}

TEST(LocalClockTest, UtcAndRejectsOutOfRange) {
  LocalClock clock(nullptr);
  int64_t t = 0;
  ASSERT_TRUE(clock.to_unix(2006, 11, 17, 13, 12, 50, t));
  EXPECT_EQ(t, int64_t(utc(2006, 11, 17, 13, 12, 50)));
  ASSERT_TRUE(clock.to_unix(2006, 11, 17, 13, 12, 51, t));  // same minute: cached
  EXPECT_EQ(t, int64_t(utc(2006, 11, 17, 13, 12, 51)));
  EXPECT_FALSE(clock.to_unix(2006, 2, 30, 0, 0, 0, t));
  EXPECT_FALSE(clock.to_unix(2006, 1, 1, 24, 0, 0, t));
  EXPECT_FALSE(clock.to_unix(2006, 1, 1, 0, 60, 0, t));
  EXPECT_FALSE(clock.to_unix(2006, 1, 1, 0, 0, 61, t));
}

TEST(LocalClockTest, ChicagoStandardAndDaylightTime) {
  const absl::TimeZone chicago = fwtest::chicago();
  LocalClock clock(&chicago);
  int64_t t = 0;
  ASSERT_TRUE(clock.to_unix(2006, 11, 17, 13, 12, 50, t));  // CST, UTC-6
  EXPECT_EQ(t, int64_t(utc(2006, 11, 17, 19, 12, 50)));
  ASSERT_TRUE(clock.to_unix(2006, 7, 4, 12, 0, 0, t));  // CDT, UTC-5
  EXPECT_EQ(t, int64_t(utc(2006, 7, 4, 17, 0, 0)));
}

TEST(LocalClockTest, RepeatedHourSecondPassIsRecognised) {
  // 2006-10-29 (the rule before 2007): at 02:00 CDT clocks went back to 01:00 CST, so
  // 01:00-01:59 happened twice.
  const absl::TimeZone chicago = fwtest::chicago();
  LocalClock clock(&chicago);
  int64_t t = 0;
  ASSERT_TRUE(clock.to_unix(2006, 10, 29, 1, 30, 0, t));
  EXPECT_EQ(t, int64_t(utc(2006, 10, 29, 6, 30, 0)));  // first pass, CDT
  ASSERT_TRUE(clock.to_unix(2006, 10, 29, 1, 59, 59, t));
  EXPECT_EQ(t, int64_t(utc(2006, 10, 29, 6, 59, 59)));
  ASSERT_TRUE(clock.to_unix(2006, 10, 29, 1, 0, 10, t));  // clock went back: CST now
  EXPECT_EQ(t, int64_t(utc(2006, 10, 29, 7, 0, 10)));
  ASSERT_TRUE(clock.to_unix(2006, 10, 29, 1, 30, 0, t));
  EXPECT_EQ(t, int64_t(utc(2006, 10, 29, 7, 30, 0)));
  ASSERT_TRUE(clock.to_unix(2006, 10, 29, 2, 0, 0, t));
  EXPECT_EQ(t, int64_t(utc(2006, 10, 29, 8, 0, 0)));
}

TEST(LocalClockTest, SkippedHourUsesTheOffsetBeforeTheChange) {
  // 2006-04-02 02:30 never happened in Chicago; read with CST it is 08:30 UTC (= 03:30 CDT).
  const absl::TimeZone chicago = fwtest::chicago();
  LocalClock clock(&chicago);
  int64_t t = 0;
  ASSERT_TRUE(clock.to_unix(2006, 4, 2, 2, 30, 0, t));
  EXPECT_EQ(t, int64_t(utc(2006, 4, 2, 8, 30, 0)));
}

TEST_F(SyslogHeaderTest, BsdWithHostTagAndPid) {
  auto p = parse("<134>Nov 17 13:12:50 fw01 filterlog[72237]: 146,,,1535,igb1");
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.pri, 134);
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(p.line.host, "fw01");
  EXPECT_EQ(p.line.tag, "filterlog");
  EXPECT_EQ(p.line.msg, "146,,,1535,igb1");
  EXPECT_EQ(p.line.after_ts, "fw01 filterlog[72237]: 146,,,1535,igb1");
}

// Host and tag are read in one pass each, which must still tell message text (a '=' in it,
// a leading bracket) from a host or tag, and cut a tag at its first '['.
TEST_F(SyslogHeaderTest, BsdHostAndTagEdges) {
  struct Case {
    std::string_view line, host, tag, msg;
  };
  const std::string long_tag = std::string(70, 't') + ": m";  // a tag is shorter than 64
  const std::string long_line = "Nov 17 13:12:50 h " + long_tag;
  for (const Case& k : std::initializer_list<Case>{
           {"Nov 17 13:12:50 host a[1][2]: m", "host", "a", "m"},
           {"Nov 17 13:12:50 host [5]: m", "host", "", "m"},
           {"Nov 17 13:12:50 k=v rest", "", "", "k=v rest"},
           {"Nov 17 13:12:50 host x=y: rest", "host", "", "x=y: rest"},
           {"Nov 17 13:12:50 [host] tag: m", "", "", "[host] tag: m"},
           {"Nov 17 13:12:50 tag[9]: a=b", "", "tag", "a=b"},
           {"Nov 17 13:12:50 h   t:   m", "h", "t", "  m"},
           {long_line, "h", "", long_tag},
       }) {
    auto p = parse(k.line);
    ASSERT_EQ(p.result, R::message) << k.line;
    EXPECT_EQ(p.line.host, k.host) << k.line;
    EXPECT_EQ(p.line.tag, k.tag) << k.line;
    EXPECT_EQ(p.line.msg, k.msg) << k.line;
  }
}

// The stamp of the line before is reused only when all fifteen bytes match.
TEST_F(SyslogHeaderTest, BsdStampCacheComparesTheWholeStamp) {
  EXPECT_EQ(parse("Nov 17 13:12:50 h t: m").line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(parse("Nov 17 13:12:50 h t: m").line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(parse("Nov 17 13:12:51 h t: m").line.ts, utc(2006, 11, 17, 13, 12, 51));
  EXPECT_EQ(parse("Nov 18 13:12:51 h t: m").line.ts, utc(2006, 11, 18, 13, 12, 51));
  EXPECT_EQ(parse("Nov 18 13:12:51.5 h t: m").line.ts, utc(2006, 11, 18, 13, 12, 51) + 0.5);
  EXPECT_EQ(parse("Dec 18 13:12:51 h t: m").line.ts, utc(2006, 12, 18, 13, 12, 51));
}

// A line with the same header bytes as the one before reuses what was read of it; anything
// that differs, or a header that could read differently with what follows it, is read anew.
TEST_F(SyslogHeaderTest, BsdHeaderOfTheLineBeforeIsReused) {
  auto a = parse("Nov 17 13:12:50 gw kernel: a=1");
  auto b = parse("Nov 17 13:12:50 gw kernel: b");
  ASSERT_EQ(b.result, R::message);
  EXPECT_EQ(b.line.ts, a.line.ts);
  EXPECT_EQ(b.line.host, "gw");
  EXPECT_EQ(b.line.tag, "kernel");
  EXPECT_EQ(b.line.after_ts, "gw kernel: b");
  EXPECT_EQ(b.line.msg, "b");
  auto c = parse("Nov 17 13:12:50 gw kernel:  two");  // the second space is the message's
  EXPECT_EQ(c.line.msg, " two");
  auto d = parse("Nov 17 13:12:50 gw kernel:  two");
  EXPECT_EQ(d.line.msg, " two");
  EXPECT_EQ(d.line.tag, "kernel");
  auto e = parse("Nov 17 13:12:50 gw kernel:");  // ends at the tag
  EXPECT_EQ(e.line.tag, "kernel");
  EXPECT_EQ(e.line.msg, "");
  auto f = parse("Nov 17 13:12:50 gw kernel:x y");  // the same bytes begin a longer token
  EXPECT_EQ(f.line.host, "gw");
  EXPECT_EQ(f.line.tag, "");
  EXPECT_EQ(f.line.msg, "kernel:x y");
  EXPECT_EQ(parse("<4>Nov 17 13:12:51 gw kernel: x").line.msg, "x");
  auto h = parse("<4>Nov 17 13:12:51 gw kernel: y");
  EXPECT_EQ(h.line.pri, 4);
  EXPECT_EQ(h.line.ts, utc(2006, 11, 17, 13, 12, 51));
  EXPECT_EQ(h.line.msg, "y");
  auto i = parse("<4>Nov 17 13:12:51 gw kernel[7]: z");
  EXPECT_EQ(i.line.tag, "kernel");
  auto j = parse("Nov 17 13:12:51 gw: z");  // no host: the first token is the tag
  auto k = parse("Nov 17 13:12:51 gw: z2");
  EXPECT_EQ(k.line.host, "");
  EXPECT_EQ(k.line.tag, "gw");
  EXPECT_EQ(k.line.msg, "z2");
  EXPECT_EQ(j.line.ts, k.line.ts);
  auto l = parse("Nov 17 13:12:51.25 gw kernel: a");
  auto m = parse("Nov 17 13:12:51.25 gw kernel: b");
  EXPECT_EQ(m.line.ts, utc(2006, 11, 17, 13, 12, 51) + 0.25);
  EXPECT_EQ(l.line.ts, m.line.ts);
}

TEST_F(SyslogHeaderTest, BsdWithoutHostAndWithoutTag) {
  auto p = parse("Jul  3 19:10:30 filterlog[1]: x,y");
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.host, "");
  EXPECT_EQ(p.line.tag, "filterlog");
  EXPECT_EQ(p.line.msg, "x,y");
  p = parse("Jul  3 19:10:30 DENY: IN=eth0 OUT=");
  EXPECT_EQ(p.line.host, "");
  EXPECT_EQ(p.line.tag, "DENY");
  EXPECT_EQ(p.line.msg, "IN=eth0 OUT=");
  p = parse("Jul  3 19:10:30 Abc-A1 [SOMETHING-1234-A] IN=abc OUT=");
  EXPECT_EQ(p.line.host, "Abc-A1");
  EXPECT_EQ(p.line.tag, "");
  EXPECT_EQ(p.line.msg, "[SOMETHING-1234-A] IN=abc OUT=");
}

TEST_F(SyslogHeaderTest, BsdDayForms) {
  EXPECT_EQ(parse("Nov  7 01:02:03 h t: m").line.ts, utc(2006, 11, 7, 1, 2, 3));
  EXPECT_EQ(parse("Nov 7 01:02:03 h t: m").line.ts, utc(2006, 11, 7, 1, 2, 3));
  EXPECT_EQ(parse("nov 17 1:02:03 h t: m").line.ts, utc(2006, 11, 17, 1, 2, 3));
  auto p = parse("Nov 17 13:12:50.123456 host kernel: x");  // journalctl short-precise
  EXPECT_NEAR(p.line.ts, utc(2006, 11, 17, 13, 12, 50) + 0.123456, 1e-6);
  EXPECT_EQ(p.line.tag, "kernel");
}

TEST_F(SyslogHeaderTest, CiscoForms) {
  auto p = parse("Nov 28 2014 12:59:03: %ASA-6-302021: Teardown");  // ASA logging timestamp
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.ts, utc(2014, 11, 28, 12, 59, 3));
  EXPECT_EQ(p.line.after_ts, "%ASA-6-302021: Teardown");
  p = parse("<191>Jan 24 11:28:30.407: %LINEPROTO-5-UPDOWN: Line protocol");
  ASSERT_EQ(p.result, R::message);
  EXPECT_NEAR(p.line.ts, utc(2006, 1, 24, 11, 28, 30) + 0.407, 1e-6);
  p = parse("<166>Nov 17 2006 13:12:50 fw01 : %ASA-4-106023: Deny");
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(p.line.host, "fw01");
}

TEST_F(SyslogHeaderTest, BsdInSiteZone) {
  const absl::TimeZone chicago = fwtest::chicago();
  reset(2006, &chicago);
  EXPECT_EQ(parse("Nov 17 13:12:50 h k: m").line.ts, utc(2006, 11, 17, 19, 12, 50));
  reset(2006, &chicago);
  EXPECT_EQ(parse("Jul  4 12:00:00 h k: m").line.ts, utc(2006, 7, 4, 17, 0, 0));
}

TEST_F(SyslogHeaderTest, YearRollsOverForwardAndBackWithNotes) {
  EXPECT_EQ(parse("Dec 31 23:59:58 h k: a").line.ts, utc(2006, 12, 31, 23, 59, 58));
  EXPECT_EQ(parse("Jan  1 00:00:01 h k: b").line.ts, utc(2007, 1, 1, 0, 0, 1));
  EXPECT_EQ(parse("Jan  1 00:00:02 h k: c").line.ts, utc(2007, 1, 1, 0, 0, 2));
  // A straggler from before midnight (two hosts merged): the previous year, said so.
  EXPECT_EQ(parse("Dec 31 23:59:59 h k: d").line.ts, utc(2006, 12, 31, 23, 59, 59));
  EXPECT_EQ(parse("Jan  1 00:00:03 h k: e").line.ts, utc(2007, 1, 1, 0, 0, 3));
  ASSERT_EQ(report_.problems.size(), 3u);
  EXPECT_EQ(report_.problems[0].ref, 2u);
  EXPECT_NE(report_.problems[0].what.find("rollover, now 2007"), std::string::npos);
  EXPECT_EQ(report_.problems[1].ref, 4u);
  EXPECT_NE(report_.problems[1].what.find("previous year, 2006"), std::string::npos);
  // A gradual year (Jan .. Dec) never rolls.
  reset(2006);
  for (int m = 0; m < 12; ++m) {
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto p = parse(std::string(kMonths[m]) + " 10 10:00:00 h k: x");
    EXPECT_EQ(p.line.ts, utc(2006, m + 1, 10, 10, 0, 0));
  }
  EXPECT_TRUE(report_.problems.empty());
}

TEST_F(SyslogHeaderTest, MissingYearIsInferredAndSaid) {
  reset(0);
  auto p = parse("Jan  2 03:04:05 h k: m");
  ASSERT_EQ(p.result, R::message);
  ASSERT_EQ(report_.problems.size(), 1u);
  EXPECT_NE(report_.problems[0].what.find("assumed"), std::string::npos);
  EXPECT_GT(p.line.ts, utc(2020, 1, 1, 0, 0, 0));
}

TEST_F(SyslogHeaderTest, Rfc5424) {
  auto p = parse(
      "<134>1 2006-11-17T13:12:50.123+01:00 fw01 filterlog 72237 - "
      "[meta sequenceId=\"1\" note=\"a \\] b\"][x y=\"z\"] \xEF\xBB\xBF"
      "5,,,1000,em0");
  ASSERT_EQ(p.result, R::message);
  EXPECT_NEAR(p.line.ts, utc(2006, 11, 17, 12, 12, 50) + 0.123, 1e-6);
  EXPECT_EQ(p.line.host, "fw01");
  EXPECT_EQ(p.line.tag, "filterlog");
  EXPECT_EQ(p.line.msg, "5,,,1000,em0");
  p = parse("<13>1 2006-11-17T13:12:50Z - - - - - hello");
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.host, "");
  EXPECT_EQ(p.line.tag, "");
  EXPECT_EQ(p.line.msg, "hello");
  EXPECT_EQ(parse("<13>1 - host app - - - no time").result, R::none);
}

TEST_F(SyslogHeaderTest, Rfc3339AndJournalctlIso) {
  auto p = parse("2006-11-17T13:12:50.123456+00:00 host kernel: [  307.757925] IN=eth0");
  ASSERT_EQ(p.result, R::message);
  EXPECT_NEAR(p.line.ts, utc(2006, 11, 17, 13, 12, 50) + 0.123456, 1e-6);
  EXPECT_EQ(p.line.host, "host");
  EXPECT_EQ(p.line.tag, "kernel");
  EXPECT_EQ(p.line.msg, "[  307.757925] IN=eth0");
  p = parse("<6>2021-03-12T14:10:18Z Hostname kernel: x");
  EXPECT_EQ(p.line.ts, utc(2021, 3, 12, 14, 10, 18));
  EXPECT_EQ(p.line.pri, 6);
  p = parse("2006-11-17T13:12:50+0100 host kernel: x");  // short-iso
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 12, 12, 50));
  p = parse("2006-11-17T13:12:50-0530 host kernel: x");
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 18, 42, 50));
}

TEST_F(SyslogHeaderTest, IsoWithoutOffsetIsSiteLocal) {
  const absl::TimeZone chicago = fwtest::chicago();
  reset(2006, &chicago);
  EXPECT_EQ(parse("2006-11-17T13:12:50 host kernel: x").line.ts, utc(2006, 11, 17, 19, 12, 50));
}

TEST_F(SyslogHeaderTest, JournalctlShortFullAndUnix) {
  auto p = parse("Fri 2006-11-17 13:12:50 UTC host kernel: x");
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(p.line.tag, "kernel");
  const absl::TimeZone chicago = fwtest::chicago();
  reset(2006, &chicago);
  EXPECT_EQ(parse("Fri 2006-11-17 13:12:50 CST host kernel: x").line.ts,
            utc(2006, 11, 17, 19, 12, 50));
  p = parse("1163769170.250000 host kernel: x");
  ASSERT_EQ(p.result, R::message);
  EXPECT_DOUBLE_EQ(p.line.ts, 1163769170.25);
  EXPECT_EQ(p.line.host, "host");
}

TEST_F(SyslogHeaderTest, Dmesg) {
  auto p = parse("[Fri Nov 17 13:12:50 2006] [UFW BLOCK] IN=eth0");
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.ts, utc(2006, 11, 17, 13, 12, 50));
  EXPECT_EQ(p.line.host, "");
  EXPECT_EQ(p.line.msg, "[UFW BLOCK] IN=eth0");
  p = parse("2006-11-17T13:12:50,123456+01:00 IN=eth0 OUT=");
  ASSERT_EQ(p.result, R::message);
  EXPECT_NEAR(p.line.ts, utc(2006, 11, 17, 12, 12, 50) + 0.123456, 1e-6);
  EXPECT_EQ(p.line.host, "");
  EXPECT_EQ(p.line.msg, "IN=eth0 OUT=");
  EXPECT_EQ(parse("[ 1234.567890] IN=eth0 OUT=").result, R::none);  // uptime only
}

TEST_F(SyslogHeaderTest, JournalExport) {
  EXPECT_EQ(parse("__CURSOR=s=abc;i=1").result, R::consumed);
  EXPECT_EQ(parse("__REALTIME_TIMESTAMP=1163769170123456").result, R::consumed);
  EXPECT_EQ(parse("_TRANSPORT=kernel").result, R::consumed);
  auto p = parse("MESSAGE=[UFW BLOCK] IN=eth0 OUT=");
  ASSERT_EQ(p.result, R::message);
  EXPECT_NEAR(p.line.ts, 1163769170.123456, 1e-6);
  EXPECT_EQ(p.line.msg, "[UFW BLOCK] IN=eth0 OUT=");
  EXPECT_EQ(parse("").result, R::consumed);
  // A MESSAGE before any timestamp of its entry cannot be placed in time.
  EXPECT_EQ(parse("MESSAGE=orphan").result, R::none);
}

TEST_F(SyslogHeaderTest, RejectsWhatIsNotAHeader) {
  for (std::string_view bad :
       {"", "hello world", "Feb 30 12:00:00 h k: m", "Nov 17 25:00:00 h k: m",
        "Nov 17 13:61:00 h k: m", "Foo 17 13:12:50 h k: m", "Nov 17 13:12", "<999>Nov", "<13>",
        "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST http://x/ -",
        "2006-13-17T13:12:50Z h k: m", "\x01\x02\xff\xfe", "Nov\x00 17 13:12:50 h k: m"}) {
    auto p = parse(bad);
    if (bad.starts_with("990049564")) {
      // The Squid line has the short-unix shape; readers must not rely on the header alone.
      continue;
    }
    EXPECT_EQ(p.result, R::none) << bad;
  }
}

TEST_F(SyslogHeaderTest, HostileBytesAreKeptAsData) {
  using namespace std::string_literals;
  const std::string line = "Nov 17 13:12:50 h\x1b[31m k: <b>\0x</b>"s;
  auto p = parse(line);
  ASSERT_EQ(p.result, R::message);
  EXPECT_EQ(p.line.host, "h\x1b[31m");
  EXPECT_EQ(p.line.msg, "<b>\0x</b>"s);
}

TEST(TimestampPieces, IsoAndClock) {
  CivilStamp st;
  std::string_view s = "2006-11-17 13:12:50,5Z rest";
  ASSERT_TRUE(take_iso_datetime(s, st));
  EXPECT_EQ(s, " rest");
  EXPECT_TRUE(st.has_offset);
  EXPECT_DOUBLE_EQ(st.fraction, 0.5);
  LocalClock clock(nullptr);
  double t = 0;
  ASSERT_TRUE(stamp_to_unix(st, clock, t));
  EXPECT_DOUBLE_EQ(t, utc(2006, 11, 17, 13, 12, 50) + 0.5);
  s = "2006/11/7";
  ASSERT_TRUE(take_ymd(s, st));
  EXPECT_EQ(st.month, 11);
  EXPECT_EQ(st.day, 7);
  s = "9:05";
  EXPECT_FALSE(take_clock(s, st));
}

}  // namespace
}  // namespace callhome
