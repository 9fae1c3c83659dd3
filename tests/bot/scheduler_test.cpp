// The scheduler: latest slots, exactly-once enqueueing (the dedupe key), one run after
// downtime, repository overrides with time zones, and two schedulers racing over a
// simulated quarter on both backends (each slot once).
#include "bot/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using analyzers::runbooks::CronExpression;

// 2026-11-30 is a Monday.
constexpr int64_t kMonday0600 = 1796018400;  // 2026-11-30T06:00:00Z

RepositoryRecord repo(const std::string& name, const std::string& schedules = "{}") {
  return RepositoryRecord{name, "github",
                          R"({"installation": 42, "cloneUrl": "https://git.example/)" + name +
                              R"(.git", "defaultBranch": "main"})",
                          schedules, true, 0};
}

TEST(Scheduler, LatestSlotIsTheLastRunAtOrBeforeNow) {
  const auto weekly = CronExpression::parse("0 6 * * 1");
  EXPECT_EQ(analyzers::runbooks::formatUtc(std::chrono::sys_seconds{std::chrono::seconds{kMonday0600}}),
            "2026-11-30T06:00:00Z");
  EXPECT_EQ(latestSlot(weekly, "UTC", kMonday0600), kMonday0600);
  EXPECT_EQ(latestSlot(weekly, "UTC", kMonday0600 - 1), kMonday0600 - 7 * 86400);
  EXPECT_EQ(latestSlot(weekly, "UTC", kMonday0600 + 3 * 86400), kMonday0600);
  const auto everyMinute = CronExpression::parse("* * * * *");
  EXPECT_EQ(latestSlot(everyMinute, "UTC", kMonday0600 + 59), kMonday0600);
  const auto yearly = CronExpression::parse("@yearly");
  EXPECT_EQ(latestSlot(yearly, "UTC", kMonday0600), 1767225600);  // 2026-01-01T00:00:00Z
  // 09:00 in Berlin is 08:00 UTC in winter.
  const auto nine = CronExpression::parse("0 9 * * *");
  EXPECT_EQ(latestSlot(nine, "Europe/Berlin", kMonday0600 + 3 * 3600), kMonday0600 + 2 * 3600);
  EXPECT_FALSE(latestSlot(CronExpression::parse("@reboot"), "UTC", kMonday0600));
}

TEST(Scheduler, DefaultsAndRepositoryOverrides) {
  std::vector<std::string> warnings;
  auto all = schedulesOf(repo("octo/a"), ScheduleDefaults{}, &warnings);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].job, "dependencies");
  EXPECT_EQ(all[0].kind, "github.analyze");
  EXPECT_EQ(all[0].payload["analyzers"], nlohmann::json::array({"dependencies"}));
  EXPECT_EQ(all[0].payload["cloneUrl"], "https://git.example/octo/a.git");
  EXPECT_EQ(all[2].kind, "github.report");
  EXPECT_EQ(all[2].cron, "0 6 * * 1");
  EXPECT_TRUE(warnings.empty());

  auto own = schedulesOf(
      repo("octo/b",
           R"({"report": "off", "dependencies": "0 9 * * 1-5", "timeZone": "Europe/Berlin",
               "analysis": "61 * * * *"})"),
      ScheduleDefaults{}, &warnings);
  ASSERT_EQ(own.size(), 2u);  // no report
  EXPECT_EQ(own[0].cron, "0 9 * * 1-5");
  EXPECT_EQ(own[0].timeZone, "Europe/Berlin");
  EXPECT_EQ(own[1].cron, "0 4 * * 1");  // the bad one fell back to the default
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("octo/b schedules/analysis"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("minute"), std::string::npos) << warnings[0];

  EXPECT_THROW(parseScheduleDefaults({{"report", "every monday"}}, "server"), std::invalid_argument);
  EXPECT_THROW(parseScheduleDefaults({{"timeZone", "Mars/Olympus"}}, "server"),
               std::invalid_argument);
  EXPECT_THROW(parseScheduleDefaults({{"weekly", "0 0 * * 0"}}, "server"), std::invalid_argument);
}

class SchedulerStoreTest : public ddd::testing::BackendTest {
 protected:
  std::unique_ptr<JobStore> open(JobPolicy p = {}) { return openJobStore(url(), p); }
  // Jobs per "repo|job" (the dedupe key without its slot).
  std::map<std::string, int> jobsPerSchedule(JobStore& s) {
    std::map<std::string, int> out;
    for (const auto& j : s.list(false, 1000000)) {
      out[j.dedupeKey.substr(0, j.dedupeKey.rfind('|'))]++;
    }
    return out;
  }
};

TEST_P(SchedulerStoreTest, EachSlotOnceAndOneRunAfterDowntime) {
  auto s = open();
  s->upsertRepository(repo("octo/a"));
  auto first = schedulerTick(*s, {}, kMonday0600);
  EXPECT_EQ(first.enqueued, 3u);  // the latest slot of each of the three schedules
  auto again = schedulerTick(*s, {}, kMonday0600 + 600);
  EXPECT_EQ(again.enqueued, 0u);
  EXPECT_EQ(again.duplicates, 3u);
  // Down for five weeks: each schedule runs once, for its latest slot.
  auto back = schedulerTick(*s, {}, kMonday0600 + 35 * 86400 + 7 * 3600);
  EXPECT_EQ(back.enqueued, 3u);
  const auto perSchedule = jobsPerSchedule(*s);
  EXPECT_EQ(perSchedule.at("octo/a|report"), 2);
  EXPECT_EQ(perSchedule.at("octo/a|dependencies"), 2);
  // The payload says what to run.
  for (const auto& j : s->list(false, 10)) {
    const auto p = nlohmann::json::parse(j.payload);
    EXPECT_EQ(p["repo"], "octo/a");
    EXPECT_TRUE(p.contains("slot"));
  }
  // A repository the installation lost is no longer scheduled.
  EXPECT_TRUE(s->deactivateRepository("octo/a", kMonday0600));
  EXPECT_EQ(schedulerTick(*s, {}, kMonday0600 + 60 * 86400).enqueued, 0u);
}

TEST_P(SchedulerStoreTest, RepositoryRecordsKeepTheirSchedulesWhenAnInstallationEventKnowsNone) {
  auto s = open();
  s->upsertRepository(repo("octo/a", R"({"report": "off"})"));
  auto r = repo("octo/a", "");
  r.payload = R"({"installation": 43})";
  s->upsertRepository(r);
  const auto all = s->repositories(true);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].schedules, R"({"report": "off"})");
  EXPECT_EQ(all[0].payload, R"({"installation": 43})");
}

// Two schedulers (two replicas, each with its own connection and its own tick times)
// race over a simulated quarter (ticks every 3 hours, the second replica 90 minutes
// later): every slot is enqueued exactly once.
TEST_P(SchedulerStoreTest, TwoSchedulersOverAQuarterEnqueueEachSlotOnce) {
  {
    auto s = open();
    s->upsertRepository(repo("octo/a"));
    s->upsertRepository(repo("octo/b", R"({"dependencies": "30 */6 * * *"})"));
  }
  const int64_t start = kMonday0600 + 1;  // just after a slot: the first tick enqueues it
  const int64_t quarter = 13 * 7 * 86400;
  size_t enqueued[2] = {0, 0};
  std::vector<std::thread> replicas;
  for (int r = 0; r < 2; ++r) {
    replicas.emplace_back([&, r] {
      auto s = open();
      for (int64_t t = start + r * 5400; t < start + quarter; t += 10800) {
        enqueued[r] += schedulerTick(*s, {}, t).enqueued;
      }
    });
  }
  for (auto& t : replicas) t.join();
  auto s = open();
  const auto perSchedule = jobsPerSchedule(*s);
  // The first tick (Monday 06:00:01) enqueues each schedule's latest slot; the last ticks
  // are at 03:00:01 and 04:30:01 on the Monday 13 weeks later.
  EXPECT_EQ(perSchedule.at("octo/a|report"), 13);    // Mondays 06:00: weeks 0..12
  EXPECT_EQ(perSchedule.at("octo/a|analysis"), 14);  // Mondays 04:00: weeks 0..13
  EXPECT_EQ(perSchedule.at("octo/a|dependencies"), 91);  // 05:00 on days 0..90
  // 00:30, 06:30, 12:30, 18:30 on days 0..90, and 00:30 on day 91
  EXPECT_EQ(perSchedule.at("octo/b|dependencies"), 91 * 4 + 1);
  EXPECT_EQ(enqueued[0] + enqueued[1], static_cast<size_t>(13 + 14 + 91 + 13 + 14 + 365));
  // No dedupe key twice (the store's unique key makes that impossible; count anyway).
  std::set<std::string> keys;
  for (const auto& j : s->list(false, 1000000)) EXPECT_TRUE(keys.insert(j.dedupeKey).second);
}

// Two schedulers and two workers share the store over a simulated quarter: in each
// three-hour round both schedulers tick (the second 90 minutes later) while both workers
// claim and complete whatever is due, all four at once. Every slot's job runs exactly
// once: no slot enqueued twice, none claimed by both workers, none left behind.
TEST_P(SchedulerStoreTest, TwoWorkersAndTwoSchedulersRunEachSlotOnceOverAQuarter) {
  {
    auto s = open();
    s->upsertRepository(repo("octo/a"));
    s->upsertRepository(repo("octo/b", R"({"dependencies": "30 */6 * * *"})"));
  }
  const int64_t start = kMonday0600 + 1;
  const int64_t quarter = 13 * 7 * 86400;
  std::mutex m;
  std::map<std::string, int> runs;  // dedupe key -> times its job ran
  std::unique_ptr<JobStore> schedulers[2] = {open(), open()};
  std::unique_ptr<JobStore> workers[2] = {open(), open()};
  // Leases far longer than the replicas' clock skew (90 simulated minutes): a live
  // worker's job is never taken over here.
  auto work = [&](int w, int64_t now) {
    while (auto job = workers[w]->claim("worker-" + std::to_string(w), 86400, now)) {
      {
        std::lock_guard<std::mutex> lock(m);
        ++runs[job->dedupeKey];
      }
      ASSERT_TRUE(workers[w]->complete(job->id, "worker-" + std::to_string(w)));
    }
  };
  int64_t t = start;
  for (; t < start + quarter; t += 10800) {
    std::vector<std::thread> round;
    for (int r = 0; r < 2; ++r) {
      round.emplace_back([&, r, t] { schedulerTick(*schedulers[r], {}, t + r * 5400); });
      round.emplace_back([&, r, t] { work(r, t + r * 5400); });
    }
    for (auto& th : round) th.join();
  }
  work(0, t);  // what the last round's ticks enqueued after the workers looked
  auto s = open();
  EXPECT_EQ(s->depth(), 0);
  const auto perSchedule = jobsPerSchedule(*s);
  EXPECT_EQ(perSchedule.at("octo/a|report"), 13);
  EXPECT_EQ(perSchedule.at("octo/a|analysis"), 14);
  EXPECT_EQ(perSchedule.at("octo/a|dependencies"), 91);
  EXPECT_EQ(perSchedule.at("octo/b|dependencies"), 91 * 4 + 1);
  size_t jobs = 0;
  for (const auto& j : s->list(false, 1000000)) {
    ++jobs;
    EXPECT_EQ(j.state, "done") << j.dedupeKey;
    EXPECT_EQ(runs[j.dedupeKey], 1) << j.dedupeKey;
  }
  EXPECT_EQ(jobs, static_cast<size_t>(13 + 14 + 91 + 13 + 14 + 365));
  EXPECT_EQ(runs.size(), jobs);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ddd::bot
