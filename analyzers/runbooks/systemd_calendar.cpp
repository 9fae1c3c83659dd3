#include "analyzers/runbooks/systemd_calendar.h"

#include <date/tz.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/wording.h"

namespace ddd::analyzers::runbooks {
namespace {

using namespace wording;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

// systemd's weekday order: Monday first.
constexpr const char* kShortDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr const char* kLongDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                     "friday", "saturday", "sunday"};
constexpr int kLastYear = 2199;  // systemd's limit

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<std::string_view> splitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

const date::time_zone* findZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

struct Special {
  const char* word;
  const char* spec;
};
constexpr Special kSpecials[] = {
    {"minutely", "*-*-* *:*:00"},
    {"hourly", "*-*-* *:00:00"},
    {"daily", "*-*-* 00:00:00"},
    {"monthly", "*-*-01 00:00:00"},
    {"weekly", "Mon *-*-* 00:00:00"},
    {"yearly", "*-01-01 00:00:00"},
    {"annually", "*-01-01 00:00:00"},
    {"quarterly", "*-01,04,07,10-01 00:00:00"},
    {"semiannually", "*-01,07-01 00:00:00"},
};

template <size_t N>
std::string numberList(const std::bitset<N>& bits) {
  std::string out;
  for (int v : values(bits)) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

}  // namespace

// --- parsing ------------------------------------------------------------------------------

namespace {

class SpecParser {
 public:
  explicit SpecParser(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw CalendarError("OnCalendar \"" + std::string(text_) + "\": " + what);
  }

  // "1", "1..5", "1/2", "1..10/3", lists with ','; "*" alone is the empty chain.
  template <typename Chain>
  Chain chain(std::string_view part, const char* name, int min, int max, bool year = false) const {
    Chain out;
    if (part == "*") return out;
    if (part.empty()) fail(std::string("the ") + name + " is missing");
    for (std::string_view element : splitOn(part, ',')) {
      if (element.empty()) fail(std::string("empty list element in the ") + name);
      typename Chain::value_type c;
      size_t pos = 0;
      c.start = number(element, pos, name, min, max, year);
      if (element.substr(pos, 2) == "..") {
        pos += 2;
        c.stop = number(element, pos, name, min, max, year);
        // systemd refuses "5..5" in the seconds only (elsewhere it is "5").
        if (c.stop == c.start && std::string_view(name) == "second") {
          fail("the second range " + std::string(element) + " is empty");
        }
        if (c.stop < c.start) {
          fail(std::string("the ") + name + " range " + std::string(element) + " runs backwards");
        }
      }
      if (pos < element.size() && element[pos] == '/') {
        ++pos;
        c.repeat = number(element, pos, name, 1, INT_MAX / 2, false, "repetition");
      }
      // As systemd: a range too short for its repetition is its first value; a value
      // repeated past the field's end is an error.
      if (c.stop >= 0 && c.repeat > 0 && c.start + c.repeat > c.stop) c.stop = -1, c.repeat = 0;
      if (c.stop >= 0 && c.repeat == 1) c.repeat = 0;  // "1..5/1" is "1..5"
      if (c.stop == c.start) c.stop = -1;
      if (c.stop < 0 && c.repeat > 0 && c.start + c.repeat > max) {
        fail(std::string("the ") + name + " \"" + std::string(element) + "\" repeats past " +
             std::to_string(max));
      }
      if (pos != element.size()) {
        if (element[pos] == '.' && !(pos + 1 < element.size() && element[pos + 1] == '.')) {
          fail("fractional seconds are not supported (\"" + std::string(element) + "\")");
        }
        fail("unexpected '" + std::string(1, element[pos]) + "' in the " + name + " \"" +
             std::string(element) + "\"");
      }
      out.push_back(c);
    }
    // systemd reads a seconds chain holding "0/1" (every second) as '*'.
    if (std::string_view(name) == "second") {
      for (const auto& c : out)
        if (c.start == 0 && c.stop < 0 && c.repeat == 1) return Chain{};
    }
    return out;
  }

 private:
  std::string_view text_;

  int number(std::string_view s, size_t& pos, const char* name, int min, int max, bool year,
             const char* what = nullptr) const {
    size_t begin = pos;
    long v = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - begin >= 6) fail(std::string("number too long in the ") + name);
      v = v * 10 + (s[pos++] - '0');
    }
    if (pos == begin) {
      if (pos < s.size() && s[pos] == '*') {
        fail(std::string("'*' cannot be combined with other values in the ") + name + " (\"" +
             std::string(s) + "\")");
      }
      fail(std::string("a number is expected in the ") + name + " \"" + std::string(s) + "\"");
    }
    if (year && pos - begin <= 2) v += v < 70 ? 2000 : 1900;  // as systemd reads "26"
    if (v < min || v > max) {
      fail(std::string(what ? what : name) + " " + std::to_string(v) + " is out of range " +
           std::to_string(min) + "-" + std::to_string(max));
    }
    return static_cast<int>(v);
  }
};

template <typename Chain>
void normalizeChain(Chain& chain) {
  std::sort(chain.begin(), chain.end(), [](const auto& a, const auto& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.stop != b.stop) return a.stop < b.stop;
    return a.repeat < b.repeat;
  });
  chain.erase(std::unique(chain.begin(), chain.end(),
                          [](const auto& a, const auto& b) {
                            return a.start == b.start && a.stop == b.stop && a.repeat == b.repeat;
                          }),
              chain.end());
}

template <typename Chain>
std::string formatChain(const Chain& chain, int width) {
  if (chain.empty()) return "*";
  std::string out;
  char buf[32];
  for (const auto& c : chain) {
    if (!out.empty()) out += ',';
    std::snprintf(buf, sizeof buf, "%0*d", width, c.start);
    out += buf;
    if (c.stop >= 0) {
      std::snprintf(buf, sizeof buf, "..%0*d", width, c.stop);
      out += buf;
    }
    if (c.repeat > 0) {
      out += '/';
      out += std::to_string(c.repeat);
    }
  }
  return out;
}

template <size_t N, typename Chain>
std::bitset<N> expandChain(const Chain& chain, int min, int max) {
  std::bitset<N> bits;
  if (chain.empty()) {
    for (int v = min; v <= max; ++v) bits.set(static_cast<size_t>(v));
    return bits;
  }
  for (const auto& c : chain) {
    int hi = c.stop >= 0 ? c.stop : (c.repeat > 0 ? max : c.start);
    int step = c.repeat > 0 ? c.repeat : 1;
    for (int v = c.start; v <= hi && v <= max; v += step) bits.set(static_cast<size_t>(v));
  }
  return bits;
}

}  // namespace

CalendarSpec CalendarSpec::parse(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && isBlank(text[b])) ++b;
  while (e > b && isBlank(text[e - 1])) --e;
  const std::string_view expr = text.substr(b, e - b);
  SpecParser p(expr);
  if (expr.empty()) p.fail("empty calendar event");
  for (char ch : expr) {
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
      if (!isBlank(ch)) p.fail("control or non-ASCII character");
    }
  }
  std::vector<std::string_view> tokens;
  for (size_t i = 0; i < expr.size();) {
    while (i < expr.size() && isBlank(expr[i])) ++i;
    size_t j = i;
    while (j < expr.size() && !isBlank(expr[j])) ++j;
    if (j > i) tokens.push_back(expr.substr(i, j - i));
    i = j;
  }

  CalendarSpec spec;
  spec.weekdays_.set();
  // A zone at the end: "UTC" or an IANA name the system knows.
  auto looksLikeZone = [](std::string_view t) {
    return !t.empty() && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z')) &&
           t.find(':') == std::string_view::npos;
  };
  if (tokens.size() > 1 && looksLikeZone(tokens.back())) {
    std::string zone(tokens.back());
    if (zone != "UTC" && findZone(zone) == nullptr) {
      p.fail("unknown time zone \"" + zone + "\"");
    }
    spec.timeZone_ = zone;
    tokens.pop_back();
  }

  for (const Special& s : kSpecials) {
    if (tokens.size() == 1 && tokens[0] == s.word) {
      CalendarSpec out = parse(s.spec);
      out.timeZone_ = spec.timeZone_;
      return out;
    }
  }

  size_t next = 0;
  if (next < tokens.size() && looksLikeZone(tokens[next])) {
    std::bitset<7> days;
    for (std::string_view element : splitOn(tokens[next], ',')) {
      auto dayIndex = [&](std::string_view name) {
        std::string n = lowered(name);
        for (int i = 0; i < 7; ++i) {
          if (n == kLongDays[i] || n == std::string_view(kLongDays[i]).substr(0, 3)) return i;
        }
        p.fail("unknown weekday \"" + std::string(name) + "\" (Mon..Sun or Monday..Sunday)");
      };
      size_t dots = element.find("..");
      size_t dash = element.find('-');
      int first, last;
      if (dots != std::string_view::npos) {
        first = dayIndex(element.substr(0, dots));
        last = dayIndex(element.substr(dots + 2));
      } else if (dash != std::string_view::npos) {
        first = dayIndex(element.substr(0, dash));
        last = dayIndex(element.substr(dash + 1));
      } else {
        first = last = dayIndex(element);
      }
      if (last < first) {
        p.fail("the weekday range \"" + std::string(element) +
               "\" runs backwards (Mon..Sun order)");
      }
      for (int d = first; d <= last; ++d) days.set(static_cast<size_t>(d));
    }
    spec.weekdays_ = days;
    ++next;
  }
  std::string_view dateText, timeText;
  for (; next < tokens.size(); ++next) {
    std::string_view t = tokens[next];
    if (t.find(':') != std::string_view::npos) {
      if (!timeText.empty()) p.fail("two times of day");
      timeText = t;
    } else if (t.find('-') != std::string_view::npos || t.find('~') != std::string_view::npos) {
      if (!dateText.empty() || !timeText.empty()) p.fail("the date must come before the time");
      dateText = t;
    } else {
      p.fail("\"" + std::string(t) + "\" is neither a weekday, a date (Y-M-D), a time (H:M:S) " +
             "nor a time zone");
    }
  }
  if (!dateText.empty()) {
    size_t tilde = dateText.find('~');
    size_t daySep = tilde != std::string_view::npos ? tilde : dateText.rfind('-');
    if (tilde != std::string_view::npos &&
        dateText.find('~', tilde + 1) != std::string_view::npos) {
      p.fail("more than one '~' in the date");
    }
    spec.daysFromEnd_ = tilde != std::string_view::npos;
    std::string_view dayPart = dateText.substr(daySep + 1);
    std::vector<std::string_view> head = splitOn(dateText.substr(0, daySep), '-');
    if (head.size() == 2) {
      spec.years_ = p.chain<Chain>(head[0], "year", 1970, kLastYear, true);
      spec.months_ = p.chain<Chain>(head[1], "month", 1, 12);
    } else if (head.size() == 1) {
      spec.months_ = p.chain<Chain>(head[0], "month", 1, 12);
    } else {
      p.fail("the date \"" + std::string(dateText) + "\" is not year-month-day");
    }
    // "~" counts back from the month's end: up to 28 as systemd. systemd's repetition
    // rule after "~" is peculiar (it accepts "~2/1" and rejects "~2/2"): not supported.
    spec.days_ = p.chain<Chain>(dayPart, "day", 1, spec.daysFromEnd_ ? 28 : 31);
    if (spec.daysFromEnd_ && dayPart.find('/') != std::string_view::npos) {
      p.fail("a repetition after '~' is not supported (\"" + std::string(dayPart) + "\")");
    }
    if (spec.days_.empty()) spec.daysFromEnd_ = false;  // "~*" is every day
  }
  if (!timeText.empty()) {
    std::vector<std::string_view> parts = splitOn(timeText, ':');
    if (parts.size() < 2 || parts.size() > 3) {
      p.fail("the time \"" + std::string(timeText) + "\" is not hour:minute[:second]");
    }
    spec.hours_ = p.chain<Chain>(parts[0], "hour", 0, 23);
    spec.minutes_ = p.chain<Chain>(parts[1], "minute", 0, 59);
    if (parts.size() == 3) {
      spec.seconds_ = p.chain<Chain>(parts[2], "second", 0, 59);
    } else {
      spec.seconds_ = {Component{}};
    }
  } else {
    spec.hours_ = spec.minutes_ = spec.seconds_ = {Component{}};
  }
  for (Chain* c :
       {&spec.years_, &spec.months_, &spec.days_, &spec.hours_, &spec.minutes_, &spec.seconds_})
    normalizeChain(*c);
  spec.expand();
  return spec;
}

void CalendarSpec::expand() {
  secondSet_ = expandChain<60>(seconds_, 0, 59);
  minuteSet_ = expandChain<60>(minutes_, 0, 59);
  hourSet_ = expandChain<24>(hours_, 0, 23);
  daySet_ = expandChain<32>(days_, 1, 31);
  monthSet_ = expandChain<13>(months_, 1, 12);
}

std::string CalendarSpec::normalized() const {
  std::string out;
  if (!weekdays_.all()) {
    for (int x = 0; x < 7;) {
      if (!weekdays_[static_cast<size_t>(x)]) {
        ++x;
        continue;
      }
      int y = x;
      while (y + 1 < 7 && weekdays_[static_cast<size_t>(y + 1)]) ++y;
      if (!out.empty()) out += ',';
      out += kShortDays[x];
      if (y == x + 1) out += std::string(",") + kShortDays[y];
      if (y >= x + 2) out += std::string("..") + kShortDays[y];
      x = y + 1;
    }
    out += ' ';
  }
  out += formatChain(years_, 4) + "-" + formatChain(months_, 2) + (daysFromEnd_ ? "~" : "-") +
         formatChain(days_, 2) + " " + formatChain(hours_, 2) + ":" + formatChain(minutes_, 2) +
         ":" + formatChain(seconds_, 2);
  if (!timeZone_.empty()) out += " " + timeZone_;
  return out;
}

// --- matching -----------------------------------------------------------------------------

bool CalendarSpec::yearMatches(int year) const {
  if (years_.empty()) return true;
  for (const Component& c : years_) {
    if (year < c.start) continue;
    int hi = c.stop >= 0 ? c.stop : (c.repeat > 0 ? INT_MAX : c.start);
    if (year > hi) continue;
    if (c.repeat == 0 || (year - c.start) % c.repeat == 0) return true;
  }
  return false;
}

bool CalendarSpec::dayMatches(int year, unsigned month, unsigned day, unsigned weekdayMon0) const {
  if (!monthSet_[month] || !weekdays_[weekdayMon0]) return false;
  if (!daysFromEnd_) return daySet_[day];
  unsigned last = unsigned(std::chrono::year_month_day_last{
      std::chrono::year{year} / std::chrono::month{month} / std::chrono::last}
                               .day());
  return daySet_[last - day + 1];
}

std::optional<int64_t> CalendarSpec::nextLocalSecond(int64_t t, int64_t limit) const {
  constexpr int64_t kDay = 86400;
  while (t <= limit) {
    int64_t dayIndex = t >= 0 ? t / kDay : -((-t + kDay - 1) / kDay);
    sys_days day{std::chrono::days{dayIndex}};
    std::chrono::year_month_day ymd{day};
    int year = int(ymd.year());
    if (!yearMatches(year)) {
      t = sys_days{std::chrono::year{year + 1} / 1 / 1}.time_since_epoch().count() * kDay;
      continue;
    }
    if (!monthSet_[unsigned(ymd.month())]) {
      auto firstOfNext =
          std::chrono::year_month_day{ymd.year() / ymd.month() / 1} + std::chrono::months{1};
      t = sys_days{firstOfNext}.time_since_epoch().count() * kDay;
      continue;
    }
    unsigned wd = (std::chrono::weekday{day}.c_encoding() + 6) % 7;
    if (!dayMatches(year, unsigned(ymd.month()), unsigned(ymd.day()), wd)) {
      t = (dayIndex + 1) * kDay;
      continue;
    }
    int64_t secondOfDay = t - dayIndex * kDay;
    int hour = static_cast<int>(secondOfDay / 3600);
    int minute = static_cast<int>(secondOfDay / 60 % 60);
    int second = static_cast<int>(secondOfDay % 60);
    if (!hourSet_[static_cast<size_t>(hour)]) {
      t = dayIndex * kDay + (hour + 1) * 3600;
      continue;
    }
    if (!minuteSet_[static_cast<size_t>(minute)]) {
      t = dayIndex * kDay + hour * 3600 + (minute + 1) * 60;
      continue;
    }
    while (second < 60 && !secondSet_[static_cast<size_t>(second)]) ++second;
    if (second == 60) {
      t = dayIndex * kDay + hour * 3600 + (minute + 1) * 60;
      continue;
    }
    return dayIndex * kDay + hour * 3600 + minute * 60 + second;
  }
  return std::nullopt;
}

std::vector<sys_seconds> CalendarSpec::nextRuns(sys_seconds after, size_t count,
                                                std::string_view hostTimeZone) const {
  std::vector<sys_seconds> out;
  std::string zoneName = timeZone_.empty() ? std::string(hostTimeZone) : timeZone_;
  const date::time_zone* zone = nullptr;
  if (!zoneName.empty() && zoneName != "UTC" && zoneName != "Etc/UTC") {
    zone = findZone(zoneName);
    if (zone == nullptr) {
      throw TimeZoneError("unknown time zone \"" + zoneName +
                          "\" (an IANA name such as Europe/Berlin is expected)");
    }
  }
  int64_t from = after.time_since_epoch().count() + 1;
  if (zone != nullptr) from = zone->to_local(after).time_since_epoch().count() + 1;
  const int64_t limit =
      sys_days{std::chrono::year{kLastYear + 1} / 1 / 1}.time_since_epoch().count() * 86400;
  while (out.size() < count) {
    std::optional<int64_t> s = nextLocalSecond(from, limit);
    if (!s) break;
    from = *s + 1;
    sys_seconds t{std::chrono::seconds{*s}};
    if (zone != nullptr) {
      date::local_seconds local{std::chrono::seconds{*s}};
      date::local_info info = zone->get_info(local);
      if (info.result == date::local_info::nonexistent) continue;
      t = sys_seconds{local.time_since_epoch() - info.first.offset};
    }
    if (t <= after) continue;
    out.push_back(t);
  }
  return out;
}

// --- cron equivalent, description, cadence ----------------------------------------------

std::optional<std::string> CalendarSpec::cronEquivalent() const {
  if (secondSet_.count() != 1 || !secondSet_[0] || !years_.empty() || daysFromEnd_) {
    return std::nullopt;
  }
  const bool daysAll = isFull(daySet_, 1, 31);
  if (!daysAll && !weekdays_.all()) return std::nullopt;
  std::bitset<7> sunday0;
  for (size_t d = 0; d < 7; ++d) sunday0[(d + 1) % 7] = weekdays_[d];
  std::string cron = numberList(minuteSet_) + " " + numberList(hourSet_) + " " +
                     (daysAll ? "*" : numberList(daySet_)) + " " + numberList(monthSet_) + " " +
                     (weekdays_.all() ? "*" : numberList(sunday0));
  return CronExpression::parse(cron).normalized();
}

std::optional<std::string> CalendarSpec::rrule() const {
  if (!years_.empty() || secondSet_.none() || minuteSet_.none() || hourSet_.none() || daySet_.none() ||
      monthSet_.none() || weekdays_.none()) {
    return std::nullopt;
  }
  std::string out = "FREQ=DAILY";
  if (!isFull(monthSet_, 1, 12)) out += ";BYMONTH=" + numberList(monthSet_);
  if (daysFromEnd_ || !isFull(daySet_, 1, 31)) {
    std::string days;
    for (int d = 1; d <= 31; ++d) {
      if (!daySet_[static_cast<size_t>(d)]) continue;
      if (!days.empty()) days += ',';
      days += (daysFromEnd_ ? "-" : "") + std::to_string(d);
    }
    out += ";BYMONTHDAY=" + days;
  }
  if (!weekdays_.all()) {
    static const char* const kMon0[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    std::string days;
    for (size_t d = 0; d < 7; ++d) {
      if (!weekdays_[d]) continue;
      if (!days.empty()) days += ',';
      days += kMon0[d];
    }
    out += ";BYDAY=" + days;
  }
  out += ";BYHOUR=" + numberList(hourSet_) + ";BYMINUTE=" + numberList(minuteSet_) +
         ";BYSECOND=" + numberList(secondSet_);
  return out;
}

std::string CalendarSpec::describe() const {
  std::string zone = timeZone_.empty() ? "" : " (" + timeZone_ + ")";
  if (auto cron = cronEquivalent()) return CronExpression::parse(*cron).describe() + zone;
  // Time of day.
  std::string time;
  const bool clockAll = minuteSet_.all() && hourSet_.all();
  if (secondSet_.count() == 1 && secondSet_[0]) {
    time = CronExpression::parse(numberList(minuteSet_) + " " + numberList(hourSet_) + " * * *")
               .describe();
    const std::string suffix = " every day";
    if (time.size() > suffix.size() && time.ends_with(suffix)) {
      time.resize(time.size() - suffix.size());
    }
  } else if (clockAll && secondSet_.all()) {
    time = "every second";
  } else if (int s = stepFromMin(secondSet_, 0, 59); clockAll && s && 60 % s == 0) {
    time = "every " + std::to_string(s) + " seconds";
  } else {
    time = "at " + formatChain(hours_, 2) + ":" + formatChain(minutes_, 2) + ":" +
           formatChain(seconds_, 2);
  }
  // Days.
  std::string days;
  std::vector<int> d = values(daySet_);
  if (daysFromEnd_) {
    if (d.size() == 1) {
      days = d[0] == 1 ? "on the last day of the month"
                       : "on the " + ordinal(d[0]) + "-last day of the month";
    } else {
      days = "on days " + valuesText(daySet_, number) + " counted back from the month's end";
    }
  } else if (!isFull(daySet_, 1, 31)) {
    days = d.size() == 1 ? "on day " + number(d[0]) + " of the month"
                         : "on days " + valuesText(daySet_, number) + " of the month";
  }
  if (!weekdays_.all()) {
    std::bitset<7> sunday0;
    for (size_t i = 0; i < 7; ++i) sunday0[(i + 1) % 7] = weekdays_[i];
    std::vector<int> w = values(sunday0);
    std::string names = valuesText(sunday0, dayWord);
    if (days.empty()) {
      days = w.size() == 1 ? "every " + names : "on " + names;
    } else {
      days += w.size() == 1 ? " if it is a " + names : " if it is " + names;
    }
  }
  std::string out = time;
  if (!days.empty()) out += " " + days;
  if (!isFull(monthSet_, 1, 12)) out += " in " + valuesText(monthSet_, monthWord);
  if (!years_.empty()) out += " in " + formatChain(years_, 4);
  return out + zone;
}

Cadence CalendarSpec::cadence() const {
  if (secondSet_.count() * minuteSet_.count() * hourSet_.count() > 1) return Cadence::SubDaily;
  const int runDays = countMatchingDays([this](int y, unsigned m, unsigned d, unsigned wd) {
    return dayMatches(y, m, d, (wd + 6) % 7);  // systemd counts from Monday
  });
  // Restricted years: the rate over those four years says nothing; judge by the years.
  if (!years_.empty()) {
    int yearsHit = 0;
    for (int y = 2024; y < 2124; ++y) yearsHit += yearMatches(y) ? 1 : 0;
    if (yearsHit == 0) return Cadence::Irregular;
    if (yearsHit < 50) {
      // e.g. "2026/2-01-01": every other year at most; such events are rare by design.
      return runDays == 0 ? Cadence::Irregular : Cadence::Annual;
    }
  }
  if (runDays == 0) return Cadence::Irregular;
  return cadenceForInterval(static_cast<double>(kCadenceSpanDays) / runDays);
}

// --- time spans ---------------------------------------------------------------------------

namespace {

struct SpanUnit {
  const char* name;
  int64_t usec;
};
// Longest names first so "min" wins over "m" and "month" over "m"/"M".
constexpr SpanUnit kSpanUnits[] = {
    {"seconds", 1000000},
    {"second", 1000000},
    {"minutes", 60000000},
    {"minute", 60000000},
    {"months", 2629800000000},
    {"month", 2629800000000},
    {"hours", 3600000000},
    {"hour", 3600000000},
    {"days", 86400000000},
    {"day", 86400000000},
    {"weeks", 604800000000},
    {"week", 604800000000},
    {"years", 31557600000000},
    {"year", 31557600000000},
    {"usec", 1},
    {"msec", 1000},
    {"sec", 1000000},
    {"min", 60000000},
    {"hr", 3600000000},
    {"us", 1},
    {"ms", 1000},
    {"s", 1000000},
    {"m", 60000000},
    {"h", 3600000000},
    {"d", 86400000000},
    {"w", 604800000000},
    {"M", 2629800000000},
    {"y", 31557600000000},
};

struct HumanUnit {
  const char* suffix;
  const char* word;
  int64_t usec;
};
constexpr HumanUnit kHumanUnits[] = {
    {"y", "year", 31557600000000}, {"month", "month", 2629800000000}, {"w", "week", 604800000000},
    {"d", "day", 86400000000},     {"h", "hour", 3600000000},         {"min", "minute", 60000000},
    {"s", "second", 1000000},      {"ms", "millisecond", 1000},       {"us", "microsecond", 1},
};

}  // namespace

TimeSpan TimeSpan::parse(std::string_view text) {
  auto fail = [&](const std::string& what) -> void {
    throw CalendarError("time span \"" + std::string(text) + "\": " + what);
  };
  size_t i = 0;
  double total = 0;
  bool any = false;
  while (true) {
    while (i < text.size() && isBlank(text[i])) ++i;
    if (i == text.size()) break;
    size_t begin = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == begin) fail("a number is expected at \"" + std::string(text.substr(begin)) + "\"");
    if (i - begin > 15) fail("number too long");
    std::string num(text.substr(begin, i - begin));
    if (num.find('.') != num.rfind('.') || num == ".") fail("bad number \"" + num + "\"");
    double value = std::strtod(num.c_str(), nullptr);
    while (i < text.size() && isBlank(text[i])) ++i;
    size_t unitBegin = i;
    while (i < text.size() &&
           ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z')))
      ++i;
    std::string_view unit = text.substr(unitBegin, i - unitBegin);
    int64_t scale = 1000000;  // a bare number is seconds
    if (!unit.empty()) {
      scale = 0;
      for (const SpanUnit& u : kSpanUnits) {
        if (unit == u.name) {
          scale = u.usec;
          break;
        }
      }
      if (scale == 0) fail("unknown unit \"" + std::string(unit) + "\"");
    }
    total += value * static_cast<double>(scale);
    if (total > 1e17) fail("too long");
    any = true;
  }
  if (!any) fail("empty");
  TimeSpan span;
  span.value_ = std::chrono::microseconds{static_cast<int64_t>(std::llround(total))};
  return span;
}

std::string TimeSpan::normalized() const {
  int64_t left = value_.count();
  if (left == 0) return "0";
  std::string out;
  for (const HumanUnit& u : kHumanUnits) {
    if (left < u.usec) continue;
    if (!out.empty()) out += ' ';
    // As systemd: under a minute, seconds and milliseconds carry their remainder as a
    // fraction ("1.500000s", "1.500ms").
    if ((u.usec == 1000000 || u.usec == 1000) && left < 60000000 && left % u.usec != 0) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%lld.%0*lld%s", static_cast<long long>(left / u.usec),
                    u.usec == 1000000 ? 6 : 3, static_cast<long long>(left % u.usec), u.suffix);
      return out + buf;
    }
    out += std::to_string(left / u.usec) + u.suffix;
    left %= u.usec;
  }
  return out;
}

std::string TimeSpan::describe() const {
  int64_t left = value_.count();
  if (left == 0) return "0 seconds";
  std::vector<std::string> parts;
  for (const HumanUnit& u : kHumanUnits) {
    if (left >= u.usec) {
      int64_t n = left / u.usec;
      parts.push_back(std::to_string(n) + " " + u.word + (n == 1 ? "" : "s"));
      left %= u.usec;
    }
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

Cadence TimeSpan::cadence() const {
  if (value_.count() <= 0) return Cadence::Irregular;
  return cadenceForInterval(static_cast<double>(value_.count()) / 86400e6);
}

}  // namespace ddd::analyzers::runbooks
