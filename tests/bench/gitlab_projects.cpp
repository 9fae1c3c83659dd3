// GitLab projects known up front (bot/gitlab_projects.h), what a refresh costs:
//   BM_ReadProjectPage / BM_ParsePageOnly     a page of 100 projects as GET /projects
//                                             ?simple=true answers it: read into
//                                             GitlabProjects, against parsing the JSON alone
//   BM_RefreshUnchanged / BM_SchedulerTick    the hourly refresh of 1,000 known projects
//                                             (nothing changed: one read of the records),
//                                             against one scheduler tick over the same
//                                             1,000 repositories (what runs every minute),
//                                             both on SQLite in a temp dir
//   BM_FirstRefresh                           1,000 projects joining at once (records and
//                                             their first analyses written), per project
#include "bot/gitlab_projects.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "bot/jobs/job_store.h"
#include "bot/scheduler.h"
#include "forges/gitlab/gitlab_projects.h"

namespace {

using namespace ddd;

constexpr int64_t kMonday0600 = 1796018400;  // 2026-11-30T06:00:00Z

std::string tempSqlite(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ddd-bench-gitlab-projects-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / name;
  std::filesystem::remove(file);
  return "sqlite://" + file.string();
}

// A page as GitLab's simple=true answers it (the fields it sends, not only those read).
std::string projectPage(int first, int count) {
  nlohmann::json page = nlohmann::json::array();
  for (int i = first; i < first + count; ++i) {
    const std::string path = "group" + std::to_string(i % 17) + "/project-" + std::to_string(i);
    page.push_back(
        {{"id", 1000 + i},
         {"description", "A project of the benchmark, number " + std::to_string(i)},
         {"name", "project-" + std::to_string(i)},
         {"name_with_namespace", "Group / project-" + std::to_string(i)},
         {"path", "project-" + std::to_string(i)},
         {"path_with_namespace", path},
         {"created_at", "2024-03-01T10:00:00.000Z"},
         {"default_branch", "main"},
         {"tag_list", nlohmann::json::array()},
         {"topics", nlohmann::json::array({"ops"})},
         {"ssh_url_to_repo", "git@gitlab.example:" + path + ".git"},
         {"http_url_to_repo", "https://gitlab.example/" + path + ".git"},
         {"web_url", "https://gitlab.example/" + path},
         {"readme_url", "https://gitlab.example/" + path + "/-/blob/main/README.md"},
         {"forks_count", 0},
         {"avatar_url", nullptr},
         {"star_count", 3},
         {"last_activity_at", "2026-11-20T08:00:00.000Z"},
         {"namespace", {{"id", 7}, {"name", "Group"}, {"path", "group"}, {"kind", "group"}}}});
  }
  return page.dump();
}

std::vector<forges::GitlabProject> projects(int count) {
  std::vector<forges::GitlabProject> out;
  for (const auto& j : nlohmann::json::parse(projectPage(0, count)))
    out.push_back(*forges::gitlabProjectFromJson(j));
  return out;
}

void BM_ReadProjectPage(benchmark::State& state) {
  const std::string page = projectPage(0, 100);
  for (auto _ : state) {
    std::vector<forges::GitlabProject> read;
    for (const auto& j : nlohmann::json::parse(page)) {
      if (auto p = forges::gitlabProjectFromJson(j)) read.push_back(std::move(*p));
    }
    benchmark::DoNotOptimize(read);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ReadProjectPage)->Unit(benchmark::kMicrosecond);

void BM_ParsePageOnly(benchmark::State& state) {
  const std::string page = projectPage(0, 100);
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(page));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ParsePageOnly)->Unit(benchmark::kMicrosecond);

void BM_RefreshUnchanged(benchmark::State& state) {
  auto store = bot::openJobStore(tempSqlite("refresh.sqlite"));
  const auto known = projects(1000);
  bot::recordGitlabProjects(*store, known, true, {}, kMonday0600);
  for (auto _ : state) {
    const auto r = bot::recordGitlabProjects(*store, known, true, {}, kMonday0600 + 3600);
    if (r.joined != 0 || r.known != 1000) state.SkipWithError("the refresh changed something");
  }
}
BENCHMARK(BM_RefreshUnchanged)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SchedulerTick(benchmark::State& state) {
  auto store = bot::openJobStore(tempSqlite("tick.sqlite"));
  bot::recordGitlabProjects(*store, projects(1000), true, {}, kMonday0600);
  // Every slot already queued: the tick every minute between slots.
  bot::schedulerTick(*store, bot::ScheduleDefaults{}, kMonday0600 + 60);
  for (auto _ : state) {
    const auto tick = bot::schedulerTick(*store, bot::ScheduleDefaults{}, kMonday0600 + 120);
    benchmark::DoNotOptimize(tick);
  }
}
BENCHMARK(BM_SchedulerTick)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FirstRefresh(benchmark::State& state) {
  const auto known = projects(1000);
  int n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = bot::openJobStore(tempSqlite("first-" + std::to_string(n++) + ".sqlite"));
    state.ResumeTiming();
    bot::recordGitlabProjects(*store, known, true, {}, kMonday0600);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_FirstRefresh)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
