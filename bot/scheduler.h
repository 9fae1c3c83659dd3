#pragma once
// The scheduler of `ddd serve`: per repository, the dependency scan (daily), the full
// analysis (weekly) and the tech-debt report (Monday 06:00 UTC) by default, each a cron
// expression that the server config (`schedules`) and the repository's own config
// (`schedules`, with `timeZone`) can change or turn "off". Each tick enqueues, for every
// schedule, its latest slot at or before now with the dedupe key "repo|job|slot": so
// any number of scheduler replicas enqueue each slot exactly once, and after downtime
// only the latest missed slot runs (once), never one job per missed slot.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/runbooks/cron.h"
#include "bot/jobs/job_store.h"

namespace ddd::bot {

// Server-wide defaults (server config `schedules`): a cron expression or "off" each.
struct ScheduleDefaults {
  std::string dependencies = "0 5 * * *";  // daily at 05:00
  std::string analysis = "0 4 * * 1";      // weekly, Monday 04:00
  std::string report = "0 6 * * 1";        // weekly, Monday 06:00
  std::string timeZone = "UTC";
};

// Reads {"dependencies": ..., "analysis": ..., "report": ..., "timeZone": ...} over
// `defaults`; throws std::invalid_argument naming `source` and the field for a bad cron
// expression, an unknown time zone or an unknown field.
ScheduleDefaults parseScheduleDefaults(const nlohmann::json& j, const std::string& source,
                                       ScheduleDefaults defaults = {});

// One schedule of one repository.
struct RepositorySchedule {
  std::string job;   // "dependencies" | "analysis" | "report"
  std::string kind;  // the job kind to enqueue: "<forge>.analyze" or "<forge>.report"
  std::string cron;  // as configured
  std::string timeZone;
  nlohmann::json payload;  // the job's payload
};

// The schedules of `r` (its config over the server's defaults; "off" ones left out).
// A repository config with a bad expression keeps the defaults for that job and adds a
// warning naming the repository and field.
std::vector<RepositorySchedule> schedulesOf(const RepositoryRecord& r,
                                            const ScheduleDefaults& defaults,
                                            std::vector<std::string>* warnings = nullptr);

// The latest run of `cron` (read in `timeZone`) at or before `now`, in unix seconds;
// nullopt when there was none in the last four years.
std::optional<int64_t> latestSlot(const analyzers::runbooks::CronExpression& cron,
                                  const std::string& timeZone, int64_t now);

struct TickResult {
  size_t enqueued = 0;    // new jobs stored by this tick
  size_t duplicates = 0;  // slots already enqueued (by an earlier tick or another replica)
  std::vector<std::string> warnings;
};

// One pass over the active repositories of `store`.
TickResult schedulerTick(JobStore& store, const ScheduleDefaults& defaults, int64_t now);

}  // namespace ddd::bot
