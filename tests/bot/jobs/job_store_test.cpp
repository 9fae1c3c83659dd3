// The SQLite job queue: dedupe, claims with leases (one running job per repository),
// expired leases claimed again, backoff and the dead letter, retry; and two threads
// claiming at once never get the same job.
#include "bot/jobs/job_store.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

std::unique_ptr<JobStore> open(const ddd::testing::TempDir& dir, JobPolicy p = {}) {
  return openJobStore("sqlite://" + (dir.path() / "jobs.sqlite").string(), p);
}

TEST(JobStore, DedupesAndClaimsOldestDueFirst) {
  ddd::testing::TempDir dir;
  auto s = open(dir);
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

TEST(JobStore, OneRunningJobPerRepository) {
  ddd::testing::TempDir dir;
  auto s = open(dir);
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

TEST(JobStore, AnExpiredLeaseRunsTheJobAgain) {
  ddd::testing::TempDir dir;
  auto s = open(dir);
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

TEST(JobStore, FailuresBackOffThenGoToTheDeadLetter) {
  ddd::testing::TempDir dir;
  auto s = open(dir, JobPolicy{3, 10, 1000});
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

TEST(JobStore, ConcurrentClaimersNeverShareAJob) {
  ddd::testing::TempDir dir;
  {
    auto s = open(dir);
    for (int i = 0; i < 200; ++i)
      s->enqueue("k", "repo" + std::to_string(i), "{}", std::to_string(i), 0);
  }
  std::mutex m;
  std::multiset<int64_t> claimed;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = open(dir);  // one store per thread
      while (auto j = s->claim("w" + std::to_string(t), 60, 1)) {
        std::lock_guard<std::mutex> lock(m);
        claimed.insert(j->id);
        s->complete(j->id, "w" + std::to_string(t));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.size(), 200u);
  EXPECT_EQ(std::set<int64_t>(claimed.begin(), claimed.end()).size(), 200u);
}

TEST(JobStore, UnknownUrlsAreClearErrors) {
  EXPECT_THROW(openJobStore("mysql://x/y"), JobStoreError);
  try {
    openJobStore("postgresql://ddd:secret@db/ddd");
    FAIL();
  } catch (const JobStoreError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ddd::bot
