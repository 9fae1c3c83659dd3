// libFuzzer target for the cron parser (analyzers/runbooks/cron.h). Invariants for any
// input: no crash or hang; an expression that parses has a normalized form that parses
// to the same normalized form and the same next runs; every next run is after the start
// time and matches the expression; description and cadence always exist.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/runbooks/cron.h"

using ddd::analyzers::runbooks::CronError;
using ddd::analyzers::runbooks::CronExpression;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const CronExpression c = CronExpression::parse(text);
    const std::string normalized = c.normalized();
    const CronExpression again = CronExpression::parse(normalized);
    if (again.normalized() != normalized) __builtin_trap();
    if (c.describe().empty()) __builtin_trap();
    (void)ddd::analyzers::runbooks::toString(c.cadence());
    const std::chrono::sys_seconds start{std::chrono::seconds{1767225600}};  // 2026-01-01
    const auto runs = c.nextRuns(start, 3);
    if (runs != again.nextRuns(start, 3)) __builtin_trap();
    auto previous = start;
    for (auto t : runs) {
      if (t <= previous || !c.matches(t)) __builtin_trap();
      previous = t;
    }
    for (auto t : c.nextRuns(start, 2, "Europe/Berlin")) {
      if (t <= start) __builtin_trap();
    }
  } catch (const CronError&) {
  }
  return 0;
}
