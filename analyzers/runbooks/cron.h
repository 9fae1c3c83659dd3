#pragma once
// Cron expressions as Vixie cron (Debian's cron) reads them: five fields (minute hour
// day-of-month month day-of-week), numbers, `*`, ranges `a-b`, steps `*/n` `a-b/n` `a/n`
// (= a-max/n), lists, month and weekday names (JAN..DEC, SUN..SAT, any case, also in
// ranges), 0 and 7 both Sunday, and the macros @yearly @annually @monthly @weekly @daily
// @midnight @hourly. Day matching follows Vixie: when day-of-month and day-of-week are both
// restricted (neither field starts with `*`), a day matches if EITHER matches; otherwise
// both must. `@reboot` parses as a valid non-time schedule (CronExpression::atReboot).
// Values are immutable after parsing and safe to share between threads.

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/runbooks/cadence.h"

namespace ddd::analyzers::runbooks {

// A malformed expression: the message names the expression, the field and what is wrong
// ('cron "61 * * * *": minute field "61": 61 is out of range 0-59').
class CronError : public std::runtime_error {
 public:
  CronError(const std::string& message, std::string field)
      : std::runtime_error(message), field_(std::move(field)) {}
  // "minute", "hour", "day-of-month", "month", "day-of-week", or "" (the whole expression).
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// An unknown IANA time zone name (the message names it).
class TimeZoneError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CronExpression {
 public:
  // Throws CronError. Leading/trailing blanks are ignored; fields are separated by blanks.
  static CronExpression parse(std::string_view text);

  bool atReboot() const { return reboot_; }  // "@reboot": runs at boot, never by the clock

  // The matching sets (Sunday = 0 in daysOfWeek; 7 is folded into 0).
  const std::bitset<60>& minutes() const { return minutes_; }
  const std::bitset<24>& hours() const { return hours_; }
  const std::bitset<32>& daysOfMonth() const { return daysOfMonth_; }  // bits 1..31
  const std::bitset<13>& months() const { return months_; }            // bits 1..12
  const std::bitset<7>& daysOfWeek() const { return daysOfWeek_; }
  // True when a day must match day-of-month OR day-of-week (both fields restricted).
  bool dayOr() const { return dayOr_; }

  // The canonical five-field form: macros expanded, names as numbers, sets written as
  // `*`, `*/n`, `a-b`, `a-b/n` and lists. Parsing it gives the same schedule; two
  // expressions with the same normalized() run at the same times. "@reboot" stays as is.
  std::string normalized() const;
  // Plain English: "every 15 minutes", "at 03:00 every Monday", "at 00:00 on day 1 of the
  // month", "at 04:30 on Monday to Friday in January".
  std::string describe() const;
  // How often it runs (several runs a day -> SubDaily; else by the average gap between
  // run days over four years). @reboot -> Irregular.
  Cadence cadence() const;

  bool matches(std::chrono::sys_seconds t) const;  // in UTC, at minute resolution

  // The first run strictly after `after`, in UTC; nullopt when there is none within the
  // next 28 years (e.g. "0 0 30 2 *") or for @reboot.
  std::optional<std::chrono::sys_seconds> next(std::chrono::sys_seconds after) const;
  // The next `count` runs strictly after `after`, the fields read as wall-clock time in
  // `timeZone` (an IANA name such as "Europe/Berlin"; "" or "UTC" = UTC), returned in
  // UTC. Across daylight-saving changes: a wall-clock time that does not exist is
  // skipped, one that exists twice runs once, at its first occurrence. Zones come from
  // the system's zoneinfo through date/tz, which stops at the files' last explicit
  // transition (2037): later times keep the offset in force then. Throws TimeZoneError
  // for an unknown zone.
  std::vector<std::chrono::sys_seconds> nextRuns(std::chrono::sys_seconds after, size_t count,
                                                 std::string_view timeZone = "UTC") const;

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> daysOfMonth_;
  std::bitset<13> months_;
  std::bitset<7> daysOfWeek_;
  bool domStar_ = true;  // the day-of-month field started with '*'
  bool dowStar_ = true;
  bool dayOr_ = false;
  bool reboot_ = false;
  std::string domText_, dowText_;  // as written (lower case), for normalized()

  bool dayMatches(int year, unsigned month, unsigned day, unsigned weekday) const;
  // The first matching wall-clock minute at or after `from` (minutes since the epoch,
  // read as local time), or nullopt past `limit`.
  std::optional<int64_t> nextLocalMinute(int64_t from, int64_t limit) const;
};

// Formats a time as ISO 8601 UTC, "2026-03-01T03:00:00Z" (for messages and tests).
std::string formatUtc(std::chrono::sys_seconds t);

}  // namespace ddd::analyzers::runbooks
