#include "analyzers/runbooks/cron.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "analyzers/runbooks/wording.h"

namespace ddd::analyzers::runbooks {
namespace {

using namespace wording;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr int64_t kMinutesPerDay = 1440;
// How far next() looks: long enough for 29 February on a given weekday (28 years).
constexpr int64_t kSearchYears = 28;

struct FieldSpec {
  const char* name;
  int min;
  int max;                   // day-of-week: 7 (Sunday again), folded into 0 after parsing
  const char* const* names;  // three-letter names for min.., or nullptr
};

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr},
    {"hour", 0, 23, nullptr},
    {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, kMonthNames},
    {"day-of-week", 0, 7, kDayNames},
}};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

class FieldParser {
 public:
  FieldParser(std::string_view expression, const FieldSpec& spec, std::string_view text)
      : expression_(expression), spec_(spec), text_(text) {}

  // The set of values, bit i = value i (day-of-week 7 still separate here).
  std::bitset<64> parse() {
    std::bitset<64> bits;
    size_t start = 0;
    while (true) {
      size_t comma = text_.find(',', start);
      std::string_view element = text_.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (element.empty()) fail("empty list element");
      parseElement(element, bits);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return bits;
  }

 private:
  std::string_view expression_;
  const FieldSpec& spec_;
  std::string_view text_;

  [[noreturn]] void fail(const std::string& what) const {
    throw CronError("cron \"" + std::string(expression_) + "\": " + spec_.name + " field \"" +
                        std::string(text_) + "\": " + what,
                    spec_.name);
  }

  std::string rangeText() const {
    return std::to_string(spec_.min) + "-" + std::to_string(spec_.max);
  }

  // A number or (for month / day-of-week) a three-letter name at s[pos..].
  int value(std::string_view s, size_t& pos) const {
    if (pos >= s.size()) fail("a value is missing in \"" + std::string(s) + "\"");
    if (s[pos] >= '0' && s[pos] <= '9') {
      int v = 0;
      size_t digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (++digits > 4) fail("number too long in \"" + std::string(s) + "\"");
        v = v * 10 + (s[pos++] - '0');
      }
      if (v < spec_.min || v > spec_.max) {
        fail(std::to_string(v) + " is out of range " + rangeText());
      }
      return v;
    }
    size_t end = pos;
    while (end < s.size() && ((s[end] >= 'a' && s[end] <= 'z') || (s[end] >= 'A' && s[end] <= 'Z')))
      ++end;
    std::string word = lowered(s.substr(pos, end - pos));
    if (word.empty()) {
      fail("unexpected '" + std::string(1, s[pos]) + "' in \"" + std::string(s) + "\"");
    }
    if (spec_.names != nullptr) {
      const int count = spec_.max - spec_.min + 1 - (spec_.max == 7 ? 1 : 0);
      for (int i = 0; i < count; ++i) {
        if (word == spec_.names[i]) {
          pos = end;
          return spec_.min + i;
        }
      }
      fail("unknown name \"" + std::string(s.substr(pos, end - pos)) + "\" (use " +
           (spec_.max == 7 ? "SUN-SAT" : "JAN-DEC") + " or numbers " + rangeText() + ")");
    }
    fail("\"" + std::string(s.substr(pos, end - pos)) + "\" is not a number " + rangeText());
  }

  void parseElement(std::string_view e, std::bitset<64>& bits) const {
    size_t pos = 0;
    int low = 0, high = 0;
    bool ranged = false;
    if (e[0] == '*') {
      low = spec_.min;
      high = spec_.max;
      pos = 1;
      ranged = true;
    } else {
      low = value(e, pos);
      high = low;
      if (pos < e.size() && e[pos] == '-') {
        ++pos;
        high = value(e, pos);
        ranged = true;
        // FRI-SUN: Sunday written as 0 (or SUN) at the end of a range means 7.
        if (spec_.max == 7 && high == 0 && low > 0) high = 7;
        if (low > high) {
          fail("range " + std::to_string(low) + "-" + std::to_string(high) + " runs backwards");
        }
      }
    }
    int step = 1;
    if (pos < e.size() && e[pos] == '/') {
      ++pos;
      if (pos >= e.size() || e[pos] < '0' || e[pos] > '9') fail("the step after '/' is missing");
      step = 0;
      size_t digits = 0;
      while (pos < e.size() && e[pos] >= '0' && e[pos] <= '9') {
        if (++digits > 4) fail("step too long");
        step = step * 10 + (e[pos++] - '0');
      }
      if (step == 0) fail("a step of 0");
      if (!ranged) high = spec_.max;  // "5/15" = "5-max/15", as cronie, croniter and K8s read it
    }
    if (pos != e.size()) {
      fail("unexpected '" + std::string(1, e[pos]) + "' in \"" + std::string(e) + "\"");
    }
    for (int v = low; v <= high; v += step) bits.set(static_cast<size_t>(v));
  }
};

// "1-5", "0-59/15", "1,15", "1-3,10".
template <size_t N>
std::string listForm(const std::bitset<N>& bits) {
  std::vector<int> v = values(bits);
  if (v.size() >= 3) {
    int s = v[1] - v[0];
    bool progression = s > 1;
    for (size_t i = 1; progression && i < v.size(); ++i) progression = v[i] - v[i - 1] == s;
    if (progression) {
      return std::to_string(v.front()) + "-" + std::to_string(v.back()) + "/" + std::to_string(s);
    }
  }
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ',';
    if (j - i >= 2) {
      out += std::to_string(v[i]) + "-" + std::to_string(v[j]);
    } else {
      for (size_t k = i; k <= j; ++k) {
        if (k > i) out += ',';
        out += std::to_string(v[k]);
      }
    }
    i = j + 1;
  }
  return out;
}

template <size_t N>
std::string fieldForm(const std::bitset<N>& bits, int min, int max, bool starStep) {
  if (isFull(bits, min, max)) return "*";
  if (starStep) {
    if (int s = stepFromMin(bits, min, max)) return std::string("*/") + std::to_string(s);
  }
  return listForm(bits);
}

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (isBlank(text[b]) || text[b] == '\r' || text[b] == '\n')) ++b;
  while (e > b && (isBlank(text[e - 1]) || text[e - 1] == '\r' || text[e - 1] == '\n')) --e;
  std::string_view expr = text.substr(b, e - b);
  if (expr.empty()) throw CronError("cron expression is empty", "");

  CronExpression c;
  if (expr[0] == '@') {
    static const std::pair<const char*, const char*> kMacros[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"},
    };
    std::string macro = lowered(expr);
    if (macro == "@reboot") {
      c.reboot_ = true;
      return c;
    }
    for (const auto& m : kMacros) {
      if (macro == m.first) return parse(m.second);
    }
    throw CronError("cron \"" + std::string(expr) +
                        "\": unknown macro (known: @yearly @annually @monthly @weekly @daily "
                        "@midnight @hourly @reboot)",
                    "");
  }

  std::vector<std::string_view> fields;
  for (size_t i = 0; i < expr.size();) {
    while (i < expr.size() && isBlank(expr[i])) ++i;
    size_t j = i;
    while (j < expr.size() && !isBlank(expr[j])) ++j;
    if (j > i) fields.push_back(expr.substr(i, j - i));
    i = j;
  }
  if (fields.size() != 5) {
    throw CronError("cron \"" + std::string(expr) + "\": expected 5 fields (minute hour " +
                        "day-of-month month day-of-week), found " + std::to_string(fields.size()),
                    "");
  }
  for (std::string_view f : fields) {
    for (char ch : f) {
      if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
        throw CronError("cron \"" + std::string(expr) + "\": control or non-ASCII character", "");
      }
    }
  }
  std::bitset<64> sets[5];
  for (size_t i = 0; i < 5; ++i) sets[i] = FieldParser(expr, kFields[i], fields[i]).parse();
  for (size_t v = 0; v < 60; ++v) c.minutes_[v] = sets[0][v];
  for (size_t v = 0; v < 24; ++v) c.hours_[v] = sets[1][v];
  for (size_t v = 1; v <= 31; ++v) c.daysOfMonth_[v] = sets[2][v];
  for (size_t v = 1; v <= 12; ++v) c.months_[v] = sets[3][v];
  for (size_t v = 0; v < 7; ++v) c.daysOfWeek_[v] = sets[4][v];
  if (sets[4][7]) c.daysOfWeek_[0] = true;
  c.domStar_ = fields[2][0] == '*';
  c.dowStar_ = fields[4][0] == '*';
  c.dayOr_ = !c.domStar_ && !c.dowStar_;
  c.domText_ = lowered(fields[2]);
  c.dowText_ = lowered(fields[4]);
  return c;
}

bool CronExpression::dayMatches(int year, unsigned month, unsigned day, unsigned weekday) const {
  (void)year;
  if (!months_[month]) return false;
  bool dom = daysOfMonth_[day];
  bool dow = daysOfWeek_[weekday];
  return dayOr_ ? (dom || dow) : (dom && dow);
}

bool CronExpression::matches(sys_seconds t) const {
  if (reboot_) return false;
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  std::chrono::weekday wd{days};
  auto secs = (t - days).count();
  return dayMatches(int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), wd.c_encoding()) &&
         hours_[static_cast<size_t>(secs / 3600)] && minutes_[static_cast<size_t>(secs / 60 % 60)];
}

std::optional<int64_t> CronExpression::nextLocalMinute(int64_t m, int64_t limit) const {
  while (m <= limit) {
    int64_t dayIndex = m >= 0 ? m / kMinutesPerDay : -((-m + kMinutesPerDay - 1) / kMinutesPerDay);
    sys_days day{std::chrono::days{dayIndex}};
    std::chrono::year_month_day ymd{day};
    if (!months_[unsigned(ymd.month())]) {
      auto firstOfNext =
          std::chrono::year_month_day{ymd.year() / ymd.month() / 1} + std::chrono::months{1};
      m = sys_days{firstOfNext}.time_since_epoch().count() * kMinutesPerDay;
      continue;
    }
    if (!dayMatches(int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                    std::chrono::weekday{day}.c_encoding())) {
      m = (dayIndex + 1) * kMinutesPerDay;
      continue;
    }
    int64_t minuteOfDay = m - dayIndex * kMinutesPerDay;
    int hour = static_cast<int>(minuteOfDay / 60);
    int minute = static_cast<int>(minuteOfDay % 60);
    if (!hours_[static_cast<size_t>(hour)]) {
      m = dayIndex * kMinutesPerDay + (hour + 1) * 60;
      continue;
    }
    int next = minute;
    while (next < 60 && !minutes_[static_cast<size_t>(next)]) ++next;
    if (next == 60) {
      m = dayIndex * kMinutesPerDay + (hour + 1) * 60;
      continue;
    }
    return dayIndex * kMinutesPerDay + hour * 60 + next;
  }
  return std::nullopt;
}

std::optional<sys_seconds> CronExpression::next(sys_seconds after) const {
  auto runs = nextRuns(after, 1, "UTC");
  if (runs.empty()) return std::nullopt;
  return runs.front();
}

std::vector<sys_seconds> CronExpression::nextRuns(sys_seconds after, size_t count,
                                                  std::string_view timeZone) const {
  std::vector<sys_seconds> out;
  if (reboot_ || count == 0) return out;
  const date::time_zone* zone = nullptr;
  if (!timeZone.empty() && timeZone != "UTC" && timeZone != "Etc/UTC") {
    try {
      zone = date::locate_zone(std::string(timeZone));
    } catch (const std::exception& e) {
      throw TimeZoneError("unknown time zone \"" + std::string(timeZone) +
                          "\" (an IANA name such as Europe/Berlin is expected): " + e.what());
    }
  }
  auto localSeconds = [&](sys_seconds t) -> int64_t {
    if (zone == nullptr) return t.time_since_epoch().count();
    return zone->to_local(t).time_since_epoch().count();
  };
  auto floorDiv = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  int64_t from = floorDiv(localSeconds(after), 60) + 1;
  const int64_t limit = from + kSearchYears * 366 * kMinutesPerDay;
  while (out.size() < count) {
    std::optional<int64_t> m = nextLocalMinute(from, limit);
    if (!m) break;
    from = *m + 1;
    sys_seconds t;
    if (zone == nullptr) {
      t = sys_seconds{std::chrono::seconds{*m * 60}};
    } else {
      date::local_seconds local{std::chrono::seconds{*m * 60}};
      date::local_info info = zone->get_info(local);
      if (info.result == date::local_info::nonexistent) continue;
      t = sys_seconds{local.time_since_epoch() - info.first.offset};  // unique or earliest
    }
    if (t <= after) continue;  // the second pass through a repeated hour
    out.push_back(t);
  }
  return out;
}

std::string CronExpression::normalized() const {
  if (reboot_) return "@reboot";
  const bool domFull = isFull(daysOfMonth_, 1, 31);
  const bool dowFull = isFull(daysOfWeek_, 0, 6);
  std::string dom, dow;
  if (dayOr_ && (domFull || dowFull)) {
    dom = dow = "*";  // either matches every day
  } else {
    auto dayField = [](const auto& bits, int min, int max, bool star, const std::string& text) {
      if (isFull(bits, min, max)) return std::string("*");
      if (!star) return listForm(bits);
      if (int s = stepFromMin(bits, min, max)) return std::string("*/") + std::to_string(s);
      return text;  // a star-led list such as "*/10,5": kept so the OR/AND rule holds
    };
    dom = dayField(daysOfMonth_, 1, 31, domStar_, domText_);
    dow = dayField(daysOfWeek_, 0, 6, dowStar_, dowText_);
  }
  return fieldForm(minutes_, 0, 59, true) + " " + fieldForm(hours_, 0, 23, true) + " " + dom + " " +
         fieldForm(months_, 1, 12, true) + " " + dow;
}

std::string CronExpression::describe() const {
  if (reboot_) return "at every boot";
  // --- time of day ---
  std::string time;
  const bool allMinutes = minutes_.all();
  const bool allHours = hours_.all();
  const std::vector<int> ms = values(minutes_), hs = values(hours_);
  const int minuteStep = stepFromMin(minutes_, 0, 59);
  const int hourStep = stepFromMin(hours_, 0, 23);
  bool clockTimes = false;
  if (allMinutes && allHours) {
    time = "every minute";
  } else if (allHours) {
    if (minuteStep && 60 % minuteStep == 0) {
      time = "every " + number(minuteStep) + " minutes";
    } else if (ms.size() == 1) {
      time = ms[0] == 0 ? "every hour" : "every hour at minute " + number(ms[0]);
    } else {
      time = "at minutes " + valuesText(minutes_, number) + " of every hour";
    }
  } else if (ms.size() * hs.size() <= 6) {
    std::vector<std::string> times;
    for (int h : hs)
      for (int m : ms) times.push_back(twoDigits(h) + ":" + twoDigits(m));
    time = "at " + joinWords(times);
    clockTimes = true;
  } else if (ms.size() == 1 && hourStep && 24 % hourStep == 0) {
    time = "every " + number(hourStep) + " hours";
    if (ms[0] != 0) time += " at minute " + number(ms[0]);
  } else {
    std::string minutePart;
    if (allMinutes) {
      minutePart = "every minute";
    } else if (minuteStep && 60 % minuteStep == 0) {
      minutePart = "every " + number(minuteStep) + " minutes";
    } else if (ms.size() == 1) {
      minutePart = "at minute " + number(ms[0]);
    } else {
      minutePart = "at minutes " + valuesText(minutes_, number);
    }
    if (hs.back() - hs.front() + 1 == static_cast<int>(hs.size())) {
      time =
          minutePart + " from " + twoDigits(hs.front()) + ":00 to " + twoDigits(hs.back()) + ":59";
    } else {
      time = minutePart + " during hours " + valuesText(hours_, twoDigits);
    }
  }

  // --- days ---
  const bool domFull = isFull(daysOfMonth_, 1, 31);
  const bool dowFull = isFull(daysOfWeek_, 0, 6);
  const bool monthsFull = isFull(months_, 1, 12);
  auto domText = [&]() -> std::string {
    std::vector<int> d = values(daysOfMonth_);
    if (int s = stepFromMin(daysOfMonth_, 1, 31))
      return "on every " + ordinal(s) + " day of the month";
    if (d.size() == 1) return "on day " + number(d[0]) + " of the month";
    return "on days " + valuesText(daysOfMonth_, number) + " of the month";
  };
  auto dowText = [&]() -> std::string {
    std::vector<int> d = values(daysOfWeek_);
    if (d.size() == 1) return "every " + dayWord(d[0]);
    return "on " + valuesText(daysOfWeek_, dayWord);
  };
  std::string days;
  std::string month = monthsFull ? "" : " in " + valuesText(months_, monthWord);
  const bool everyDay = (dayOr_ && (domFull || dowFull)) || (domFull && dowFull);
  if (everyDay) {
    if (clockTimes) days = "every day";
  } else if (dayOr_) {
    days = domText() + " or " + dowText();
  } else if (dowFull) {
    std::vector<int> d = values(daysOfMonth_);
    std::vector<int> mo = values(months_);
    if (d.size() == 1 && mo.size() == 1) {
      days = "on " + number(d[0]) + " " + monthWord(mo[0]);
      month.clear();
    } else {
      days = domText();
    }
  } else if (domFull) {
    days = dowText();
  } else {
    std::string dowPart = dowText();
    if (dowPart.rfind("every ", 0) == 0)
      dowPart = "a " + dowPart.substr(6);
    else
      dowPart = dowPart.substr(3);
    days = domText() + " if it is " + dowPart;
  }
  std::string out = time;
  if (!days.empty()) out += " " + days;
  return out + month;
}

Cadence CronExpression::cadence() const {
  if (reboot_) return Cadence::Irregular;
  if (minutes_.count() * hours_.count() > 1) return Cadence::SubDaily;
  const int runDays = countMatchingDays([this](int y, unsigned m, unsigned d, unsigned wd) {
    return dayMatches(y, m, d, wd);
  });
  if (runDays == 0) return Cadence::Irregular;
  return cadenceForInterval(static_cast<double>(kCadenceSpanDays) / runDays);
}

std::string formatUtc(sys_seconds t) {
  auto days = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{days};
  int64_t secs = (t - days).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(secs / 3600), int(secs / 60 % 60),
                int(secs % 60));
  return buf;
}

}  // namespace ddd::analyzers::runbooks
