// Job queue throughput: one enqueue + claim + complete cycle per job (what a webhook and
// its worker cost the store), on SQLite and on PostgreSQL, against the bare cost of the
// same number of single-row committed writes on that backend (the baseline each ratio is
// measured against, in the same run):
//   BM_SqliteCycle / BM_SqliteBaseline      a WAL file in a temp dir
//   BM_PostgresCycle / BM_PostgresBaseline  DDD_BENCH_POSTGRES_URL (skipped when unset;
//                                           tests/bench/run.sh starts a throwaway cluster)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

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
