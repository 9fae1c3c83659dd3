// Google Benchmark program for the schedule layer (bench_schedules):
//   BM_CronParseNext5   parse a cron expression and compute its next 5 runs (1,000
//                       generated expressions, the same ones croniter gets in
//                       schedules_vs_croniter.sh); items = next times
//   BM_CronNext5        the next 5 runs of an already parsed expression; items = next times
//   BM_OnCalendarNext5  the same for systemd calendar events
//   BM_ExtractSchedules extractSchedules over the git repository named by
//                       DDD_SCHEDULES_CORPUS (a few thousand files); items = files listed
//   BM_ReadAllFiles     the baseline: reading every file of that tree, nothing parsed
// `bench_schedules --dump-cases FILE` writes the expressions (one a line) and exits.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/schedule.h"
#include "analyzers/runbooks/systemd_calendar.h"
#include "git/repository.h"
#include "tests/analyzers/runbooks_cron_gen.h"

namespace {

using namespace ddd::analyzers;
using namespace ddd::analyzers::runbooks;

const std::vector<std::string>& cases() {
  // Expressions that run at least 5 times (croniter gives up on the others differently).
  static const std::vector<std::string> c = [] {
    std::vector<std::string> out;
    for (const auto& e : ddd::testing::generatedExpressions(1100, 1)) {
      const std::chrono::sys_seconds start{std::chrono::seconds{1772236800}};
      if (out.size() < 1000 && CronExpression::parse(e).nextRuns(start, 5).size() == 5) {
        out.push_back(e);
      }
    }
    return out;
  }();
  return c;
}

const std::chrono::sys_seconds kStart{std::chrono::seconds{1772236800}};  // 2026-02-28

void BM_CronParseNext5(benchmark::State& state) {
  const auto& c = cases();
  size_t i = 0, runs = 0;
  for (auto _ : state) {
    const CronExpression e = CronExpression::parse(c[i++ % c.size()]);
    auto next = e.nextRuns(kStart, 5);
    runs += next.size();
    benchmark::DoNotOptimize(next);
  }
  state.SetItemsProcessed(static_cast<int64_t>(runs));
}
BENCHMARK(BM_CronParseNext5);

void BM_CronNext5(benchmark::State& state) {
  std::vector<CronExpression> parsed;
  for (const auto& e : cases()) parsed.push_back(CronExpression::parse(e));
  size_t i = 0, runs = 0;
  for (auto _ : state) {
    auto next = parsed[i++ % parsed.size()].nextRuns(kStart, 5);
    runs += next.size();
    benchmark::DoNotOptimize(next);
  }
  state.SetItemsProcessed(static_cast<int64_t>(runs));
}
BENCHMARK(BM_CronNext5);

void BM_OnCalendarNext5(benchmark::State& state) {
  const std::vector<CalendarSpec> specs = {
      CalendarSpec::parse("Mon..Fri *-*-* 03:00:00"), CalendarSpec::parse("*:0/15"),
      CalendarSpec::parse("*-*~01 12:00"), CalendarSpec::parse("Sat *-*-1..7 04:00"),
      CalendarSpec::parse("quarterly")};
  size_t i = 0, runs = 0;
  for (auto _ : state) {
    auto next = specs[i++ % specs.size()].nextRuns(kStart, 5);
    runs += next.size();
    benchmark::DoNotOptimize(next);
  }
  state.SetItemsProcessed(static_cast<int64_t>(runs));
}
BENCHMARK(BM_OnCalendarNext5);

std::unique_ptr<GitSourceTree> corpus() {
  const char* path = std::getenv("DDD_SCHEDULES_CORPUS");
  if (path == nullptr || *path == 0) return nullptr;
  ddd::git::Repository repo = ddd::git::Repository::open(path);
  const ddd::git::Oid head = repo.resolveCommit("HEAD");
  return std::make_unique<GitSourceTree>(path, head, ScanLimits{});
}

void BM_ExtractSchedules(benchmark::State& state) {
  auto tree = corpus();
  if (!tree) {
    state.SkipWithError("set DDD_SCHEDULES_CORPUS to a git repository");
    return;
  }
  size_t found = 0;
  for (auto _ : state) {
    ScheduleScan scan = extractSchedules(*tree);
    found = scan.schedules.size();
    benchmark::DoNotOptimize(scan);
  }
  state.counters["schedules"] = static_cast<double>(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tree->files().size()));
}
BENCHMARK(BM_ExtractSchedules)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadAllFiles(benchmark::State& state) {
  auto tree = corpus();
  if (!tree) {
    state.SkipWithError("set DDD_SCHEDULES_CORPUS to a git repository");
    return;
  }
  for (auto _ : state) {
    std::atomic<size_t> bytes{0};
    tree->forEachFile(nullptr, [&](const SourceFile&, const std::string& content) {
      bytes += content.size();
    });
    benchmark::DoNotOptimize(bytes.load());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tree->files().size()));
}
BENCHMARK(BM_ReadAllFiles)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--dump-cases") == 0) {
    std::ofstream out(argv[2]);
    for (const auto& e : cases()) out << e << "\n";
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
