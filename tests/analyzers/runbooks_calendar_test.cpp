// renderCalendar (analyzers/runbooks/schedule.h): RFC 5545 form (CRLF, folding at 75
// octets, escaping), determinism, and the occurrences its RRULEs give — expanded by
// Debian's python3-dateutil after parsing with python3-icalendar — equal to the cron
// parser's next runs, for generated expressions in UTC and in two time zones.

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/schedule.h"
#include "analyzers/runbooks/systemd_calendar.h"
#include "analyzers/runbooks/wording.h"
#include "tests/analyzers/runbooks_cron_gen.h"
#include "tests/support/test_repo.h"

namespace {

using namespace ddd::analyzers::runbooks;
using std::chrono::sys_seconds;


Schedule scheduleOf(const std::string& cron, const std::string& path, uint32_t line,
                    const std::string& zone = "UTC") {
  Schedule s;
  s.source = {path, line};
  s.origin = "crontab";
  s.expression = cron;
  const CronExpression c = CronExpression::parse(cron);
  s.normalized = c.normalized();
  s.description = c.describe();
  s.cadence = c.cadence();
  s.timezone = zone;
  s.name = "job " + std::to_string(line);
  s.command = "/usr/bin/job";
  s.component = "ops";
  return s;
}

std::vector<std::string> unfoldedLines(const std::string& ics) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < ics.size()) {
    size_t end = ics.find("\r\n", start);
    if (end == std::string::npos) break;
    std::string line = ics.substr(start, end - start);
    if (!line.empty() && line[0] == ' ' && !out.empty()) {
      out.back() += line.substr(1);
    } else {
      out.push_back(line);
    }
    start = end + 2;
  }
  return out;
}

TEST(RunbooksCalendar, FoldsEscapesAndEndsLinesWithCrlf) {
  Schedule s = scheduleOf("0 3 * * 1", "ops/crontab", 4);
  s.command = "/usr/bin/backup --targets=a,b;c \\ \"quoted\" and a very long tail that goes on "
              "and on past seventy-five octets with ünïcödé in it ✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓";
  s.details = {"user: root", "line\nbreak"};
  const std::string ics = renderCalendar({s});
  // Every line ends with CRLF, none is longer than 75 octets, no bare LF.
  size_t start = 0;
  while (start < ics.size()) {
    size_t end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
    EXPECT_EQ(ics.substr(start, end - start).find('\n'), std::string::npos);
    // A fold never splits a UTF-8 sequence: a continuation line doesn't start with one.
    if (ics[start] == ' ' && end > start + 1) {
      EXPECT_NE(static_cast<unsigned char>(ics[start + 1]) & 0xc0, 0x80);
    }
    start = end + 2;
  }
  const auto lines = unfoldedLines(ics);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  std::string description;
  for (const auto& l : lines)
    if (l.rfind("DESCRIPTION:", 0) == 0) description = l;
  EXPECT_NE(description.find("--targets=a\\,b\\;c \\\\ \"quoted\""), std::string::npos)
      << description;
  EXPECT_NE(description.find("line\\nbreak"), std::string::npos);
  EXPECT_NE(description.find("Source: ops/crontab:4 (crontab: 0 3 * * 1)"), std::string::npos);
  EXPECT_NE(description.find("ünïcödé"), std::string::npos);
  // Anchored at 2024-01-01T00:00:00Z (a Monday), whenever it runs.
  const std::vector<std::string> expected = {"DTSTAMP:20240101T000000Z",
                                             "DTSTART:20240101T030000Z",
                                             "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=3;BYMINUTE=0",
                                             "SUMMARY:[ops] job 4", "CATEGORIES:weekly"};
  for (const auto& e : expected) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), e), lines.end()) << e << "\n" << ics;
  }
}

TEST(RunbooksCalendar, DeterministicAndSkipsWhatNoRuleCanSay) {
  std::vector<Schedule> all = {scheduleOf("*/15 * * * *", "a", 1),
                               scheduleOf("0 0 13 * 5", "a", 2),  // day 13 OR Friday: two events
                               scheduleOf("@reboot", "a", 3), scheduleOf("@monthly", "a", 4),
                               scheduleOf("0 0 30 2 *", "a", 5)};  // never runs
  Schedule logrotate;
  logrotate.source = {"b", 1};
  logrotate.expression = "size";
  all.push_back(logrotate);  // neither a normalized form nor an interval: no event
  logrotate.expression = "weekly";
  logrotate.rrule = "FREQ=WEEKLY";
  all.push_back(logrotate);  // an interval from an unknown start: an all-day event
  Schedule timer = logrotate;
  timer.source = {"t.timer", 3};
  timer.expression = "OnUnitActiveSec=15min";
  timer.rrule = "FREQ=MINUTELY;INTERVAL=15";
  all.push_back(timer);
  Schedule badZone = scheduleOf("0 1 * * *", "c", 1, "Mars/Olympus");
  all.push_back(badZone);
  const std::string a = renderCalendar(all), b = renderCalendar(all);
  EXPECT_EQ(a, b);
  size_t events = 0;
  for (const auto& l : unfoldedLines(a)) events += l == "BEGIN:VEVENT" ? 1 : 0;
  EXPECT_EQ(events, 6u);  // */15, day 13 and Friday (two), @monthly, logrotate weekly, OnUnitActiveSec
  EXPECT_NE(a.find("RRULE:FREQ=MONTHLY;BYMONTHDAY=13;BYHOUR=0;BYMINUTE=0\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("RRULE:FREQ=WEEKLY;BYDAY=FR;BYHOUR=0;BYMINUTE=0\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("RRULE:FREQ=MINUTELY;INTERVAL=15\r\n"), std::string::npos);
  EXPECT_NE(a.find("RRULE:FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=0;BYMINUTE=0\r\n"), std::string::npos);
  EXPECT_NE(a.find("DTSTART;VALUE=DATE:20240101\r\nRRULE:FREQ=WEEKLY\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("DTSTART:20240101T000000Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=15\r\n"), std::string::npos) << a;
  // The UID depends on what the schedule is, not on its line, the order or the others.
  std::vector<Schedule> moved = {all[3], all[0]};
  moved[1].source.line = 40;
  const std::string later = renderCalendar(moved);
  size_t kept = 0;
  for (const auto& l : unfoldedLines(later)) {
    if (l.rfind("UID:", 0) == 0) {
      EXPECT_NE(a.find(l), std::string::npos) << l;
      ++kept;
    }
  }
  EXPECT_EQ(kept, 2u);
  // Two identical entries in one file still get two UIDs.
  const std::string twice = renderCalendar({all[0], all[0]});
  std::set<std::string> uids;
  for (const auto& l : unfoldedLines(twice)) {
    if (l.rfind("UID:", 0) == 0) uids.insert(l);
  }
  EXPECT_EQ(uids.size(), 2u);
  // An empty list is still a calendar.
  EXPECT_EQ(renderCalendar({}),
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ddd//maintenance calendar//EN\r\n"
            "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:Maintenance\r\nEND:VCALENDAR\r\n");
}

TEST(RunbooksCalendar, IntervalRrulesUseTheLargestExactUnit) {
  EXPECT_EQ(intervalRrule(7 * 86400), "FREQ=WEEKLY");
  EXPECT_EQ(intervalRrule(14 * 86400), "FREQ=WEEKLY;INTERVAL=2");
  EXPECT_EQ(intervalRrule(90 * 86400), "FREQ=DAILY;INTERVAL=90");
  EXPECT_EQ(intervalRrule(6 * 3600), "FREQ=HOURLY;INTERVAL=6");
  EXPECT_EQ(intervalRrule(90 * 60), "FREQ=MINUTELY;INTERVAL=90");
  EXPECT_EQ(intervalRrule(45), "FREQ=SECONDLY;INTERVAL=45");
  EXPECT_EQ(intervalRrule(0), "");
}

TEST(RunbooksCalendar, TimeZonesComeWithAVtimezone) {
  const std::string ics = renderCalendar({scheduleOf("30 4 * * *", "k8s/job.yaml", 7,
                                                     "Europe/Berlin")});
  const auto lines = unfoldedLines(ics);
  auto has = [&](const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  EXPECT_TRUE(has("BEGIN:VTIMEZONE"));
  EXPECT_TRUE(has("TZID:Europe/Berlin"));
  EXPECT_TRUE(has("DTSTART;TZID=Europe/Berlin:20240101T043000"));
  // The 2024 change to summer time: 02:00 CET becomes 03:00 CEST on 31 March.
  const auto daylight = std::find(lines.begin(), lines.end(), "BEGIN:DAYLIGHT");
  ASSERT_NE(daylight, lines.end());
  EXPECT_EQ(*(daylight + 1), "DTSTART:20240331T020000");
  EXPECT_EQ(*(daylight + 2), "TZOFFSETFROM:+0100");
  EXPECT_EQ(*(daylight + 3), "TZOFFSETTO:+0200");
  EXPECT_EQ(*(daylight + 4), "TZNAME:CEST");
}

// python3-icalendar reads the file; dateutil expands each RRULE from its DTSTART (local
// wall time, then the zone) and prints the first 12 occurrences in UTC per UID, up to
// 2037: past the system zoneinfo's last explicit transition date/tz keeps standard time
// (it doesn't read the files' POSIX rule), Python's zoneinfo extends the rule.
TEST(RunbooksCalendar, RruleOccurrencesEqualCronRuns) {
  if (ddd::testing::runCommand("/usr/bin/python3 -c 'import icalendar, dateutil'").exitCode != 0) {
    FAIL() << "/usr/bin/python3 with Debian's python3-icalendar and python3-dateutil is needed: "
              "run deploy/setup.sh";
  }
  std::vector<Schedule> all;
  uint32_t line = 0;
  for (const std::string& e : ddd::testing::generatedExpressions(400, 5545)) {
    all.push_back(scheduleOf(e, "gen/utc", ++line));
  }
  // In a zone: hours away from the daylight-saving changes, where RFC 5545 moves a missing
  // local time forward and cron skips it.
  line = 0;
  for (const std::string& e : ddd::testing::generatedExpressions(400, 1)) {
    const CronExpression c = CronExpression::parse(e);
    if (c.hours()[1] || c.hours()[2] || c.hours()[3]) continue;
    all.push_back(scheduleOf(e, "gen/berlin", ++line, "Europe/Berlin"));
    all.push_back(scheduleOf(e, "gen/newyork", line, "America/New_York"));
  }
  // OnCalendar= events cron can't say: seconds, "~" days, day AND weekday.
  for (const char* spec : {"*-*-* *:*:30", "*-*~01 23:30:00", "Fri *-*-13 12:00:00", "Mon..Fri *-*-* 09:15:45",
                           "*-02-29 06:00:00", "Sat *-*~07 04:00 Europe/Berlin", "*:0/20:15"}) {
    Schedule s;
    s.source = {"gen/timers", ++line};
    s.origin = "systemd-timer";
    s.expression = spec;
    s.timezone = "UTC";
    all.push_back(s);
  }
  const std::string ics = renderCalendar(all);
  ddd::testing::TempDir dir;
  ddd::testing::writeFile(dir.path() / "m.ics", ics);
  ddd::testing::writeFile(dir.path() / "expand.py", R"PY(
import sys, datetime, zoneinfo
import icalendar
from dateutil.rrule import rrulestr
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART')
    zone = start.tzinfo
    tzid = ev['DTSTART'].params.get('TZID')
    naive = start.replace(tzinfo=None)
    rule = rrulestr(ev['RRULE'].to_ical().decode(), dtstart=naive)
    out = []
    for t in rule:
        if tzid:
            t = t.replace(tzinfo=zoneinfo.ZoneInfo(tzid))
        else:
            t = t.replace(tzinfo=datetime.timezone.utc)
        if t.year >= 2037:
            break
        out.append(t.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))
        if len(out) == 12:
            break
    print(str(ev['UID']), ' '.join(out))
)PY");
  const auto ref = ddd::testing::runCommand("/usr/bin/python3 " + (dir.path() / "expand.py").string() +
                                            " " + (dir.path() / "m.ics").string());
  ASSERT_EQ(ref.exitCode, 0) << ref.output.substr(0, 3000);
  // UID -> schedule, from the calendar itself (a cron "OR" schedule has two UIDs).
  std::map<std::string, const Schedule*> byUid;
  {
    const auto lines = unfoldedLines(ics);
    std::string uid;
    for (const auto& l : lines) {
      if (l.rfind("UID:", 0) == 0) uid = l.substr(4);
      if (l.rfind("DESCRIPTION:", 0) == 0) {
        for (const Schedule& s : all) {
          std::string escaped;  // as TEXT escapes it
          for (char c : s.expression) {
            if (c == ',') escaped += '\\';
            escaped += c;
          }
          if (l.find("Source: " + s.source.cite() + " ") != std::string::npos &&
              l.find("(" + s.origin + ": " + escaped + ")") != std::string::npos) {
            byUid[uid] = &s;
          }
        }
      }
    }
  }
  // Each schedule's occurrences: the union of its events' first 12, then the first 12.
  std::map<const Schedule*, std::set<std::string>> occurrences;
  std::istringstream in(ref.output);
  std::string row;
  while (std::getline(in, row)) {
    const std::string uid = row.substr(0, row.find(' '));
    ASSERT_TRUE(byUid.count(uid)) << row;
    std::istringstream times(row.substr(row.find(' ') + 1));
    auto& set = occurrences[byUid[uid]];
    for (std::string t; times >> t;) set.insert(t);
  }
  size_t compared = 0, timers = 0, halves = 0;
  const sys_seconds from = sys_seconds{std::chrono::seconds{kCalendarAnchor}} - std::chrono::seconds{1};
  const sys_seconds end = sys_seconds{std::chrono::sys_days{std::chrono::year{2037} / 1 / 1}};
  for (const auto& [schedule, set] : occurrences) {
    const Schedule& s = *schedule;
    std::string theirs;
    size_t n = 0;
    for (const auto& t : set) {
      if (n++ == 12) break;
      theirs += (theirs.empty() ? "" : " ") + t;
    }
    std::vector<sys_seconds> runs;
    if (s.origin == "systemd-timer") {
      runs = CalendarSpec::parse(s.expression).nextRuns(from, 12, "UTC");
      ++timers;
    } else {
      runs = CronExpression::parse(s.normalized).nextRuns(from, 12, s.timezone);
      const CronExpression c = CronExpression::parse(s.normalized);
      halves += c.dayOr() && !wording::isFull(c.daysOfMonth(), 1, 31) && !wording::isFull(c.daysOfWeek(), 0, 6);
    }
    std::string ours;
    for (auto t : runs) {
      if (t >= end) break;
      ours += (ours.empty() ? "" : " ") + formatUtc(t);
    }
    EXPECT_EQ(theirs, ours) << s.source.cite() << " " << s.expression << " " << s.timezone;
    ++compared;
  }
  EXPECT_EQ(timers, 7u);
  EXPECT_GT(halves, 10u);
  EXPECT_GT(compared, 500u);
  std::cout << "[ dateutil ] " << compared << " of " << all.size() << " schedules have events (" << halves
            << " cron day-OR-weekday ones as two, " << timers
            << " OnCalendar ones cron can't say); 12 occurrences each equal our runs\n";
}

}  // namespace
