// The job queue on both backends (SQLite and PostgreSQL, the same cases): dedupe, claims
// with leases (one running job per repository), expired leases claimed again, backoff and
// the dead letter, retry; and concurrent claimers never get the same job.
#include "bot/jobs/job_store.h"
#include "bot/jobs/postgres.h"
#include "bot/server/server_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <thread>

#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

// Each test gets a fresh store of the backend under test: a SQLite file in a temp dir,
// or a schema of its own on the suite's PostgreSQL cluster.
class JobStoreTest : public ddd::testing::BackendTest {
 protected:
  std::unique_ptr<JobStore> open(JobPolicy p = {}) { return openJobStore(url(), p); }
};

TEST_P(JobStoreTest, DedupesAndClaimsOldestDueFirst) {
  auto s = open();
  EXPECT_TRUE(s->enqueue("k", "a/x", "{}", "d1", 100));
  EXPECT_FALSE(s->enqueue("k", "a/x", "{}", "d1", 100));
  EXPECT_TRUE(s->enqueue("k", "b/y", "{}", "d2", 90));
  EXPECT_TRUE(s->enqueue("k", "c/z", "{}", "d3", 500));  // not due yet
  auto first = s->claim("w1", 60, 200);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->dedupeKey, "d2");
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(s->claim("w1", 60, 200)->dedupeKey, "d1");
  EXPECT_FALSE(s->claim("w1", 60, 200));
  EXPECT_EQ(s->depth(), 3);
}

TEST_P(JobStoreTest, AGroupSaysWhichOfItsJobsWereNew) {
  auto s = open();
  ASSERT_TRUE(s->enqueue("k", "a/x", "{}", "old-3", 0));
  ASSERT_TRUE(s->enqueue("k", "a/x", "{}", "old-30", 0));
  // 40 jobs (the receiver's group commit): duplicates of each other, near and far apart in
  // the group, and of jobs stored before; the first of equal keys is the one kept.
  std::vector<NewJob> group;
  std::vector<bool> expected;
  for (int i = 0; i < 40; ++i) {
    std::string key = "g-" + std::to_string(i);
    bool fresh = true;
    if (i == 3 || i == 30) key = "old-" + std::to_string(i), fresh = false;
    if (i == 5) key = "g-1", fresh = false;
    if (i == 20) key = "g-2", fresh = false;
    if (i == 39) key = "g-38", fresh = false;  // the last two
    group.push_back(NewJob{"k", "r/" + std::to_string(i % 3), "{\"i\":" + std::to_string(i) + "}",
                           key, 10 + i});
    expected.push_back(fresh);
  }
  EXPECT_EQ(s->enqueueMany(group), expected);
  EXPECT_EQ(s->depth(), 2 + 35);
  // Each stored job has its own payload, not another row's.
  for (const auto& j : s->list(false, 100)) {
    if (j.dedupeKey.rfind("g-", 0) != 0) continue;
    EXPECT_EQ(j.payload, "{\"i\":" + j.dedupeKey.substr(2) + "}") << j.dedupeKey;
    EXPECT_EQ(j.repo, "r/" + std::to_string(std::stoi(j.dedupeKey.substr(2)) % 3));
  }
  // The whole group again: nothing new.
  EXPECT_EQ(s->enqueueMany(group), std::vector<bool>(group.size(), false));
}

TEST_P(JobStoreTest, OneRunningJobPerRepository) {
  auto s = open();
  s->enqueue("k", "a/x", "{}", "1", 0);
  s->enqueue("k", "a/x", "{}", "2", 0);
  s->enqueue("k", "b/y", "{}", "3", 0);
  auto j1 = s->claim("w1", 60, 10);
  auto j2 = s->claim("w2", 60, 10);
  ASSERT_TRUE(j1 && j2);
  EXPECT_EQ(j1->repo, "a/x");
  EXPECT_EQ(j2->repo, "b/y");  // a/x's second job waits
  EXPECT_FALSE(s->claim("w3", 60, 10));
  EXPECT_TRUE(s->complete(j1->id, "w1"));
  EXPECT_EQ(s->claim("w3", 60, 10)->dedupeKey, "2");
}

// A job moved to another key (a GitLab job keyed by path, once its project's id is
// known) runs on when that key is free, and waits in the queue behind a running job of
// it otherwise, its attempt not counted; a job no longer the owner's is not moved.
TEST_P(JobStoreTest, MovingAJobToAnotherKeyWaitsBehindThatKeysRunningJob) {
  auto s = open();
  s->enqueue("gitlab.push", "gitlab:project:7", "{}", "by-id", 0);
  s->enqueue("gitlab.merge_request", "team/app", "{}", "by-path", 0);
  s->enqueue("gitlab.note", "team/other", "{}", "free", 0);
  auto byId = s->claim("w1", 60, 10);
  auto byPath = s->claim("w2", 60, 10);
  ASSERT_TRUE(byId && byPath);
  ASSERT_EQ(byPath->dedupeKey, "by-path");
  EXPECT_FALSE(s->moveToRepository(byPath->id, "w2", "gitlab:project:7", 11));
  auto other = s->claim("w2", 60, 12);  // the moved job may not run beside by-id
  ASSERT_TRUE(other);
  EXPECT_EQ(other->dedupeKey, "free");
  EXPECT_FALSE(s->claim("w3", 60, 12));
  EXPECT_FALSE(s->moveToRepository(byPath->id, "w2", "gitlab:project:8", 12));  // not w2's now
  ASSERT_TRUE(s->complete(byId->id, "w1"));
  auto again = s->claim("w3", 60, 13);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->dedupeKey, "by-path");
  EXPECT_EQ(again->repo, "gitlab:project:7");
  EXPECT_EQ(again->attempts, 1);  // the wait did not count as a try
  // Free key: the job keeps running under it, and holds it against other claims.
  s->enqueue("gitlab.pipeline", "gitlab:project:9", "{}", "nine", 0);
  s->enqueue("gitlab.note", "group/nine", "{}", "nine-by-path", 0);
  auto nineByPath = s->claim("w4", 60, 14);
  ASSERT_TRUE(nineByPath);
  ASSERT_EQ(nineByPath->dedupeKey, "nine");
  ASSERT_TRUE(s->complete(nineByPath->id, "w4"));
  nineByPath = s->claim("w4", 60, 14);
  ASSERT_TRUE(nineByPath);
  ASSERT_EQ(nineByPath->dedupeKey, "nine-by-path");
  EXPECT_TRUE(s->moveToRepository(nineByPath->id, "w4", "gitlab:project:9", 15));
  s->enqueue("gitlab.push", "gitlab:project:9", "{}", "nine-later", 0);
  EXPECT_FALSE(s->claim("w5", 60, 16));
  ASSERT_TRUE(s->complete(nineByPath->id, "w4"));
  EXPECT_EQ(s->claim("w5", 60, 17)->dedupeKey, "nine-later");
}

TEST_P(JobStoreTest, PruningDeletesOldDoneWebhookJobsOnly) {
  JobPolicy once;
  once.maxAttempts = 1;
  auto s = open(once);
  // Received at (created_at) = run at, each on its own repository; claimed in that order.
  struct Case { const char* kind; const char* key; int64_t at; };
  const Case cases[] = {
      {"github.pull_request", "dead", 99},      // failed for good: kept
      {"github.issue_comment", "old", 100},     // done webhook job: deleted
      {"github.analyze", "slot", 101},          // a schedule's slot: kept
      {"gitlab.report", "report", 102},         // a report: kept
      {"gitlab.note", "old-note", 500},         // done webhook job: deleted
      {"github.issues", "recent", 560},         // done after the cut: kept
      {"github.push", "queued", 600},           // still queued: kept
  };
  int repo = 0;
  for (const auto& c : cases)
    ASSERT_TRUE(s->enqueue(c.kind, "r/" + std::to_string(repo++), "{}", c.key, c.at));
  auto dead = s->claim("w", 60, 1000);
  ASSERT_TRUE(dead && dead->dedupeKey == "dead");
  ASSERT_TRUE(s->fail(dead->id, "w", "broken", 1000));
  for (int i = 0; i < 5; ++i) {
    auto j = s->claim("w", 60, 1000);
    ASSERT_TRUE(j);
    ASSERT_TRUE(s->complete(j->id, "w"));
  }
  EXPECT_EQ(s->pruneDone(550), 2);
  std::set<std::string> left;
  for (const auto& j : s->list(false, 100)) left.insert(j.dedupeKey);
  EXPECT_EQ(left, (std::set<std::string>{"dead", "slot", "report", "recent", "queued"}));
  EXPECT_EQ(s->pruneDone(550), 0);
  // A deleted delivery is no longer a duplicate (past every redelivery window by then).
  EXPECT_TRUE(s->enqueue("github.issue_comment", "r/x", "{}", "old", 2000));
  EXPECT_FALSE(s->enqueue("github.analyze", "r/2", "{}", "slot", 2000));
  // More than one batch (SQLite deletes 2,000 per transaction): all done, all deleted,
  // with "queued" and the new "old" (done by then too) and "recent" (now past the cut).
  std::vector<NewJob> many;
  for (int i = 0; i < 2100; ++i)
    many.push_back(NewJob{"github.push", "many/" + std::to_string(i), "{}",
                          std::string("m").append(std::to_string(i)), 3000});
  s->enqueueMany(many);
  int done = 0;
  while (auto j = s->claim("w", 60, 4000)) {
    ASSERT_TRUE(s->complete(j->id, "w"));
    ++done;
  }
  EXPECT_EQ(done, 2102);
  EXPECT_EQ(s->pruneDone(3500), 2103);
  EXPECT_EQ(s->list(false, 10).size(), 3u);  // dead, slot, report
}

TEST(JobRetention, ConfiguredInDaysFromTheFileOrTheEnvironment) {
  const auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  EXPECT_EQ(loadServerConfig("", "server.json", env({})).jobRetentionDays, 30);
  EXPECT_EQ(loadServerConfig(R"({"jobRetentionDays": 0})", "server.json", env({})).jobRetentionDays, 0);
  EXPECT_EQ(loadServerConfig(R"({"jobRetentionDays": 7})", "server.json",
                             env({{"DDD_JOB_RETENTION_DAYS", "90"}}))
                .jobRetentionDays,
            90);
  for (const auto& [json, var] : std::vector<std::pair<std::string, std::string>>{
           {R"({"jobRetentionDays": -1})", ""}, {R"({"jobRetentionDays": "30"})", ""},
           {R"({"jobRetentionDays": 5000})", ""}, {"", "30d"}}) {
    try {
      loadServerConfig(json, "server.json",
                       env(var.empty() ? std::map<std::string, std::string>{}
                                       : std::map<std::string, std::string>{
                                             {"DDD_JOB_RETENTION_DAYS", var}}));
      ADD_FAILURE() << json << var << " was accepted";
    } catch (const ServerConfigError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(var.empty() ? "server.json: jobRetentionDays: expected whole days"
                                      : "DDD_JOB_RETENTION_DAYS: expected whole days"),
                std::string::npos)
          << what;
    }
  }
}

TEST_P(JobStoreTest, AnExpiredLeaseRunsTheJobAgain) {
  auto s = open();
  s->enqueue("k", "a/x", "{}", "1", 0);
  auto j = s->claim("dead-worker", 30, 100);
  ASSERT_TRUE(j);
  EXPECT_FALSE(s->claim("w2", 30, 120));  // still leased
  auto again = s->claim("w2", 30, 131);   // the lease expired: the worker died
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, j->id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_FALSE(s->complete(j->id, "dead-worker"));  // its lease is gone
  EXPECT_FALSE(s->renew(j->id, "dead-worker", 30, 132));
  EXPECT_TRUE(s->renew(j->id, "w2", 30, 132));
  EXPECT_TRUE(s->complete(j->id, "w2"));
  EXPECT_EQ(s->depth(), 0);
}

TEST_P(JobStoreTest, FailuresBackOffThenGoToTheDeadLetter) {
  auto s = open(JobPolicy{3, 10, 1000});
  s->enqueue("k", "a/x", "{}", "1", 0);
  int64_t now = 0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto j = s->claim("w", 60, now);
    ASSERT_TRUE(j) << attempt;
    EXPECT_TRUE(
        s->fail(j->id, "w", "GitHub answered 502 (attempt " + std::to_string(attempt) + ")", now));
    auto listed = s->list(true, 10);
    ASSERT_EQ(listed.size(), 1u);
    if (attempt < 3) {
      EXPECT_EQ(listed[0].state, "queued");
      const int64_t delay = listed[0].nextRunAt - now;
      EXPECT_GE(delay, 10 << (attempt - 1));
      EXPECT_LE(delay, (10 << (attempt - 1)) * 5 / 4 + 1);
      EXPECT_FALSE(s->claim("w", 60, now + 1));  // not before the backoff
      now = listed[0].nextRunAt;
    } else {
      EXPECT_EQ(listed[0].state, "dead");
      EXPECT_NE(listed[0].lastError.find("attempt 3"), std::string::npos);
    }
  }
  EXPECT_FALSE(s->claim("w", 60, now + 100000));
  EXPECT_TRUE(s->retry(s->list(true, 1)[0].id, now));
  auto back = s->claim("w", 60, now);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->attempts, 1);
}

TEST_P(JobStoreTest, ConcurrentClaimersNeverShareAJob) {
  {
    auto s = open();
    for (int i = 0; i < 200; ++i)
      s->enqueue("k", "repo" + std::to_string(i), "{}", std::to_string(i), 0);
  }
  std::mutex m;
  std::multiset<int64_t> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = open();  // one store per thread
      const std::string me = std::to_string(t).insert(0, "w");
      while (auto j = s->claim(me, 60, 1)) {
        std::lock_guard<std::mutex> lock(m);
        claimed.insert(j->id);
        s->complete(j->id, me);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), 200u);
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), 200u);
}

TEST_P(JobStoreTest, ConcurrentClaimersKeepOneRunningJobPerRepository) {
  {
    auto s = open();
    for (int i = 0; i < 60; ++i)
      s->enqueue("k", "repo" + std::to_string(i % 3), "{}", std::to_string(i), 0);
  }
  std::mutex m;
  std::set<std::string> running;
  int done = 0;
  bool overlap = false;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = open();
      const std::string me = std::to_string(t).insert(0, "w");
      for (int idle = 0; idle < 200;) {
        auto j = s->claim(me, 60, 1);
        if (!j) {
          ++idle;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(m);
          if (!running.insert(j->repo).second) overlap = true;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(300));
        {
          std::lock_guard<std::mutex> lock(m);
          running.erase(j->repo);
          ++done;
        }
        s->complete(j->id, me);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_FALSE(overlap) << "two jobs of one repository ran at once";
  EXPECT_EQ(done, 60);
}

TEST_P(JobStoreTest, IgnoreRulesPerRepositoryAndDependency) {
  auto s = open();
  EXPECT_TRUE(s->ignores("octo/a").empty());
  s->setIgnore("octo/a", "react", R"({"name":"react","updateTypes":["major"]})", 10);
  s->setIgnore("octo/a", "lodash", R"({"name":"lodash"})", 11);
  s->setIgnore("octo/b", "react", R"({"name":"react"})", 12);
  s->setIgnore("octo/a", "react", R"({"name":"react","updateTypes":["major","minor"]})", 13);
  const auto a = s->ignores("octo/a");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].first, "lodash");
  EXPECT_EQ(a[1].first, "react");
  EXPECT_EQ(a[1].second, R"({"name":"react","updateTypes":["major","minor"]})");  // replaced
  EXPECT_TRUE(s->removeIgnore("octo/a", "react"));
  EXPECT_FALSE(s->removeIgnore("octo/a", "react"));
  EXPECT_EQ(s->ignores("octo/a").size(), 1u);
  EXPECT_EQ(open()->ignores("octo/b").size(), 1u);  // durable: another connection sees it
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(JobStore, UnknownUrlsAreClearErrors) {
  EXPECT_THROW(openJobStore("mysql://x/y"), JobStoreError);
  // Nothing listens on port 1: the error names the URL, with the password masked.
  try {
    openJobStore("postgresql://ddd:secret@127.0.0.1:1/ddd?connect_timeout=2");
    FAIL();
  } catch (const JobStoreError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find("secret"), std::string::npos) << what;
    EXPECT_NE(what.find("postgresql://ddd:***@127.0.0.1:1/ddd"), std::string::npos) << what;
  }
}

// The test-only "?synchronous=" suffix of a SQLite URL: it names a setting, not part of the
// file's name, and what is committed under it is there for the next connection; an unknown
// mode is a clear error, not a silently durable (or silently not durable) store.
TEST(JobStore, SqliteSynchronousSuffixIsASettingNotAFileName) {
  ddd::testing::TempDir dir;
  const auto file = dir.path() / "state.sqlite";
  for (const std::string mode : {"off", "NORMAL", "full"}) {
    auto store = openJobStore("sqlite://" + file.string() + "?synchronous=" + mode);
    EXPECT_TRUE(store->enqueue("ping", "", "{}", "d-" + mode, 0)) << mode;
  }
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename().string().find('?'), std::string::npos) << e.path();
  }
  EXPECT_GE(entries, 1u);
  EXPECT_EQ(openJobStore("sqlite://" + file.string())->depth(), 3);
  try {
    openJobStore("sqlite://" + file.string() + "?synchronous=sometimes");
    FAIL() << "an unknown synchronous mode was accepted";
  } catch (const JobStoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("synchronous=sometimes"), std::string::npos) << what;
    EXPECT_NE(what.find("full, normal, off"), std::string::npos) << what;
  }
}

// SQLite: the WAL is copied back into the database file by the store's background
// checkpointer, not by the commits (the receiver's group commits must not wait for it),
// and it still stays bounded: 48 MiB of jobs committed in groups leave a WAL far smaller
// than what went through it, and every job is there.
TEST(JobStore, SqliteCheckpointsTheWalBesideTheWriters) {
  ddd::testing::TempDir dir;
  const auto file = dir.path() / "state.sqlite";
  auto store = openJobStore("sqlite://" + file.string());
  const std::string payload(12 * 1024, 'x');
  int n = 0;
  for (int group = 0; group < 128; ++group) {
    std::vector<NewJob> jobs;
    for (int i = 0; i < 32; ++i, ++n)
      jobs.push_back(NewJob{"github.issue_comment", "octo/a", payload,
                            std::string("d").append(std::to_string(n)), 0});
    store->enqueueMany(jobs);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the checkpointer's turn
  }
  // Bounds with room for a checkpointer starved of CPU (the suite runs on busy machines):
  // the WAL stays well below the 48 MiB that went through it, and most of it was copied
  // back before the store closed.
  const auto wal = std::filesystem::file_size(file.string() + "-wal");
  EXPECT_LT(wal, 36u * 1024 * 1024) << "the WAL holds most of what was written";
  EXPECT_GT(std::filesystem::file_size(file), 12u * 1024 * 1024);  // copied back
  store.reset();
  EXPECT_EQ(openJobStore("sqlite://" + file.string())->depth(), n);
}

TEST(JobStore, RedactsPostgresPasswords) {
  EXPECT_EQ(redactPostgresUrl("postgresql://u:p%40ss@h:5432/d"), "postgresql://u:***@h:5432/d");
  EXPECT_EQ(redactPostgresUrl("postgres://h/d?password=x&sslmode=require"),
            "postgres://h/d?password=***&sslmode=require");
  EXPECT_EQ(redactPostgresUrl("postgresql://u@h/d"), "postgresql://u@h/d");
}

}  // namespace
}  // namespace ddd::bot
