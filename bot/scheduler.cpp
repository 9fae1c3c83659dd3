#include "bot/scheduler.h"

#include <chrono>
#include <stdexcept>

#include "forges/webhooks/events.h"

namespace ddd::bot {
namespace {

using analyzers::runbooks::CronExpression;

constexpr const char* kJobs[] = {"dependencies", "analysis", "report"};

std::string& field(ScheduleDefaults& d, const std::string& job) {
  if (job == "dependencies") return d.dependencies;
  if (job == "analysis") return d.analysis;
  return d.report;
}

// Throws std::invalid_argument naming `where` for anything but "off" or a valid cron.
void checkCron(const std::string& text, const std::string& where) {
  if (text == "off") return;
  try {
    if (CronExpression::parse(text).atReboot()) {
      throw std::invalid_argument(where + ": @reboot has no time; give a cron expression or \"off\"");
    }
  } catch (const analyzers::runbooks::CronError& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

void checkZone(const std::string& zone, const std::string& where) {
  try {
    CronExpression::parse("0 0 * * *").nextRuns(std::chrono::sys_seconds{}, 1, zone);
  } catch (const analyzers::runbooks::TimeZoneError& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

}  // namespace

ScheduleDefaults parseScheduleDefaults(const nlohmann::json& j, const std::string& source,
                                       ScheduleDefaults d) {
  if (!j.is_object()) throw std::invalid_argument(source + ": expected an object");
  for (const auto& item : j.items()) {
    const std::string where = source + "/" + item.key();
    if (!item.value().is_string()) throw std::invalid_argument(where + ": expected a string");
    const std::string value = item.value().get<std::string>();
    if (item.key() == "timeZone") {
      checkZone(value, where);
      d.timeZone = value;
    } else if (item.key() == "dependencies" || item.key() == "analysis" ||
               item.key() == "report") {
      checkCron(value, where);
      field(d, item.key()) = value;
    } else {
      throw std::invalid_argument(where +
                                  ": unknown field (known: dependencies, analysis, report, timeZone)");
    }
  }
  return d;
}

std::vector<RepositorySchedule> schedulesOf(const RepositoryRecord& r,
                                            const ScheduleDefaults& defaults,
                                            std::vector<std::string>* warnings) {
  ScheduleDefaults mine = defaults;
  const auto own = nlohmann::json::parse(r.schedules.empty() ? "{}" : r.schedules, nullptr, false);
  if (own.is_object()) {
    // Field by field, so one bad value costs only that field.
    for (const auto& item : own.items()) {
      try {
        mine = parseScheduleDefaults(nlohmann::json{{item.key(), item.value()}},
                                     r.repo + " schedules", mine);
      } catch (const std::invalid_argument& e) {
        if (warnings) warnings->push_back(std::string(e.what()) + "; the server's default applies");
      }
    }
  } else if (warnings) {
    warnings->push_back(r.repo + " schedules: not a JSON object; the server's defaults apply");
  }
  const auto payload = nlohmann::json::parse(r.payload.empty() ? "{}" : r.payload, nullptr, false);
  std::vector<RepositorySchedule> out;
  for (const char* job : kJobs) {
    const std::string cron = field(mine, job);
    if (cron == "off") continue;
    RepositorySchedule s;
    s.job = job;
    s.kind = r.forge + (std::string(job) == "report" ? ".report" : ".analyze");
    s.cron = cron;
    s.timeZone = mine.timeZone;
    s.payload = payload.is_object() ? payload : nlohmann::json::object();
    s.payload["repo"] = r.repo;
    s.payload["scheduled"] = job;
    if (std::string(job) == "dependencies") {
      s.payload["analyzers"] = nlohmann::json::array({"dependencies"});
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<int64_t> latestSlot(const CronExpression& cron, const std::string& timeZone,
                                  int64_t now) {
  if (cron.atReboot()) return std::nullopt;
  // Look back over growing windows: the first window holding a run gives the latest one
  // after walking forward (a handful of steps for every-minute expressions).
  for (int64_t window : {int64_t{3600}, int64_t{86400}, int64_t{8 * 86400}, int64_t{32 * 86400},
                         int64_t{367 * 86400}, int64_t{4 * 367 * 86400}}) {
    std::optional<int64_t> latest;
    int64_t from = now - window;
    for (;;) {
      const auto runs = cron.nextRuns(std::chrono::sys_seconds{std::chrono::seconds{from}}, 64,
                                      timeZone);
      bool past = false;
      for (const auto& t : runs) {
        const int64_t at = t.time_since_epoch().count();
        if (at > now) {
          past = true;
          break;
        }
        latest = at;
        from = at;
      }
      if (past || runs.size() < 64) break;
    }
    if (latest) return latest;
  }
  return std::nullopt;
}

TickResult schedulerTick(JobStore& store, const ScheduleDefaults& defaults, int64_t now) {
  TickResult result;
  std::vector<NewJob> jobs;
  for (const auto& repo : store.repositories(true)) {
    for (const auto& s : schedulesOf(repo, defaults, &result.warnings)) {
      std::optional<int64_t> slot;
      try {
        slot = latestSlot(CronExpression::parse(s.cron), s.timeZone, now);
      } catch (const std::exception& e) {
        result.warnings.push_back(repo.repo + " " + s.job + ": " + e.what());
        continue;
      }
      if (!slot) continue;
      auto payload = s.payload;
      payload["slot"] = *slot;
      // Serialised with the project's webhook jobs, which GitLab keys by project id.
      const int64_t projectId =
          repo.forge == "gitlab" && payload.value("projectId", nlohmann::json()).is_number_integer()
              ? payload["projectId"].get<int64_t>()
              : 0;
      jobs.push_back(NewJob{s.kind, projectId > 0 ? forges::gitlabProjectKey(projectId) : repo.repo,
                            payload.dump(),
                            repo.repo + "|" + s.job + "|" + std::to_string(*slot), now});
    }
  }
  if (jobs.empty()) return result;
  for (bool stored : store.enqueueMany(jobs)) (stored ? result.enqueued : result.duplicates)++;
  return result;
}

}  // namespace ddd::bot
