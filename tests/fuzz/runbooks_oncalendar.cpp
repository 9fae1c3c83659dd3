// libFuzzer target for systemd calendar events and time spans
// (analyzers/runbooks/systemd_calendar.h). Invariants for any input: no crash or hang; an
// event that parses has a normalized form that parses to itself with the same elapses;
// elapses are increasing and after the start; a cron equivalent, when given, parses; a
// time span that parses has a normalized form that parses to the same value when it
// needs no fraction.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/systemd_calendar.h"

using namespace ddd::analyzers::runbooks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const CalendarSpec spec = CalendarSpec::parse(text);
    const std::string normalized = spec.normalized();
    const CalendarSpec again = CalendarSpec::parse(normalized);
    if (again.normalized() != normalized) __builtin_trap();
    const std::chrono::sys_seconds start{std::chrono::seconds{1767225600}};  // 2026-01-01
    const auto runs = spec.nextRuns(start, 3);
    if (runs != again.nextRuns(start, 3)) __builtin_trap();
    auto previous = start;
    for (auto t : runs) {
      if (t <= previous) __builtin_trap();
      previous = t;
    }
    if (auto cron = spec.cronEquivalent()) {
      const auto c = CronExpression::parse(*cron);
      if (spec.timeZone().empty() && c.nextRuns(start, 3) != runs) __builtin_trap();
    }
    if (spec.describe().empty()) __builtin_trap();
    (void)toString(spec.cadence());
  } catch (const CalendarError&) {
  }
  try {
    const TimeSpan span = TimeSpan::parse(text);
    const std::string normalized = span.normalized();
    if (normalized.find('.') == std::string::npos &&
        TimeSpan::parse(normalized).value() != span.value())
      __builtin_trap();
    (void)span.describe();
    (void)toString(span.cadence());
  } catch (const CalendarError&) {
  }
  return 0;
}
