#pragma once
// Cadence: how often a maintenance task runs, bucketed the way runbooks are split
// (daily.md, weekly.md, monthly.md, quarterly.md). Shared by the cron / OnCalendar
// parsers and the schedule extractors.

namespace ddd::analyzers::runbooks {

enum class Cadence { SubDaily, Daily, Weekly, Monthly, Quarterly, Annual, Irregular };
const char* toString(Cadence c);  // "sub-daily", "daily", ..., "irregular"

// The bucket of a task that runs on average every `days` days (a day or less apart ->
// SubDaily when several runs a day, see callers): <= 2.5 daily, <= 10 weekly, <= 45
// monthly, <= 135 quarterly, else annual. `days` <= 0 -> Irregular.
Cadence cadenceForInterval(double days);

}  // namespace ddd::analyzers::runbooks
