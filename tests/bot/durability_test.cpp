// Durability: 1,000 stored webhook jobs (/ddd help comments, each on its own issue) run by
// real `ddd serve --role worker` processes that are SIGKILLed at random points 20 times,
// then one that is left to finish. Every job's effect happens exactly once on the fake
// GitHub (one reply per issue, one reaction per comment) and no job is lost: a killed
// worker's lease expires and its job runs again; replies carry a marker, so a rerun after
// the reply was posted does not post it twice.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "bot/jobs/job_store.h"
#include "tests/support/fake_github.h"
#include "tests/support/test_repo.h"

extern char** environ;

namespace ddd::bot {
namespace {

nlohmann::json helpComment(int i) {
  std::ifstream in(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json");
  static const auto all = nlohmann::json::parse(in);
  nlohmann::json p;
  for (const auto& g : all) {
    if (g["name"] != "issue_comment") continue;
    for (const auto& ex : g["examples"]) {
      if (ex.value("action", "") == "created") p = ex;
    }
  }
  p["repository"]["full_name"] = "octo/hello";
  p["installation"] = {{"id", 1000 + i}};  // its own installation: no mutation spacing
  p["sender"]["login"] = "maintainer";
  p["sender"]["type"] = "User";
  p["issue"]["number"] = 5000 + i;
  p["issue"].erase("pull_request");
  p["comment"]["id"] = 90000 + i;
  p["comment"]["body"] = "/ddd help";
  return p;
}

pid_t spawnWorker(const std::string& config) {
  const std::string binary = ddd::testing::dddBinary().string();
  std::vector<std::string> args = {binary, "serve", "--config", config, "--role", "worker",
                                   "--workers", "2"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = {"DDD_GITHUB_TOKEN=ghs_durability"};
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

TEST(Durability, WorkersKilledTwentyTimesLoseNothingAndRepeatNothing) {
  // DDD_DURABILITY_JOBS / _KILLS scale it down for a quick look by hand.
  const char* jobsEnv = std::getenv("DDD_DURABILITY_JOBS");
  const char* killsEnv = std::getenv("DDD_DURABILITY_KILLS");
  const int kJobs = jobsEnv ? std::atoi(jobsEnv) : 1000;
  const int kKills = killsEnv ? std::atoi(killsEnv) : 20;
  ddd::testing::FakeGithub github{"octo", "hello"};
  github.setPermission("maintainer", "write");
  ddd::testing::TempDir dir;
  const std::string state = "sqlite://" + (dir.path() / "ddd.sqlite").string();
  {
    auto store = openJobStore(state);
    std::vector<NewJob> jobs;
    for (int i = 0; i < kJobs; ++i) {
      jobs.push_back({"github.issue_comment", "octo/hello", helpComment(i).dump(),
                      "delivery-" + std::to_string(i), 0});
    }
    store->enqueueMany(jobs);
  }
  const auto config = (dir.path() / "server.json").string();
  ddd::testing::writeFile(config, nlohmann::json{{"state", state},
                                                 {"githubApiUrl", github.apiUrl()},
                                                 {"leaseSeconds", 3},
                                                 {"githubMutationSpacingMs", 0}}
                                      .dump());

  // Each worker is killed once it has finished at least one job (a killed worker's lease
  // keeps the repository's other jobs waiting for up to 3 s, and a slow build — ASan on a
  // busy machine — may need seconds to start), then 50-300 ms later, mid-job as often as
  // not: a fixed lifetime would leave slow builds with workers killed before any work.
  auto store = openJobStore(state);
  std::mt19937 rng(20261204);
  std::uniform_int_distribution<int> extra(50, 300);  // ms after its first job
  for (int round = 0; round < kKills; ++round) {
    const int64_t before = store->depth();
    const pid_t pid = spawnWorker(config);
    ASSERT_GT(pid, 0);
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (store->depth() >= before && before > 0 && std::chrono::steady_clock::now() < giveUp)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(extra(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
  }
  // One more worker, left to finish the queue (leases of the killed ones expire first).
  const int64_t left = store->depth();
  const pid_t pid = spawnWorker(config);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(8);
  while (store->depth() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(store->depth(), 0) << "jobs left after the last worker";
  if (kKills > 0) {
    EXPECT_LT(left, kJobs);  // the killed workers did part of the work
  }
  EXPECT_TRUE(store->list(true, 10).empty()) << store->list(true, 1)[0].lastError;

  std::set<std::string> reacted;
  for (const auto& r : github.reactions()) {
    EXPECT_TRUE(reacted.insert(r["comment_id"].get<std::string>()).second)
        << "two reactions on comment " << r["comment_id"];
  }
  EXPECT_EQ(reacted.size(), static_cast<size_t>(kJobs));
  int replies = 0;
  for (int i = 0; i < kJobs; ++i) {
    const auto comments = github.issueComments(5000 + i);
    EXPECT_EQ(comments.size(), 1u) << "issue " << 5000 + i;
    replies += static_cast<int>(comments.size());
  }
  EXPECT_EQ(replies, kJobs);
  std::cerr << "durability: " << kJobs << " jobs, " << kKills << " SIGKILLs, " << left
            << " left for the last worker; " << replies << " replies, " << reacted.size()
            << " reactions\n";
  const auto v = github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

}  // namespace
}  // namespace ddd::bot
