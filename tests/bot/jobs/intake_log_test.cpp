// The receiver's intake log on real files: records read back as written and end where
// they should (end mark, older generation, damage); the store dedupes like the plain one
// (in the log, in SQLite, in one group, across threads), moves jobs to the job table
// where another connection claims them, replays what a killed process logged, keeps a
// damaged log aside, starts over once drained, falls back when the log is full or owned,
// and stops using a log whose append failed.
#include "bot/jobs/intake_log.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

NewJob job(const std::string& key, const std::string& payload = "{\"n\":1}") {
  return NewJob{"github.push", "octo/" + key, payload, key, 1700000000};
}

std::string fileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `body` in a child process that ends with _exit: no destructor runs, as when the
// receiver is killed. Returns the child's exit status.
int inChild(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::function<void(const std::string&)> sink() {
    return [this](const std::string& l) {
      std::lock_guard<std::mutex> lock(mutex);
      lines.push_back(l);
    };
  }
  std::string all() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
  }
};

// Polls (does not sleep a fixed time) until `pred` or 10 s.
bool eventually(const std::function<bool()>& pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST(IntakeLog, RecordsReadBackAndEndAtTheEndMarkOrAnOlderGeneration) {
  std::string log = intakeHeader(7);
  static const char kBinary[] = "{\"x\":\"\0\xff\"}";  // a NUL and a byte that is not UTF-8
  const NewJob a = job("a", std::string(kBinary, sizeof kBinary - 1)), b = job("b", "");
  appendIntakeRecord(log, 7, a);
  appendIntakeRecord(log, 7, b);
  const size_t end = log.size();
  log += std::string(4, '\0');
  appendIntakeRecord(log, 7, job("after-the-end-mark"));
  IntakeContents c = readIntakeLog(log);
  ASSERT_TRUE(c.headerValid);
  EXPECT_EQ(c.generation, 7u);
  ASSERT_EQ(c.jobs.size(), 2u);
  EXPECT_EQ(c.jobs[0].payload, a.payload);
  EXPECT_EQ(c.jobs[0].repo, "octo/a");
  EXPECT_EQ(c.jobs[0].runAt, 1700000000);
  EXPECT_EQ(c.jobs[1].dedupeKey, "b");
  EXPECT_EQ(c.end, end);
  EXPECT_FALSE(c.damaged);

  // A record of generation 6 (left from before the restart) ends the read, undamaged.
  std::string restarted = intakeHeader(7);
  appendIntakeRecord(restarted, 7, a);
  appendIntakeRecord(restarted, 6, b);
  c = readIntakeLog(restarted);
  EXPECT_EQ(c.jobs.size(), 1u);
  EXPECT_FALSE(c.damaged);

  // Not a log, or an empty file.
  EXPECT_FALSE(readIntakeLog("").headerValid);
  EXPECT_TRUE(readIntakeLog("").problem.empty());
  EXPECT_FALSE(readIntakeLog(std::string(5000, 'x')).headerValid);
  EXPECT_FALSE(readIntakeLog(std::string(5000, 'x')).problem.empty());
}

TEST(IntakeLog, DamageEndsTheReadAndSaysWhere) {
  std::string log = intakeHeader(1);
  appendIntakeRecord(log, 1, job("a"));
  const size_t second = log.size();
  appendIntakeRecord(log, 1, job("b"));
  appendIntakeRecord(log, 1, job("c"));
  std::string flipped = log;
  flipped[second + 20] ^= 0x01;
  IntakeContents c = readIntakeLog(flipped);
  EXPECT_EQ(c.jobs.size(), 1u);
  EXPECT_TRUE(c.damaged);
  EXPECT_NE(c.problem.find("offset " + std::to_string(second)), std::string::npos) << c.problem;
  // Cut in the middle of the last record (a torn write).
  c = readIntakeLog(std::string_view(log).substr(0, log.size() - 3));
  EXPECT_EQ(c.jobs.size(), 2u);
  EXPECT_TRUE(c.damaged);
  // A length that claims more than there is.
  std::string huge = log;
  huge[second + 3] = '\x7f';
  EXPECT_EQ(readIntakeLog(huge).jobs.size(), 1u);
  EXPECT_TRUE(readIntakeLog(huge).damaged);
}

TEST(IntakeLog, DedupesLikeThePlainStoreAndMovesJobsToTheTable) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "state" / "ddd.sqlite").string();
  IntakeOptions o;
  o.drainEvery = std::chrono::milliseconds(2);
  auto store = openIntakeJobStore(db, o);
  EXPECT_TRUE(std::filesystem::exists(db + ".intake"));
  EXPECT_EQ(std::filesystem::file_size(db + ".intake"), o.capacityBytes);
  // In one group: the second "a" is a duplicate.
  EXPECT_EQ(store->enqueueMany({job("a"), job("b"), job("a")}), (std::vector<bool>{true, true, false}));
  // Logged (maybe not yet moved) or in the table: a duplicate either way.
  EXPECT_EQ(store->enqueueMany({job("b"), job("c")}), (std::vector<bool>{false, true}));
  EXPECT_EQ(store->depth(), 3);
  // Another connection (a worker's) claims them from the table.
  auto worker = openJobStore("sqlite://" + db);
  std::set<std::string> claimed;
  ASSERT_TRUE(eventually([&] {
    while (auto j = worker->claim("w", 60, 1800000000)) claimed.insert(j->dedupeKey);
    return claimed.size() == 3;
  }));
  EXPECT_EQ(claimed, (std::set<std::string>{"a", "b", "c"}));
  // Now only in the table: still duplicates.
  EXPECT_EQ(store->enqueueMany({job("a"), job("d")}), (std::vector<bool>{false, true}));
  EXPECT_FALSE(store->enqueue("github.push", "octo/c", "{}", "c", 1));
}

TEST(IntakeLog, ConcurrentAppendersAcceptEachKeyOnce) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  IntakeOptions o;
  o.drainEvery = std::chrono::milliseconds(1);
  o.drainBatch = 7;  // many small drains while appending
  o.sync = false;
  auto store = openIntakeJobStore(db, o);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        // Every key is offered by three threads, in groups of two.
        const std::string k1 = std::string("k").append(std::to_string(i)),
                          k2 = std::string("k").append(std::to_string((i + t) % 200));
        for (bool b : store->enqueueMany({job(k1), job(k2)})) accepted += b;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 200);
  store.reset();  // drains everything before it goes
  auto plain = openJobStore("sqlite://" + db);
  EXPECT_EQ(plain->list(false, 1000).size(), 200u);
  EXPECT_EQ(plain->depth(), 200);
}

TEST(IntakeLog, AKilledReceiversLoggedJobsAreMovedOnTheNextStartOnce) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  const int code = inChild([&] {
    IntakeOptions o;
    o.drainEvery = std::chrono::hours(1);  // nothing is moved before the kill
    o.drainBatch = 100000;
    auto store = openIntakeJobStore(db, o);
    for (int i = 0; i < 50; ++i) {
      if (!store->enqueueMany({job(std::string("x").append(std::to_string(i)))})[0]) return 1;
    }
    (void)store.release();  // killed: no destructor, no drain
    return 0;
  });
  ASSERT_EQ(code, 0);
  EXPECT_TRUE(openJobStore("sqlite://" + db)->list(false, 100).empty());
  Log log;
  IntakeOptions o;
  o.log = log.sink();
  auto store = openIntakeJobStore(db, o);
  EXPECT_EQ(openJobStore("sqlite://" + db)->list(false, 100).size(), 50u);
  EXPECT_NE(log.all().find("50 logged job(s) moved to the job table on start (50 new"),
            std::string::npos)
      << log.all();
  // They are duplicates now, and a second start moves nothing again.
  EXPECT_FALSE(store->enqueueMany({job("x7")})[0]);
  store.reset();
  Log again;
  o.log = again.sink();
  store = openIntakeJobStore(db, o);
  EXPECT_EQ(again.all().find("moved to the job table on start"), std::string::npos) << again.all();
  EXPECT_EQ(openJobStore("sqlite://" + db)->list(false, 100).size(), 50u);
}

TEST(IntakeLog, ATornLastWriteIsDroppedAndTheLogKeptAside) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  ASSERT_EQ(inChild([&] {
              IntakeOptions o;
              o.drainEvery = std::chrono::hours(1);
              o.drainBatch = 100000;
              auto store = openIntakeJobStore(db, o);
              store->enqueueMany({job("a"), job("b")});
              store->enqueueMany({job("c", std::string(3000, 'p'))});
              (void)store.release();  // killed: no destructor, no drain
              return 0;
            }),
            0);
  // Damage the last record, as a write cut off by the crash would leave it.
  const std::string file = db + ".intake";
  std::string bytes = fileBytes(file);
  const IntakeContents before = readIntakeLog(bytes);
  ASSERT_EQ(before.jobs.size(), 3u);
  bytes[before.end - 100] ^= 0x55;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  Log log;
  IntakeOptions o;
  o.log = log.sink();
  auto store = openIntakeJobStore(db, o);
  const auto jobs = openJobStore("sqlite://" + db)->list(false, 100);
  EXPECT_EQ(jobs.size(), 2u);
  EXPECT_NE(log.all().find("checksum does not match"), std::string::npos) << log.all();
  bool aside = false;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().filename().string().rfind("ddd.sqlite.intake.damaged-", 0) == 0) {
      aside = true;
      EXPECT_EQ(fileBytes(e.path()), bytes);
      EXPECT_NE(log.all().find(e.path().string()), std::string::npos);
    }
  }
  EXPECT_TRUE(aside);
  // The damaged delivery, delivered again, is stored.
  EXPECT_TRUE(store->enqueueMany({job("c")})[0]);
}

TEST(IntakeLog, StartsOverOnceDrainedAndWaitsForTheDrainWhenFull) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  IntakeOptions o;
  o.capacityBytes = 64 * 1024;
  o.restartAfterBytes = 8 * 1024;
  o.drainEvery = std::chrono::milliseconds(1);
  o.sync = false;
  auto store = openIntakeJobStore(db, o);
  const std::string payload(900, 'q');
  int accepted = 0;
  for (int i = 0; i < 400; ++i) {
    // Groups of four ~1 KB jobs: the 64 KiB log fills and starts over many times.
    std::vector<NewJob> group;
    for (int k = 0; k < 4; ++k)
      group.push_back(job(std::string("j").append(std::to_string(i * 4 + k)), payload));
    for (bool b : store->enqueueMany(group)) accepted += b;
  }
  EXPECT_EQ(accepted, 1600);
  const IntakeContents c = readIntakeLog(fileBytes(db + ".intake"));
  EXPECT_GT(c.generation, 10u);
  EXPECT_EQ(std::filesystem::file_size(db + ".intake"), o.capacityBytes);  // never grew
  // A group larger than the whole log goes to the table directly.
  std::vector<NewJob> big;
  for (int k = 0; k < 80; ++k) big.push_back(job("big" + std::to_string(k), payload));
  const auto flags = store->enqueueMany(big);
  EXPECT_EQ(std::count(flags.begin(), flags.end(), true), 80);
  store.reset();
  EXPECT_EQ(openJobStore("sqlite://" + db)->list(false, 5000).size(), 1680u);
}

TEST(IntakeLog, ALogOwnedByAnotherProcessMeansDirectStores) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto store = openIntakeJobStore(db);
    char c = 1;
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  Log log;
  IntakeOptions o;
  o.log = log.sink();
  auto store = openIntakeJobStore(db, o);
  EXPECT_NE(log.all().find("another ddd process owns it"), std::string::npos) << log.all();
  EXPECT_TRUE(store->enqueueMany({job("direct")})[0]);
  // Stored in the table at once: no log of its own.
  EXPECT_EQ(openJobStore("sqlite://" + db)->list(false, 10).size(), 1u);
  (void)!::write(release[1], &c, 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
}

TEST(IntakeLog, ALogThatCannotBeWrittenIsAClearErrorAtStart) {
  // The log's place is a device that refuses every write (disk full).
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  std::filesystem::create_symlink("/dev/full", db + ".intake");
  try {
    openIntakeJobStore(db);
    FAIL() << "opened";
  } catch (const JobStoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(db + ".intake"), std::string::npos) << what;
    EXPECT_NE(what.find("cannot preallocate"), std::string::npos) << what;
  }
}

TEST(IntakeLog, AFailedAppendIsNotStoredAndLaterDeliveriesGoStraightToTheTable) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "ddd.sqlite").string();
  Log log;
  std::atomic<int> fault{0};
  IntakeOptions o;
  o.drainEvery = std::chrono::milliseconds(2);
  o.log = log.sink();
  o.appendFault = [&] { return fault.load(); };
  auto store = openIntakeJobStore(db, o);
  EXPECT_EQ(store->enqueueMany({job("a"), job("b")}), (std::vector<bool>{true, true}));
  // The disk fills up under the next append: that group is refused, as a whole, naming the
  // log and the reason (the receiver answers 503 and the forge delivers it again).
  fault = ENOSPC;
  try {
    store->enqueueMany({job("c"), job("x")});
    FAIL() << "a failed append was reported stored";
  } catch (const JobStoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(db + ".intake"), std::string::npos) << what;
    EXPECT_NE(what.find(std::strerror(ENOSPC)), std::string::npos) << what;
    EXPECT_NE(what.find("not stored"), std::string::npos) << what;
  }
  EXPECT_NE(log.all().find("stores deliveries in SQLite directly from now on"), std::string::npos)
      << log.all();
  // The log is not written again, even once the disk has room: the next groups are
  // committed to the table before the call returns; what the log holds still counts as a
  // duplicate and still reaches the table.
  fault = 0;
  auto worker = openJobStore("sqlite://" + db);
  EXPECT_EQ(store->enqueueMany({job("c"), job("b"), job("d")}),
            (std::vector<bool>{true, false, true}));
  std::set<std::string> keys;
  for (const auto& j : worker->list(false, 10)) keys.insert(j.dedupeKey);
  EXPECT_TRUE(keys.count("c") && keys.count("d")) << keys.size();
  EXPECT_TRUE(eventually([&] { return worker->list(false, 10).size() == 4; }));
  EXPECT_EQ(store->enqueueMany({job("a"), job("x")}), (std::vector<bool>{false, true}));
  const auto before = fileBytes(db + ".intake");
  EXPECT_TRUE(store->enqueue("github.push", "octo/c", "{}", "y", 1));
  EXPECT_EQ(fileBytes(db + ".intake"), before);  // nothing logged since the failure
  store.reset();
  // Each delivery stored once: a, b through the log; c, d, x, y directly.
  keys.clear();
  for (const auto& j : openJobStore("sqlite://" + db)->list(false, 20)) keys.insert(j.dedupeKey);
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "c", "d", "x", "y"}));
  EXPECT_EQ(openJobStore("sqlite://" + db)->depth(), 6);
}

TEST(IntakeLog, ReceiverStoreIsTheLogOnSqliteOnly) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "r.sqlite").string();
  auto store = openReceiverJobStore("sqlite://" + db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(db + ".intake"));
  EXPECT_TRUE(store->enqueue("k", "", "{}", "one", 1));
  EXPECT_THROW(openReceiverJobStore("mysql://x/y", nullptr), JobStoreError);
}

}  // namespace
}  // namespace ddd::bot
