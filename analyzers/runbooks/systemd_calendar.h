#pragma once
// systemd timer schedules as systemd.time(7) defines them: calendar events (OnCalendar=,
// "Mon..Fri *-*-* 03:00:00", "daily", "*-*~01", "Mon 10:00 Europe/Berlin") and time spans
// (OnUnitActiveSec=, OnBootSec=: "1h 30min", "2d", "90"). normalized() prints what
// `systemd-analyze calendar` / `timespan` print. Not supported (a clear error instead):
// fractional seconds and the one-off timestamps ("today", "2026-01-01 10:00" is fine as a
// calendar event, "@1700000000" is not) and a repetition after "~" ("*-*~2/1"). ddd
// accepts some "~" lists systemd refuses ("*-*~5,27"). Values are immutable and thread-safe.

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/runbooks/cadence.h"

namespace ddd::analyzers::runbooks {

// A malformed calendar event or time span; the message names the text and the part
// ('OnCalendar "Mon *-*-* 25:00": hour 25 is out of range 0-23').
class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CalendarSpec {
 public:
  // Throws CalendarError.
  static CalendarSpec parse(std::string_view text);

  // As `systemd-analyze calendar` prints it: "Mon..Fri *-*-* 03:00:00", "*-*-01 00:00:00",
  // "Mon *-*-* 10:00:00 Europe/Berlin".
  std::string normalized() const;
  // The zone named at the end of the expression ("UTC", "Europe/Berlin"), or "" when the
  // event is in the host's local time (systemd's default).
  const std::string& timeZone() const { return timeZone_; }
  // The same schedule as a five-field cron expression, when one exists: whole minutes,
  // every year, no "~" days, and not both day-of-month and weekday restricted (systemd
  // requires both, cron either). The zone is not part of it.
  std::optional<std::string> cronEquivalent() const;
  // The same schedule as an RFC 5545 RRULE value, when one exists (every year): FREQ=DAILY
  // with BYHOUR / BYMINUTE / BYSECOND expanding a day and BYMONTH / BYMONTHDAY / BYDAY
  // limiting it, which is systemd's "day and weekday" reading; "~" days are negative
  // BYMONTHDAY. The zone is not part of it.
  std::optional<std::string> rrule() const;
  std::string describe() const;  // "at 03:00 on Monday to Friday"
  Cadence cadence() const;

  // The next `count` elapses strictly after `after`, in UTC; the event's own zone if it
  // names one, else `hostTimeZone` ("UTC" or an IANA name). Daylight-saving changes as in
  // CronExpression::nextRuns. Throws TimeZoneError (cron.h) for an unknown zone.
  std::vector<std::chrono::sys_seconds> nextRuns(std::chrono::sys_seconds after, size_t count,
                                                 std::string_view hostTimeZone = "UTC") const;

 private:
  struct Component {
    int start = 0;
    int stop = -1;   // -1: a single value (or, with repeat, up to the field's maximum)
    int repeat = 0;  // 0: none
  };
  using Chain = std::vector<Component>;  // empty: '*'

  std::bitset<7> weekdays_;  // Monday = 0 ... Sunday = 6, as systemd; all set: any day
  Chain years_, months_, days_, hours_, minutes_, seconds_;
  bool daysFromEnd_ = false;  // "~": days counted back from the month's last day
  std::string timeZone_;

  // Expanded sets (seconds/minutes 0-59, hours 0-23, days 1-31, months 1-12).
  std::bitset<60> secondSet_, minuteSet_;
  std::bitset<24> hourSet_;
  std::bitset<32> daySet_;
  std::bitset<13> monthSet_;

  void expand();
  bool yearMatches(int year) const;
  bool dayMatches(int year, unsigned month, unsigned day, unsigned weekdayMon0) const;
  std::optional<int64_t> nextLocalSecond(int64_t from, int64_t limit) const;
};

// A systemd time span ("1h 30min", "2 weeks", "90" = seconds).
class TimeSpan {
 public:
  static TimeSpan parse(std::string_view text);  // throws CalendarError
  std::chrono::microseconds value() const { return value_; }
  // As `systemd-analyze timespan` prints it ("Human:"): "1d 12h", "1min 30s", "1month".
  std::string normalized() const;
  std::string describe() const;  // "1 day 12 hours"
  // A task repeated this often: under a day -> SubDaily, then by cadenceForInterval.
  Cadence cadence() const;

 private:
  std::chrono::microseconds value_{0};
};

}  // namespace ddd::analyzers::runbooks
