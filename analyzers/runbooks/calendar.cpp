// renderCalendar (schedule.h): RFC 5545. A schedule gets a VEVENT when its normalized cron
// form maps onto one RRULE, two for Vixie's "day-of-month OR day-of-week" (both
// restricted); when an OnCalendar= event cron can't say maps onto one (CalendarSpec::rrule);
// or when it carries an interval RRULE of its own (Schedule::rrule). Zones other than UTC come with a VTIMEZONE built from the
// system's tz database (explicit observances, thirty years from the start).

#include <date/tz.h>

#include <cstdio>
#include <map>
#include <set>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/schedule.h"
#include "analyzers/runbooks/systemd_calendar.h"
#include "analyzers/runbooks/wording.h"

namespace ddd::analyzers::runbooks {
namespace {

using std::chrono::sys_seconds;

constexpr const char* kByDay[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

// Valid UTF-8 without control characters (a tab becomes a space); other bytes become '?'.
std::string cleanText(std::string_view s) {
  std::string out;
  const std::string valid = text::validUtf8(s);
  out.reserve(valid.size());
  for (const char ch : valid) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '\t') {
      out += ' ';
    } else if (c == '\n' || c >= 0x80 || (c >= 0x20 && c != 0x7f)) {
      out += ch;
    }
  }
  return out;
}

// RFC 5545 3.3.11 TEXT: backslash, semicolon, comma and newline escaped.
std::string escapeText(std::string_view raw) {
  const std::string s = cleanText(raw);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

// One content line, folded at 75 octets (never inside a UTF-8 sequence), ending in CRLF.
void addLine(std::string& out, std::string_view line) {
  size_t start = 0;
  size_t limit = 75;
  while (line.size() - start > limit) {
    size_t cut = start + limit;
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
    out.append(line.substr(start, cut - start));
    out += "\r\n ";
    start = cut;
    limit = 74;  // the leading space counts
  }
  out.append(line.substr(start));
  out += "\r\n";
}

std::string stamp(sys_seconds t, bool utc) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  int64_t secs = (t - days).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d%s", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(secs / 3600), int(secs / 60 % 60),
                int(secs % 60), utc ? "Z" : "");
  return buf;
}

std::string offsetText(std::chrono::seconds offset) {
  int64_t s = offset.count();
  char sign = s < 0 ? '-' : '+';
  if (s < 0) s = -s;
  char buf[16];
  if (s % 60 != 0) {
    std::snprintf(buf, sizeof buf, "%c%02d%02d%02d", sign, int(s / 3600), int(s / 60 % 60),
                  int(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, int(s / 3600), int(s / 60 % 60));
  }
  return buf;
}

template <size_t N>
std::string numbers(const std::bitset<N>& bits, int min, int max) {
  std::string out;
  for (int v = min; v <= max; ++v) {
    if (!bits[static_cast<size_t>(v)]) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}


// The RRULE value for a cron expression, or "" when one rule can't say it.
std::string rruleFor(const CronExpression& c) {
  const bool allMinutes = wording::isFull(c.minutes(), 0, 59), allHours = wording::isFull(c.hours(), 0, 23);
  const bool allDom = wording::isFull(c.daysOfMonth(), 1, 31), allDow = wording::isFull(c.daysOfWeek(), 0, 6);
  const bool allMonths = wording::isFull(c.months(), 1, 12);
  if (c.atReboot() || (c.dayOr() && !allDom && !allDow)) return "";  // see renderCalendar
  std::string byDay;
  for (int d = 0; d < 7; ++d) {
    if (!c.daysOfWeek()[static_cast<size_t>(d)]) continue;
    if (!byDay.empty()) byDay += ',';
    byDay += kByDay[d];
  }
  // With OR semantics and one side full, every day matches.
  const bool dayLimits = !(c.dayOr() && (allDom || allDow));
  std::string limits;
  if (!allMonths) limits += ";BYMONTH=" + numbers(c.months(), 1, 12);
  if (dayLimits && !allDom) limits += ";BYMONTHDAY=" + numbers(c.daysOfMonth(), 1, 31);
  if (dayLimits && !allDow) limits += ";BYDAY=" + byDay;
  const std::string byHour = ";BYHOUR=" + numbers(c.hours(), 0, 23);
  const std::string byMinute = ";BYMINUTE=" + numbers(c.minutes(), 0, 59);
  if (allHours) {
    if (allMinutes) return "FREQ=MINUTELY" + limits;
    int step = 0;
    for (int m = 1; m < 60; ++m) {
      if (c.minutes()[static_cast<size_t>(m)]) {
        step = m;
        break;
      }
    }
    bool evenSteps = c.minutes()[0] && step > 0 && 60 % step == 0;
    for (int m = 0; evenSteps && m < 60; ++m) {
      evenSteps = c.minutes()[static_cast<size_t>(m)] == (m % step == 0);
    }
    if (evenSteps) return "FREQ=MINUTELY;INTERVAL=" + std::to_string(step) + limits;
    return "FREQ=HOURLY" + byMinute + limits;
  }
  if (!dayLimits || (allDom && allDow)) return "FREQ=DAILY" + byHour + byMinute + limits;
  if (allDom && allMonths) return "FREQ=WEEKLY;BYDAY=" + byDay + byHour + byMinute;
  if (allDow && !allDom) {
    if (allMonths) {
      return "FREQ=MONTHLY;BYMONTHDAY=" + numbers(c.daysOfMonth(), 1, 31) + byHour + byMinute;
    }
    return "FREQ=YEARLY;BYMONTH=" + numbers(c.months(), 1, 12) +
           ";BYMONTHDAY=" + numbers(c.daysOfMonth(), 1, 31) + byHour + byMinute;
  }
  return "FREQ=DAILY" + byHour + byMinute + limits;
}

// FNV-1a, for stable UIDs.
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// A VTIMEZONE with one observance per offset change from `from` for ten years.
void addTimeZone(std::string& out, const date::time_zone& zone, sys_seconds from) {
  addLine(out, "BEGIN:VTIMEZONE");
  addLine(out, "TZID:" + zone.name());
  const sys_seconds until = from + std::chrono::hours{24 * 366 * 30};
  date::sys_info info = zone.get_info(from);
  std::chrono::seconds previous = info.offset;
  // The observance in force at `from` starts at `from` as far as this file is concerned.
  sys_seconds begin = from;
  bool first = true;
  for (int guard = 0; guard < 160; ++guard) {
    const char* kind = info.save != std::chrono::minutes{0} ? "DAYLIGHT" : "STANDARD";
    addLine(out, std::string("BEGIN:") + kind);
    const sys_seconds localStart =
        sys_seconds{(begin + (first ? info.offset : previous)).time_since_epoch()};
    addLine(out, "DTSTART:" + stamp(localStart, false));
    addLine(out, "TZOFFSETFROM:" + offsetText(first ? info.offset : previous));
    addLine(out, "TZOFFSETTO:" + offsetText(info.offset));
    if (!info.abbrev.empty()) addLine(out, "TZNAME:" + escapeText(info.abbrev));
    addLine(out, std::string("END:") + kind);
    first = false;
    const sys_seconds next = std::chrono::floor<std::chrono::seconds>(info.end);
    if (next >= until || next <= begin) break;
    previous = info.offset;
    begin = next;
    info = zone.get_info(next);
  }
  addLine(out, "END:VTIMEZONE");
}

}  // namespace

std::string intervalRrule(int64_t seconds) {
  if (seconds <= 0) return {};
  struct Unit {
    int64_t seconds;
    const char* freq;
  };
  static const Unit kUnits[] = {{7 * 86400, "WEEKLY"}, {86400, "DAILY"}, {3600, "HOURLY"}, {60, "MINUTELY"}, {1, "SECONDLY"}};
  for (const Unit& u : kUnits) {
    if (seconds % u.seconds != 0) continue;
    const int64_t n = seconds / u.seconds;
    return std::string("FREQ=") + u.freq + (n == 1 ? "" : ";INTERVAL=" + std::to_string(n));
  }
  return {};
}

std::string renderCalendar(const std::vector<Schedule>& schedules) {
  const sys_seconds anchor{std::chrono::seconds{static_cast<int64_t>(kCalendarAnchor)}};
  // Events start at their first run on or after the anchor.
  const sys_seconds before = anchor - std::chrono::seconds{1};

  struct Event {
    const Schedule* schedule;
    std::string rrule;
    const date::time_zone* zone;  // nullptr: UTC
    sys_seconds start;
    bool allDay;  // an interval of a day or more from an unknown start
    std::string uid;
    std::string half;  // "day-of-month" / "weekday": one of a cron "OR" schedule's two events
  };
  std::vector<Event> events;
  std::set<std::string> zones;
  auto zoneOf = [](const std::string& name) -> const date::time_zone* {
    if (name.empty() || name == "UTC" || name == "Etc/UTC") return nullptr;
    return date::locate_zone(name);  // throws for an unknown zone
  };
  for (const Schedule& s : schedules) {
    if (s.normalized.empty()) {
      if (!s.rrule.empty()) {
        const bool subDaily = s.rrule.find("FREQ=HOURLY") != std::string::npos ||
                              s.rrule.find("FREQ=MINUTELY") != std::string::npos ||
                              s.rrule.find("FREQ=SECONDLY") != std::string::npos;
        events.push_back({&s, s.rrule, nullptr, anchor, !subDaily, {}, ""});
        continue;
      }
      // An OnCalendar= event cron can't say (seconds, "~" days, day and weekday both).
      if (s.origin != "systemd-timer") continue;
      try {
        const CalendarSpec spec = CalendarSpec::parse(s.expression);
        const auto rule = spec.rrule();
        if (!rule) continue;
        const date::time_zone* zone = zoneOf(spec.timeZone().empty() ? s.timezone : spec.timeZone());
        const auto first = spec.nextRuns(before, 1, zone ? zone->name() : "UTC");
        if (first.empty()) continue;
        events.push_back({&s, *rule, zone, first.front(), false, {}, ""});
        if (zone) zones.insert(zone->name());
      } catch (const std::exception&) {
        continue;  // not a calendar event after all, or an unknown zone: no event
      }
      continue;
    }
    try {
      const CronExpression c = CronExpression::parse(s.normalized);
      const date::time_zone* zone = zoneOf(s.timezone);
      // Vixie cron runs when the day of the month OR the weekday matches (both
      // restricted): one event for each, since one RRULE can only say AND.
      std::vector<std::pair<CronExpression, std::string>> parts;
      const bool allDom = wording::isFull(c.daysOfMonth(), 1, 31), allDow = wording::isFull(c.daysOfWeek(), 0, 6);
      if (c.dayOr() && !allDom && !allDow && !c.atReboot()) {
        std::vector<std::string> f;
        std::string field;
        for (char ch : s.normalized + " ") {
          if (ch == ' ') {
            if (!field.empty()) f.push_back(field);
            field.clear();
          } else {
            field += ch;
          }
        }
        if (f.size() != 5) continue;
        parts.emplace_back(CronExpression::parse(f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " *"), "day-of-month");
        parts.emplace_back(CronExpression::parse(f[0] + " " + f[1] + " * " + f[3] + " " + f[4]), "weekday");
      } else {
        parts.emplace_back(c, "");
      }
      for (const auto& part : parts) {
        const std::string rrule = rruleFor(part.first);
        if (rrule.empty()) continue;
        const auto first = part.first.nextRuns(before, 1, zone ? zone->name() : "UTC");
        if (first.empty()) continue;
        events.push_back({&s, rrule, zone, first.front(), false, {}, part.second});
        if (zone) zones.insert(zone->name());
      }
    } catch (const std::exception&) {
      continue;  // not a cron expression after all, or an unknown zone: no event
    }
  }
  // UIDs: what the schedule is, not where in its file it sits; repeats get a counter.
  std::map<std::string, int> seen;
  for (Event& e : events) {
    const Schedule& s = *e.schedule;
    std::string key = s.source.path + "\n" + s.origin + "\n" + s.name + "\n" + s.expression + "\n" + s.command;
    if (!e.half.empty()) key += "\n" + e.half;
    const int n = ++seen[key];
    if (n > 1) key += "\n#" + std::to_string(n);
    char uid[40];
    std::snprintf(uid, sizeof uid, "%016llx@ddd", static_cast<unsigned long long>(fnv1a(key)));
    e.uid = uid;
  }

  std::string out;
  addLine(out, "BEGIN:VCALENDAR");
  addLine(out, "VERSION:2.0");
  addLine(out, "PRODID:-//ddd//maintenance calendar//EN");
  addLine(out, "CALSCALE:GREGORIAN");
  addLine(out, "X-WR-CALNAME:Maintenance");
  for (const std::string& name : zones) {
    sys_seconds earliest = sys_seconds::max();
    for (const Event& e : events) {
      if (e.zone && e.zone->name() == name && e.start < earliest) earliest = e.start;
    }
    addTimeZone(out, *date::locate_zone(name), std::min(earliest, sys_seconds{std::chrono::floor<std::chrono::days>(anchor)}));
  }
  const std::string dtstamp = stamp(anchor, true);
  for (const Event& e : events) {
    const Schedule& s = *e.schedule;
    addLine(out, "BEGIN:VEVENT");
    addLine(out, "UID:" + e.uid);
    addLine(out, "DTSTAMP:" + dtstamp);
    if (e.allDay) {
      addLine(out, "DTSTART;VALUE=DATE:" + stamp(e.start, false).substr(0, 8));
    } else if (e.zone) {
      addLine(out, "DTSTART;TZID=" + e.zone->name() + ":" +
                       stamp(sys_seconds{e.zone->to_local(e.start).time_since_epoch()}, false));
    } else {
      addLine(out, "DTSTART:" + stamp(e.start, true));
    }
    addLine(out, "RRULE:" + e.rrule);
    std::string what = !s.name.empty() ? s.name : !s.command.empty() ? s.command : s.expression;
    if (what.size() > 80) what = what.substr(0, 77) + "...";
    addLine(out, "SUMMARY:" + escapeText((s.component.empty() ? "" : "[" + s.component + "] ") +
                                         what));
    std::string description = s.description + "\n";
    if (!s.command.empty()) description += "Runs: " + s.command + "\n";
    description += "Source: " + s.source.cite() + " (" + s.origin + ": " + s.expression + ")";
    if (e.allDay || (s.normalized.empty() && !s.rrule.empty())) {
      description += "\nThe start is not in the repository: the dates show the period, not the exact runs.";
    }
    if (!e.half.empty()) {
      description += "\nCron runs it when the day of the month or the weekday matches: this event is the " +
                     e.half + " half (a day matching both shows twice).";
    }
    for (const std::string& d : s.details) description += "\n" + d;
    addLine(out, "DESCRIPTION:" + escapeText(description));
    addLine(out, std::string("CATEGORIES:") + toString(s.cadence));
    addLine(out, "TRANSP:TRANSPARENT");
    addLine(out, "END:VEVENT");
  }
  addLine(out, "END:VCALENDAR");
  return out;
}

}  // namespace ddd::analyzers::runbooks
