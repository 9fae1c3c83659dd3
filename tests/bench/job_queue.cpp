// Job queue throughput: one enqueue + claim + complete cycle per job (what a webhook and
// its worker cost the store), on SQLite and on PostgreSQL, against the bare cost of the
// same number of single-row committed writes on that backend (the baseline each ratio is
// measured against, in the same run):
//   BM_SqliteCycle / BM_SqliteBaseline      a WAL file in a temp dir
//   BM_PostgresCycle / BM_PostgresBaseline  DDD_BENCH_POSTGRES_URL (skipped when unset;
//                                           tests/bench/run.sh starts a throwaway cluster)
// and the receiver's side alone, process CPU per stored job (the WAL checkpointer's thread
// included), groups of 16 deliveries the size of a stored issue_comment (0.8 KB) with
// random delivery ids, on a store that already holds 20,000 jobs:
//   BM_IntakeEnqueueGroup / BM_SqliteEnqueueGroup  the receiver's intake log in front of
//                                               the same store, drain included
//   BM_SqliteEnqueueGroup / BM_FileAppendGroup  the same bytes appended to a plain file with
//                                               one fdatasync per group (the floor)
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bot/jobs/intake_log.h"
#include "bot/jobs/job_store.h"
#include "bot/jobs/postgres.h"
#include "forges/sqlite_db.h"

namespace {

using namespace ddd::bot;

std::string tempSqlite(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ddd-bench-jobs-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / name;
  std::filesystem::remove(file);
  return file.string();
}

void cycle(benchmark::State& state, JobStore& store) {
  int64_t n = 0;
  for (auto _ : state) {
    const std::string key = "bench-" + std::to_string(n);
    store.enqueue("github.push", "octo/repo" + std::to_string(n % 50), "{}", key, 0);
    auto job = store.claim("w", 300, 1);
    if (!job) {
      state.SkipWithError("nothing to claim");
      break;
    }
    store.complete(job->id, "w");
    ++n;
  }
  state.SetItemsProcessed(n);
}

void BM_SqliteCycle(benchmark::State& state) {
  auto store = openJobStore("sqlite://" + tempSqlite("cycle.sqlite"));
  cycle(state, *store);
}
BENCHMARK(BM_SqliteCycle)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Three committed single-row writes per item: the floor under any durable queue.
void BM_SqliteBaseline(benchmark::State& state) {
  ddd::forges::SqliteDb db(tempSqlite("baseline.sqlite"));
  db.exec("PRAGMA synchronous=FULL");  // as durable as the job store's commits
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  int64_t n = 0;
  for (auto _ : state) {
    for (int w = 0; w < 3; ++w) {
      ddd::forges::Transaction tx(db);
      auto st = db.prepare("INSERT OR REPLACE INTO t (id, v) VALUES (?1, ?2)");
      st.bind(1, n).bind(2, std::string("{}"));
      st.run();
      tx.commit();
    }
    ++n;
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_SqliteBaseline)->Unit(benchmark::kMicrosecond)->UseRealTime();

constexpr int kGroup = 16;

// A delivery id as GitHub spells them (a random UUID), so index inserts land anywhere.
std::string randomDeliveryId(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string id = "github:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  for (char& c : id) {
    if (c == 'x') c = hex[rng() & 15];
  }
  return id;
}

std::vector<NewJob> deliveryGroup(std::mt19937_64& rng, int64_t now) {
  static const std::string document(800, 'd');
  std::vector<NewJob> group;
  for (int i = 0; i < kGroup; ++i)
    group.push_back(NewJob{"github.issue_comment", "octo/repo", document,
                           randomDeliveryId(rng), now});
  return group;
}

// Groups of random deliveries into `store`, which already holds 20,000 jobs.
void enqueueGroups(benchmark::State& state, JobStore& store) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000 / kGroup; ++i) store.enqueueMany(deliveryGroup(rng, 1));
  int64_t jobs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto group = deliveryGroup(rng, 2);
    state.ResumeTiming();
    const auto stored = store.enqueueMany(group);
    jobs += static_cast<int64_t>(stored.size());
  }
  state.SetItemsProcessed(jobs);
}

void BM_SqliteEnqueueGroup(benchmark::State& state) {
  enqueueGroups(state, *openJobStore("sqlite://" + tempSqlite("enqueue.sqlite")));
}
BENCHMARK(BM_SqliteEnqueueGroup)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

// The receiver's store on SQLite: the same groups through the intake log (one fdatasync
// per group); process CPU time includes the drain thread moving them into the table.
void BM_IntakeEnqueueGroup(benchmark::State& state) {
  enqueueGroups(state, *openIntakeJobStore(tempSqlite("intake.sqlite")));
}
BENCHMARK(BM_IntakeEnqueueGroup)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

void BM_FileAppendGroup(benchmark::State& state) {
  const std::string file = tempSqlite("append.log");
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  std::mt19937_64 rng(7);
  int64_t jobs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const auto group = deliveryGroup(rng, 2);
    state.ResumeTiming();
    std::string bytes;
    for (const auto& j : group) bytes.append(j.dedupeKey).append(j.payload).append("\n");
    if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("append failed");
      break;
    }
    jobs += kGroup;
  }
  ::close(fd);
  state.SetItemsProcessed(jobs);
}
BENCHMARK(BM_FileAppendGroup)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

const char* postgresUrl() {
  const char* url = std::getenv("DDD_BENCH_POSTGRES_URL");
  return url != nullptr && *url != '\0' ? url : nullptr;
}

void BM_PostgresCycle(benchmark::State& state) {
  const char* url = postgresUrl();
  if (url == nullptr) {
    state.SkipWithError("DDD_BENCH_POSTGRES_URL is not set");
    for (auto _ : state) {
    }
    return;
  }
  {
    PgConnection c(url);
    c.exec("DROP TABLE IF EXISTS ddd_jobs, ddd_repositories, ddd_schema", {}, "resetting");
  }
  auto store = openJobStore(url);
  cycle(state, *store);
}
BENCHMARK(BM_PostgresCycle)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_PostgresBaseline(benchmark::State& state) {
  const char* url = postgresUrl();
  if (url == nullptr) {
    state.SkipWithError("DDD_BENCH_POSTGRES_URL is not set");
    for (auto _ : state) {
    }
    return;
  }
  PgConnection c(url);
  c.exec("DROP TABLE IF EXISTS bench_t; CREATE TABLE bench_t (id BIGINT PRIMARY KEY, v TEXT)", {},
         "creating the baseline table");
  int64_t n = 0;
  for (auto _ : state) {
    for (int w = 0; w < 3; ++w) {
      c.exec("INSERT INTO bench_t (id, v) VALUES ($1, '{}') ON CONFLICT (id) DO UPDATE SET v = "
             "EXCLUDED.v",
             {std::to_string(n)}, "writing");
    }
    ++n;
  }
  state.SetItemsProcessed(n);
}
BENCHMARK(BM_PostgresBaseline)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
