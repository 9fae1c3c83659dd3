// The lease keeper on both backends: a running job's lease is renewed while its worker
// is alive (another worker can't take it over), it lapses once renewals stop, and a
// keeper whose job was taken over notices and stops.
#include "bot/jobs/lease_keeper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/bot/bot_test_support.h"

namespace ddd::bot {
namespace {

class LeaseKeeperTest : public ddd::testing::BackendTest {
 protected:
  std::unique_ptr<JobStore> open() { return openJobStore(url()); }
};

// Waits (really: the keeper renews every third of a 1 s lease) until `done` holds.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 100 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

TEST_P(LeaseKeeperTest, RenewsWhileRunningAndLapsesAfterwards) {
  auto worker = open();
  auto other = open();
  auto keeperConnection = open();
  ASSERT_TRUE(worker->enqueue("github.analyze", "octo/a", "{}", "k1", 0));
  std::atomic<int64_t> clock{1000};
  auto job = worker->claim("w1", 1, clock);
  ASSERT_TRUE(job);
  {
    LeaseKeeper::Options o;
    o.leaseSeconds = 1;
    o.now = [&clock] { return static_cast<std::time_t>(clock.load()); };
    clock = 1010;  // long past the first lease's end (1001)
    LeaseKeeper keeper(*keeperConnection, job->id, "w1", o);
    ASSERT_TRUE(eventually([&] { return keeper.renewals() >= 1; }));
    // Renewed at 1010 until 1011: another worker finds nothing to claim.
    EXPECT_FALSE(other->claim("w2", 1, 1010));
    EXPECT_FALSE(keeper.lost());
  }
  // No more renewals: once the lease ends, the job is another worker's.
  auto taken = other->claim("w2", 60, 1012);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, job->id);
  EXPECT_EQ(taken->attempts, 2);

  // w1's keeper (had w1 stalled) now finds the lease gone and stops renewing.
  LeaseKeeper::Options o;
  o.leaseSeconds = 1;
  o.now = [] { return std::time_t{1013}; };
  LeaseKeeper late(*keeperConnection, job->id, "w1", o);
  ASSERT_TRUE(eventually([&] { return late.lost(); }));
  EXPECT_EQ(late.renewals(), 0);
  EXPECT_FALSE(worker->complete(job->id, "w1"));  // not w1's job any more
  EXPECT_TRUE(other->complete(job->id, "w2"));
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseKeeperTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ddd::bot
