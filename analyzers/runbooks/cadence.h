#pragma once
// Cadence: how often a maintenance task runs, bucketed the way runbooks are split
// (daily.md, weekly.md, monthly.md, quarterly.md). Shared by the cron / OnCalendar
// parsers and the schedule extractors.

#include <functional>

namespace ddd::analyzers::runbooks {

enum class Cadence { SubDaily, Daily, Weekly, Monthly, Quarterly, Annual, Irregular };
const char* toString(Cadence c);  // "sub-daily", "daily", ..., "irregular"

// The bucket of a task that runs on average every `days` days (a day or less apart ->
// SubDaily when several runs a day, see callers): <= 2.5 daily, <= 10 weekly, <= 45
// monthly, <= 135 quarterly, else annual. `days` <= 0 -> Irregular.
Cadence cadenceForInterval(double days);

// The days of 2024-2027 (four years with one leap day) for which matches(year, month,
// day, weekday with Sunday = 0) holds, out of kCadenceSpanDays. The calendar rules'
// cadence is kCadenceSpanDays / that count.
inline constexpr int kCadenceSpanDays = 4 * 365 + 1;
int countMatchingDays(const std::function<bool(int, unsigned, unsigned, unsigned)>& matches);

}  // namespace ddd::analyzers::runbooks
