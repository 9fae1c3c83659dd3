// The cron parser (analyzers/runbooks/cron.h): Vixie cron syntax and semantics, errors
// naming the field, descriptions, cadence buckets, time zones, and next run times
// compared with Debian's python3-croniter on generated expressions in this run.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "analyzers/runbooks/cron.h"
#include "tests/analyzers/runbooks_cron_gen.h"
#include "tests/support/test_repo.h"

namespace {

using ddd::testing::generatedExpressions;
using ddd::analyzers::runbooks::Cadence;
using ddd::analyzers::runbooks::CronError;
using ddd::analyzers::runbooks::CronExpression;
using ddd::analyzers::runbooks::formatUtc;
using ddd::analyzers::runbooks::TimeZoneError;
using std::chrono::sys_seconds;

sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_seconds{std::chrono::sys_days{std::chrono::year{y} / mo / d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::vector<std::string> runs(const std::string& expr, sys_seconds after, size_t n,
                              const std::string& tz = "UTC") {
  std::vector<std::string> out;
  for (auto t : CronExpression::parse(expr).nextRuns(after, n, tz)) out.push_back(formatUtc(t));
  return out;
}

std::string errorOf(const std::string& expr, std::string* field = nullptr) {
  try {
    CronExpression::parse(expr);
  } catch (const CronError& e) {
    if (field) *field = e.field();
    return e.what();
  }
  return "";
}

TEST(RunbooksCron, ParsesFieldsRangesStepsAndLists) {
  auto c = CronExpression::parse("5,10-12 */6 1-31/10 * 1-5");
  EXPECT_EQ(c.minutes().count(), 4u);
  EXPECT_TRUE(c.minutes()[5] && c.minutes()[10] && c.minutes()[11] && c.minutes()[12]);
  EXPECT_EQ(c.hours().count(), 4u);  // 0 6 12 18
  EXPECT_TRUE(c.hours()[18]);
  EXPECT_TRUE(c.daysOfMonth()[1] && c.daysOfMonth()[11] && c.daysOfMonth()[21] &&
              c.daysOfMonth()[31]);
  EXPECT_EQ(c.daysOfMonth().count(), 4u);
  EXPECT_EQ(c.daysOfWeek().count(), 5u);
  EXPECT_TRUE(c.dayOr());
  EXPECT_EQ(c.normalized(), "5,10-12 */6 1-31/10 * 1-5");
}

TEST(RunbooksCron, NamesAreCaseInsensitiveAndSundayIsZeroOrSeven) {
  auto a = CronExpression::parse("0 0 * jan,Jul,DEC sun");
  auto b = CronExpression::parse("0 0 * 1,7,12 7");
  EXPECT_EQ(a.normalized(), b.normalized());
  EXPECT_EQ(a.normalized(), "0 0 * 1,7,12 0");
  EXPECT_EQ(CronExpression::parse("0 0 * * FRI-SUN").normalized(), "0 0 * * 0,5,6");
  EXPECT_EQ(CronExpression::parse("0 0 * * 0-7").normalized(), "0 0 * * *");
  EXPECT_EQ(CronExpression::parse("0 0 * * mon-fri").normalized(), "0 0 * * 1-5");
  EXPECT_EQ(CronExpression::parse("15/20 * * * *").normalized(), "15-55/20 * * * *");
}

TEST(RunbooksCron, MacrosExpandAndRebootIsNotATimeSchedule) {
  EXPECT_EQ(CronExpression::parse("@yearly").normalized(), "0 0 1 1 *");
  EXPECT_EQ(CronExpression::parse("@annually").normalized(), "0 0 1 1 *");
  EXPECT_EQ(CronExpression::parse("@monthly").normalized(), "0 0 1 * *");
  EXPECT_EQ(CronExpression::parse("@WEEKLY").normalized(), "0 0 * * 0");
  EXPECT_EQ(CronExpression::parse("@daily").normalized(), "0 0 * * *");
  EXPECT_EQ(CronExpression::parse("@midnight").normalized(), "0 0 * * *");
  EXPECT_EQ(CronExpression::parse("@hourly").normalized(), "0 * * * *");
  auto reboot = CronExpression::parse("@reboot");
  EXPECT_TRUE(reboot.atReboot());
  EXPECT_EQ(reboot.normalized(), "@reboot");
  EXPECT_EQ(reboot.cadence(), Cadence::Irregular);
  EXPECT_TRUE(reboot.nextRuns(utc(2026, 1, 1), 3).empty());
  EXPECT_FALSE(reboot.next(utc(2026, 1, 1)).has_value());
}

TEST(RunbooksCron, ErrorsNameTheFieldAndWhatIsWrong) {
  std::string field;
  EXPECT_NE(errorOf("61 * * * *", &field).find("minute field \"61\": 61 is out of range 0-59"),
            std::string::npos);
  EXPECT_EQ(field, "minute");
  EXPECT_NE(errorOf("0 24 * * *", &field).find("out of range 0-23"), std::string::npos);
  EXPECT_EQ(field, "hour");
  EXPECT_NE(errorOf("0 0 0 * *", &field).find("day-of-month field \"0\""), std::string::npos);
  EXPECT_NE(errorOf("0 0 * foo *", &field).find("unknown name \"foo\""), std::string::npos);
  EXPECT_EQ(field, "month");
  EXPECT_NE(errorOf("0 0 * * 8", &field).find("out of range 0-7"), std::string::npos);
  EXPECT_EQ(field, "day-of-week");
  EXPECT_NE(errorOf("0 0 * * 5-2").find("range 5-2 runs backwards"), std::string::npos);
  EXPECT_NE(errorOf("*/0 * * * *").find("a step of 0"), std::string::npos);
  EXPECT_NE(errorOf("*/ * * * *").find("step after '/' is missing"), std::string::npos);
  EXPECT_NE(errorOf("1,,2 * * * *").find("empty list element"), std::string::npos);
  EXPECT_NE(errorOf("0 0 * *", &field).find("expected 5 fields"), std::string::npos);
  EXPECT_EQ(field, "");
  EXPECT_NE(errorOf("0 0 * * * /usr/bin/backup").find("found 6"), std::string::npos);
  EXPECT_NE(errorOf("@fortnightly").find("unknown macro"), std::string::npos);
  EXPECT_NE(errorOf("").find("empty"), std::string::npos);
  EXPECT_NE(errorOf("0 0 L * *").find("day-of-month"), std::string::npos);
  EXPECT_NE(errorOf("0 0 * * 1#2").find("unexpected '#'"), std::string::npos);
  EXPECT_NE(errorOf("0 0 * * 99999").find("number too long"), std::string::npos);
  EXPECT_NE(errorOf("0 0 * * \xc3\xa9").find("non-ASCII"), std::string::npos);
  // Every error names the expression.
  EXPECT_NE(errorOf("0 0 * * 8").find("cron \"0 0 * * 8\""), std::string::npos);
}

TEST(RunbooksCron, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // Vixie: both restricted -> either matches; one starts with '*' -> both must match.
  auto either = CronExpression::parse("0 0 13 * 5");
  EXPECT_TRUE(either.dayOr());
  EXPECT_TRUE(either.matches(utc(2026, 3, 13)));  // Friday 13th
  EXPECT_TRUE(either.matches(utc(2026, 3, 6)));   // a Friday
  EXPECT_TRUE(either.matches(utc(2026, 4, 13)));  // a Monday, the 13th
  auto both = CronExpression::parse("0 0 */2 * 5");
  EXPECT_FALSE(both.dayOr());
  EXPECT_TRUE(both.matches(utc(2026, 3, 13)));   // Friday 13th (odd)
  EXPECT_FALSE(both.matches(utc(2026, 3, 15)));  // Sunday 15th (odd, not a Friday)
  EXPECT_TRUE(both.matches(utc(2026, 3, 27)));   // Friday 27th (odd)
  EXPECT_FALSE(both.matches(utc(2026, 3, 20)));  // Friday 20th (even)
  EXPECT_EQ(both.normalized(), "0 0 */2 * 5");
  // A full day-of-month written as a range still counts as restricted: every day runs.
  EXPECT_EQ(CronExpression::parse("0 0 1-31 * 1").normalized(), "0 0 * * *");
}

TEST(RunbooksCron, DescribesInPlainEnglish) {
  auto d = [](const char* e) { return CronExpression::parse(e).describe(); };
  EXPECT_EQ(d("0 3 * * 1"), "at 03:00 every Monday");
  EXPECT_EQ(d("*/15 * * * *"), "every 15 minutes");
  EXPECT_EQ(d("* * * * *"), "every minute");
  EXPECT_EQ(d("0 * * * *"), "every hour");
  EXPECT_EQ(d("30 * * * *"), "every hour at minute 30");
  EXPECT_EQ(d("0 */6 * * *"), "at 00:00, 06:00, 12:00 and 18:00 every day");
  EXPECT_EQ(d("0 */2 * * *"), "every 2 hours");
  EXPECT_EQ(d("30 4 * * *"), "at 04:30 every day");
  EXPECT_EQ(d("30 4 * * 1-5"), "at 04:30 on Monday to Friday");
  EXPECT_EQ(d("0 0 1 * *"), "at 00:00 on day 1 of the month");
  EXPECT_EQ(d("@yearly"), "at 00:00 on 1 January");
  EXPECT_EQ(d("0 2 1,15 * *"), "at 02:00 on days 1 and 15 of the month");
  EXPECT_EQ(d("0 0 13 * 5"), "at 00:00 on day 13 of the month or every Friday");
  EXPECT_EQ(d("*/10 9-17 * * mon-fri"), "every 10 minutes from 09:00 to 17:59 on Monday to Friday");
  EXPECT_EQ(d("0 5 * jan,jul *"), "at 05:00 every day in January and July");
  EXPECT_EQ(d("0 0 1 */3 *"), "at 00:00 on day 1 of the month in January, April, July and October");
  EXPECT_EQ(d("@reboot"), "at every boot");
}

TEST(RunbooksCron, CadenceBuckets) {
  auto c = [](const char* e) { return CronExpression::parse(e).cadence(); };
  EXPECT_EQ(c("*/5 * * * *"), Cadence::SubDaily);
  EXPECT_EQ(c("0 0,12 * * *"), Cadence::SubDaily);
  EXPECT_EQ(c("@daily"), Cadence::Daily);
  EXPECT_EQ(c("0 3 * * 1-5"), Cadence::Daily);
  EXPECT_EQ(c("0 3 * * 1"), Cadence::Weekly);
  EXPECT_EQ(c("0 3 * * 1,4"), Cadence::Weekly);
  EXPECT_EQ(c("@monthly"), Cadence::Monthly);
  EXPECT_EQ(c("0 0 1,15 * *"), Cadence::Monthly);  // every ~15 days: over 10 days is not weekly
  EXPECT_EQ(c("0 0 1 1,4,7,10 *"), Cadence::Quarterly);
  EXPECT_EQ(c("@yearly"), Cadence::Annual);
  EXPECT_EQ(c("0 0 30 2 *"), Cadence::Irregular);  // never
}

TEST(RunbooksCron, NextRunsInUtc) {
  EXPECT_EQ(runs("0 3 * * 1", utc(2026, 3, 1, 12), 2),
            (std::vector<std::string>{"2026-03-02T03:00:00Z", "2026-03-09T03:00:00Z"}));
  // Strictly after: a run at exactly `after` is not returned.
  EXPECT_EQ(runs("0 3 * * *", utc(2026, 3, 1, 3), 1),
            (std::vector<std::string>{"2026-03-02T03:00:00Z"}));
  EXPECT_EQ(runs("0 0 29 2 *", utc(2026, 1, 1), 2),
            (std::vector<std::string>{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}));
  EXPECT_TRUE(runs("0 0 30 2 *", utc(2026, 1, 1), 1).empty());
  EXPECT_EQ(runs("59 23 31 12 *", utc(2026, 12, 31, 23, 59, 30), 1),
            (std::vector<std::string>{"2027-12-31T23:59:00Z"}));
  EXPECT_EQ(runs("* * * * *", utc(1969, 12, 31, 23, 58, 10), 2),
            (std::vector<std::string>{"1969-12-31T23:59:00Z", "1970-01-01T00:00:00Z"}));
}

TEST(RunbooksCron, NextRunsInATimeZoneAcrossDaylightSaving) {
  // Berlin: CET (+1) in winter, CEST (+2) from 2026-03-29 02:00 to 2026-10-25 03:00.
  EXPECT_EQ(runs("0 3 * * *", utc(2026, 1, 10), 1, "Europe/Berlin"),
            (std::vector<std::string>{"2026-01-10T02:00:00Z"}));
  EXPECT_EQ(runs("0 3 * * *", utc(2026, 7, 10), 1, "Europe/Berlin"),
            (std::vector<std::string>{"2026-07-10T01:00:00Z"}));
  // 02:30 does not exist on 29 March: that day is skipped.
  EXPECT_EQ(runs("30 2 * * *", utc(2026, 3, 28, 12), 2, "Europe/Berlin"),
            (std::vector<std::string>{"2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z"}));
  // 02:30 happens twice on 25 October: it runs once, at the first (CEST) one.
  EXPECT_EQ(runs("30 2 * * *", utc(2026, 10, 24, 12), 2, "Europe/Berlin"),
            (std::vector<std::string>{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}));
  // Hourly jobs keep running through the change, without repeating the repeated hour.
  EXPECT_EQ(runs("0 * * * *", utc(2026, 10, 24, 23, 30), 4, "Europe/Berlin"),
            (std::vector<std::string>{"2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z",
                                      "2026-10-25T03:00:00Z", "2026-10-25T04:00:00Z"}));
  EXPECT_EQ(runs("0 9 * * 1", utc(2026, 1, 1), 1, "America/New_York"),
            (std::vector<std::string>{"2026-01-05T14:00:00Z"}));
  EXPECT_THROW(runs("0 9 * * 1", utc(2026, 1, 1), 1, "Mars/Olympus"), TimeZoneError);
}

// --- generated expressions ----------------------------------------------------------------

TEST(RunbooksCron, NormalizedFormParsesToTheSameSchedule) {
  for (const std::string& e : generatedExpressions(1000, 7)) {
    auto c = CronExpression::parse(e);
    auto again = CronExpression::parse(c.normalized());
    EXPECT_EQ(again.normalized(), c.normalized()) << e;
    EXPECT_EQ(runs(c.normalized(), utc(2026, 2, 3, 4, 5), 5), runs(e, utc(2026, 2, 3, 4, 5), 5))
        << e << " vs " << c.normalized();
    EXPECT_FALSE(c.describe().empty());
  }
}

// The next five runs of 600 generated expressions from two start times, against
// croniter. croniter decides "day-of-month OR day-of-week" on the expanded sets (a full
// set counts as '*'), Vixie on whether the field starts with '*'; the script applies
// Vixie's rule itself before asking croniter (day_or, and a full restricted set making
// every day match), so both sides answer the same question. The script also walks the
// calendar day by day over croniter's own expanded sets (an oracle that shares nothing
// with either next-time computation): where croniter's get_next disagrees with that walk
// (croniter 1.3.5 skips e.g. 1 March for "*/29" after 27 February), ddd must equal the walk.
TEST(RunbooksCron, NextRunsEqualPythonCroniter) {
  if (ddd::testing::runCommand("/usr/bin/python3 -c 'import croniter'").exitCode != 0) {
    FAIL() << "/usr/bin/python3 with Debian's python3-croniter is needed for this test: run "
              "deploy/setup.sh (apt-get install python3-croniter)";
  }
  ddd::testing::TempDir dir;
  const std::vector<std::string> exprs = generatedExpressions(600, 20260301);
  std::ostringstream list;
  for (const auto& e : exprs) list << e << "\n";
  ddd::testing::writeFile(dir.path() / "exprs.txt", list.str());
  ddd::testing::writeFile(dir.path() / "ref.py", R"PY(
import datetime, sys
from croniter import croniter, CroniterBadDateError
starts = [datetime.datetime.fromtimestamp(int(s), datetime.timezone.utc) for s in sys.argv[2:]]

def walk(expanded, day_or, start, n):
    full = lambda s, lo, hi: s == ['*'] and list(range(lo, hi + 1)) or sorted(s)
    mins, hours = full(expanded[0], 0, 59), full(expanded[1], 0, 23)
    doms, months = set(full(expanded[2], 1, 31)), set(full(expanded[3], 1, 12))
    dows = set(v % 7 for v in full(expanded[4], 0, 6))
    out, day = [], start.replace(hour=0, minute=0, second=0, microsecond=0)
    end = day + datetime.timedelta(days=28 * 366)
    while len(out) < n and day < end:
        dom, dow = day.day in doms, day.isoweekday() % 7 in dows
        if day.month in months and ((dom or dow) if day_or else (dom and dow)):
            for h in hours:
                for m in mins:
                    t = day.replace(hour=h, minute=m)
                    if t > start and len(out) < n:
                        out.append(t)
        day += datetime.timedelta(days=1)
    return [t.strftime('%Y-%m-%dT%H:%M:%SZ') for t in out]

for line in open(sys.argv[1]):
    expr = line.strip()
    f = expr.split()
    day_or = not (f[2].startswith('*') or f[4].startswith('*'))
    if day_or:
        expanded, _ = croniter.expand(expr)
        if expanded[2] == ['*'] or expanded[4] == ['*']:
            f[2] = f[4] = '*'
            expr = ' '.join(f)
    expanded, _ = croniter.expand(expr)
    for start in starts:
        it = croniter(expr, start, ret_type=datetime.datetime, day_or=day_or)
        out = []
        try:
            for _ in range(5):
                out.append(it.get_next().strftime('%Y-%m-%dT%H:%M:%SZ'))
        except CroniterBadDateError:
            pass
        print((' '.join(out) if out else 'none') + '|' +
              (' '.join(walk(expanded, day_or, start, 5)) or 'none'))
)PY");
  const std::vector<sys_seconds> starts = {utc(2026, 2, 27, 23, 59), utc(2027, 12, 31, 22, 17, 42)};
  std::string cmd = "/usr/bin/python3 " + (dir.path() / "ref.py").string() + " " +
                    (dir.path() / "exprs.txt").string();
  for (auto s : starts) cmd += " " + std::to_string(s.time_since_epoch().count());
  const auto ref = ddd::testing::runCommand(cmd);
  ASSERT_EQ(ref.exitCode, 0) << ref.output;
  std::istringstream lines(ref.output);
  size_t compared = 0, equalToCroniter = 0, croniterWrong = 0, mismatches = 0;
  for (const auto& e : exprs) {
    for (auto s : starts) {
      std::string line;
      ASSERT_TRUE(std::getline(lines, line)) << "croniter printed too few lines";
      const size_t bar = line.find('|');
      ASSERT_NE(bar, std::string::npos) << line;
      const std::string croniter = line.substr(0, bar), walked = line.substr(bar + 1);
      std::string ours;
      for (const auto& t : runs(e, s, 5)) {
        if (!ours.empty()) ours += ' ';
        ours += t;
      }
      if (ours.empty()) ours = "none";
      ++compared;
      if (ours == croniter) {
        ++equalToCroniter;
      } else if (croniter != walked && ours == walked) {
        ++croniterWrong;
      } else {
        ++mismatches;
        ADD_FAILURE() << "\"" << e << "\" after " << formatUtc(s) << "\n  ddd:      " << ours
                      << "\n  croniter: " << croniter << "\n  walk:     " << walked;
        if (mismatches > 10) return;
      }
    }
  }
  EXPECT_EQ(compared, exprs.size() * starts.size());
  // croniter's own slips must stay rare, or the comparison would prove little.
  EXPECT_LT(croniterWrong * 50, compared) << croniterWrong << " croniter slips";
  std::cout << "[ croniter ] " << equalToCroniter << " of " << compared << " equal to croniter; "
            << croniterWrong
            << " where croniter's get_next disagrees with the calendar walk and ddd equals it\n";
}

}  // namespace
