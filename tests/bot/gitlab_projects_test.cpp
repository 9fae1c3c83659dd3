// GitLab projects known before their first webhook: the server config's list and the
// token's projects (discovered across Link pages on the fake GitLab) join the scheduler's
// repositories on both state backends, each analysed once when it joins; a project the
// token lost leaves the schedule; failures change nothing; config errors name the field.
#include "bot/gitlab_projects.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "bot/scheduler.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_gitlab.h"

namespace ddd::bot {
namespace {

constexpr int64_t kMonday0600 = 1796018400;  // 2026-11-30T06:00:00Z

std::string cloneUrl(const std::string& path) { return "https://gitlab.test/" + path + ".git"; }

class GitlabProjectsTest : public ddd::testing::BackendTest {
 protected:
  ddd::testing::FakeGitlab gitlab{"team/app", "glpat-ddd", 4242};
  forges::HttpClient http;
  ServerConfig config;

  void SetUp() override {
    BackendTest::SetUp();
    config.gitlabApiUrl = gitlab.apiUrl();
    config.gitlabToken = "glpat-ddd";
    gitlab.projectsPageSize = 2;  // the discovery pages
    gitlab.addProject(101, "a/one", cloneUrl("a/one"), 30);
    gitlab.addProject(102, "a/two", cloneUrl("a/two"), 30);
    gitlab.addProject(103, "b/three", cloneUrl("b/three"), 40, false, "trunk");
    gitlab.addProject(104, "b/empty", cloneUrl("b/empty"), 30, false, "");
    gitlab.addProject(105, "c/reporter", cloneUrl("c/reporter"), 20);
    gitlab.addProject(106, "c/archived", cloneUrl("c/archived"), 50, /*archived=*/true);
  }
  std::map<std::string, RepositoryRecord> active(JobStore& s) {
    std::map<std::string, RepositoryRecord> out;
    for (auto& r : s.repositories(true)) out.emplace(r.repo, std::move(r));
    return out;
  }
  std::vector<Job> jobsOf(JobStore& s, const std::string& kind) {
    std::vector<Job> out;
    for (auto& j : s.list(false, 1000)) {
      if (j.kind == kind) out.push_back(std::move(j));
    }
    return out;
  }
};

TEST_P(GitlabProjectsTest, DiscoveredProjectsJoinTheScheduleAndAreAnalysedOnce) {
  auto s = openJobStore(url());
  ASSERT_TRUE(config.discoversGitlabProjects());  // on by default with a token and no list
  const auto first = syncGitlabProjects(*s, http, config, kMonday0600 - 3600);
  EXPECT_EQ(first.known, 3u);
  EXPECT_EQ(first.joined, 3u);
  EXPECT_EQ(first.left, 0u);
  ASSERT_EQ(first.warnings.size(), 1u);  // the empty repository waits
  EXPECT_NE(first.warnings[0].find("b/empty (104) has no default branch"), std::string::npos)
      << first.warnings[0];
  auto repos = active(*s);
  ASSERT_EQ(repos.size(), 3u);
  const auto three = nlohmann::json::parse(repos.at("b/three").payload);
  EXPECT_EQ(repos.at("b/three").forge, "gitlab");
  EXPECT_EQ(three["projectId"], 103);
  EXPECT_EQ(three["cloneUrl"], cloneUrl("b/three"));
  EXPECT_EQ(three["defaultBranch"], "trunk");
  EXPECT_FALSE(three.contains("eventUuid"));
  // Each joined project is analysed once now, with what an analyze job needs.
  auto analyses = jobsOf(*s, "gitlab.analyze");
  ASSERT_EQ(analyses.size(), 3u);
  for (const auto& j : analyses) {
    const auto p = nlohmann::json::parse(j.payload);
    // Queued under the project's id, as its webhooks' jobs are.
    EXPECT_EQ(j.repo, "gitlab:project:" + std::to_string(p["projectId"].get<int64_t>()));
    EXPECT_EQ(p["cloneUrl"], cloneUrl(p["repo"]));
  }
  // The scheduler now has their slots, as for an installation's repositories.
  const auto tick = schedulerTick(*s, ScheduleDefaults{}, kMonday0600);
  EXPECT_EQ(tick.enqueued, 9u);
  EXPECT_EQ(jobsOf(*s, "gitlab.report").size(), 3u);
  const auto reports = jobsOf(*s, "gitlab.report");
  for (const auto& j : reports) {
    const auto p = nlohmann::json::parse(j.payload);
    EXPECT_EQ(p["projectId"], p["repo"] == "a/one" ? 101 : p["repo"] == "a/two" ? 102 : 103);
    EXPECT_EQ(j.repo, "gitlab:project:" + std::to_string(p["projectId"].get<int64_t>()));
  }
  // Every page was read: three pages of two for the six projects GitLab lists.
  int pages = 0;
  for (const auto& r : gitlab.requests()) pages += r.target.rfind("/api/v4/projects?", 0) == 0;
  EXPECT_EQ(pages, 2);  // four listed (reporter and archived are not): two pages of two
  EXPECT_TRUE(gitlab.violations().empty()) << gitlab.violations().front();

  // The next refresh changes nothing and queues nothing.
  const auto again = syncGitlabProjects(*s, http, config, kMonday0600 + 60);
  EXPECT_EQ(again.known, 3u);
  EXPECT_EQ(again.joined, 0u);
  EXPECT_EQ(active(*s).at("a/one").updatedAt, kMonday0600 - 3600);  // nothing rewritten
  EXPECT_EQ(jobsOf(*s, "gitlab.analyze").size(), 3u + 6u);          // 3 joined + 2 scheduled each

  // The token loses a/two: it leaves the schedule; when it comes back it is analysed again.
  gitlab.removeProject(102);
  const auto lost = syncGitlabProjects(*s, http, config, kMonday0600 + 120);
  EXPECT_EQ(lost.left, 1u);
  EXPECT_EQ(active(*s).count("a/two"), 0u);
  const auto later = schedulerTick(*s, ScheduleDefaults{}, kMonday0600 + 7 * 86400);
  EXPECT_EQ(later.enqueued, 6u);  // two projects, three schedules each
  gitlab.addProject(102, "a/two", cloneUrl("a/two"), 30);
  const auto back = syncGitlabProjects(*s, http, config, kMonday0600 + 7 * 86400 + 60);
  EXPECT_EQ(back.joined, 1u);
  EXPECT_EQ(active(*s).count("a/two"), 1u);
  int twoAnalysedOnJoining = 0;
  for (const auto& j : jobsOf(*s, "gitlab.analyze"))
    twoAnalysedOnJoining += j.dedupeKey.rfind("gitlab:joined:102:", 0) == 0;
  EXPECT_EQ(twoAnalysedOnJoining, 2);
}

// Listed projects (path or id) without discovery; a project only a webhook made known
// stays; a failed look-up or a refused discovery changes nothing.
TEST_P(GitlabProjectsTest, ListedProjectsAndFailures) {
  auto s = openJobStore(url());
  ddd::testing::TestRepo repo;
  repo.commit({{"README.md", "app\n"}});
  gitlab.followRepository(repo.path().string());
  s->upsertRepository(RepositoryRecord{"x/from-webhook", "gitlab",
                                       R"({"repo": "x/from-webhook", "projectId": 900})", "{}",
                                       true, 1});
  config.gitlabProjects = {"team/app", "103", "nope/missing"};
  config.gitlabDiscoverProjects = false;
  const auto listed = syncGitlabProjects(*s, http, config, kMonday0600);
  EXPECT_EQ(listed.known, 2u);
  ASSERT_EQ(listed.warnings.size(), 1u);
  EXPECT_NE(listed.warnings[0].find("gitlabProjects: nope/missing: GitLab GET"), std::string::npos)
      << listed.warnings[0];
  EXPECT_NE(listed.warnings[0].find("404"), std::string::npos) << listed.warnings[0];
  auto repos = active(*s);
  EXPECT_EQ(repos.size(), 3u);  // team/app, b/three and the webhook's project
  EXPECT_EQ(nlohmann::json::parse(repos.at("team/app").payload)["cloneUrl"], repo.path().string());
  // The path was sent encoded, as GitLab requires (the fake records it otherwise).
  EXPECT_TRUE(gitlab.violations().empty()) << gitlab.violations().front();

  // Discovery on as well, with a token GitLab refuses: a warning, nothing leaves.
  config.gitlabDiscoverProjects = true;
  config.gitlabToken = "expired";
  const auto refused = syncGitlabProjects(*s, http, config, kMonday0600 + 60);
  EXPECT_EQ(refused.left, 0u);
  EXPECT_EQ(active(*s).size(), 3u);
  bool said = false;
  for (const auto& w : refused.warnings)
    said |= w.find("GitLab project discovery failed") != std::string::npos &&
            w.find("401") != std::string::npos;
  EXPECT_TRUE(said);

  // A complete discovery: the webhook's project (the token can't act there) leaves; the
  // listed ones stay, team/app though discovery does not list it.
  config.gitlabToken = "glpat-ddd";
  const auto complete = syncGitlabProjects(*s, http, config, kMonday0600 + 120);
  EXPECT_EQ(complete.left, 1u);
  repos = active(*s);
  EXPECT_EQ(repos.count("x/from-webhook"), 0u);
  EXPECT_EQ(repos.count("team/app"), 1u);
  EXPECT_EQ(repos.count("a/one"), 1u);
  EXPECT_EQ(repos.size(), 4u);  // team/app, a/one, a/two, b/three

  // No token at all: nothing asked, a warning for the listed projects.
  config.gitlabToken.clear();
  const size_t asked = gitlab.requests().size();
  const auto none = syncGitlabProjects(*s, http, config, kMonday0600 + 180);
  EXPECT_EQ(gitlab.requests().size(), asked);
  ASSERT_EQ(none.warnings.size(), 1u);
  EXPECT_NE(none.warnings[0].find("no GitLab access token"), std::string::npos);
}

// Without discovery the config's list is authoritative: a project taken off it leaves the
// schedule at the next start (or refresh), also when the list is emptied, and comes back
// analysed when listed again; projects known only from their webhooks stay.
TEST_P(GitlabProjectsTest, AProjectTakenOffTheListLeavesTheScheduleWithoutDiscovery) {
  auto s = openJobStore(url());
  s->upsertRepository(RepositoryRecord{"x/from-webhook", "gitlab",
                                       R"({"repo": "x/from-webhook", "projectId": 900})", "{}",
                                       true, 1});
  config.gitlabProjects = {"a/one", "103"};
  config.gitlabDiscoverProjects = false;
  const auto first = syncGitlabProjects(*s, http, config, kMonday0600);
  EXPECT_EQ(first.joined, 2u);
  auto repos = active(*s);
  ASSERT_EQ(repos.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(repos.at("b/three").payload)["listed"], true);
  EXPECT_FALSE(nlohmann::json::parse(repos.at("x/from-webhook").payload).contains("listed"));

  // Restarted with b/three (listed by id) no longer listed: it leaves, nothing else does.
  config.gitlabProjects = {"a/one"};
  const auto second = syncGitlabProjects(*s, http, config, kMonday0600 + 60);
  EXPECT_EQ(second.left, 1u);
  EXPECT_EQ(second.joined, 0u);
  repos = active(*s);
  EXPECT_EQ(repos.count("b/three"), 0u);
  EXPECT_EQ(repos.count("a/one"), 1u);
  EXPECT_EQ(repos.count("x/from-webhook"), 1u);
  // Its scheduled jobs stop with it: a week later only the two left are scheduled.
  const auto tick = schedulerTick(*s, ScheduleDefaults{}, kMonday0600 + 7 * 86400);
  EXPECT_EQ(tick.enqueued, 6u);
  for (const auto& j : jobsOf(*s, "gitlab.report"))
    EXPECT_NE(nlohmann::json::parse(j.payload)["repo"], "b/three");

  // The list emptied (discovery still off): a/one leaves too, though GitLab is not asked.
  config.gitlabProjects.clear();
  const size_t asked = gitlab.requests().size();
  const auto emptied = syncGitlabProjects(*s, http, config, kMonday0600 + 120);
  EXPECT_EQ(emptied.left, 1u);
  EXPECT_EQ(gitlab.requests().size(), asked);
  repos = active(*s);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos.count("x/from-webhook"), 1u);

  // Listed again: back on the schedule and analysed once more.
  config.gitlabProjects = {"b/three"};
  const auto back = syncGitlabProjects(*s, http, config, kMonday0600 + 180);
  EXPECT_EQ(back.joined, 1u);
  EXPECT_EQ(active(*s).count("b/three"), 1u);
}

// Two scheduler replicas refreshing at the same moment queue each joining analysis once.
TEST_P(GitlabProjectsTest, TwoReplicasQueueEachJoiningAnalysisOnce) {
  auto a = openJobStore(url());
  auto b = openJobStore(url());
  std::thread ta([&] { syncGitlabProjects(*a, http, config, kMonday0600); });
  std::thread tb([&] { syncGitlabProjects(*b, http, config, kMonday0600); });
  ta.join();
  tb.join();
  std::map<std::string, int> perProject;
  for (const auto& j : jobsOf(*a, "gitlab.analyze"))
    ++perProject[nlohmann::json::parse(j.payload)["repo"]];
  EXPECT_EQ(perProject, (std::map<std::string, int>{{"a/one", 1}, {"a/two", 1}, {"b/three", 1}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, GitlabProjectsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

ServerConfig load(const std::string& json, std::map<std::string, std::string> env = {}) {
  return loadServerConfig(json, "server.json",
                          [env](const std::string& name) -> std::optional<std::string> {
                            auto it = env.find(name);
                            if (it == env.end()) return std::nullopt;
                            return it->second;
                          });
}

std::string errorOf(const std::string& json, std::map<std::string, std::string> env = {}) {
  try {
    load(json, std::move(env));
  } catch (const ServerConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ServerConfigGitlabProjects, ListsDiscoveryAndRefreshFromFileAndEnvironment) {
  auto c = load(R"({"gitlabProjects": ["group/sub/app", 42, "7"], "gitlabDiscoverProjects": true,
                    "gitlabProjectsRefreshSeconds": 600})");
  EXPECT_EQ(c.gitlabProjects, (std::vector<std::string>{"group/sub/app", "42", "7"}));
  EXPECT_EQ(c.gitlabDiscoverProjects, true);
  EXPECT_EQ(c.gitlabProjectsRefreshSeconds, 600);
  EXPECT_FALSE(c.discoversGitlabProjects());  // no token: nothing to discover with
  c.gitlabToken = "t";
  EXPECT_TRUE(c.discoversGitlabProjects());
  c.gitlabDiscoverProjects.reset();
  EXPECT_FALSE(c.discoversGitlabProjects());  // a list turns the default off
  c.gitlabProjects.clear();
  EXPECT_TRUE(c.discoversGitlabProjects());

  // The environment replaces the file's values.
  c = load(R"({"gitlabProjects": ["a/b"]})", {{"DDD_GITLAB_PROJECTS", " x/y, 12\tz/w/v ,"},
                                              {"DDD_GITLAB_DISCOVER_PROJECTS", "false"},
                                              {"DDD_GITLAB_PROJECTS_REFRESH_SECONDS", "7200"}});
  EXPECT_EQ(c.gitlabProjects, (std::vector<std::string>{"x/y", "12", "z/w/v"}));
  EXPECT_EQ(c.gitlabDiscoverProjects, false);
  EXPECT_EQ(c.gitlabProjectsRefreshSeconds, 7200);
  EXPECT_NE(c.describe().find("GitLab projects 3 listed"), std::string::npos) << c.describe();
}

TEST(ServerConfigGitlabProjects, ErrorsNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"gitlabProjects": "a/b"})", "server.json: gitlabProjects: expected an array"},
      {R"({"gitlabProjects": ["a/b", true]})",
       "server.json: gitlabProjects[1]: expected a project"},
      {R"({"gitlabProjects": ["a/b", "app"]})", "gitlabProjects[1]: \"app\" is neither"},
      {R"({"gitlabProjects": ["a/b", "/a/b"]})", "gitlabProjects[1]"},
      {R"({"gitlabProjects": ["a b/c"]})",
       "gitlabProjects[0]: not a project path: character 2 is not a letter"},
      {R"({"gitlabProjects": ["a/b,c/d"]})", "gitlabProjects[0]: not a project path: character 4"},
      {R"({"gitlabProjects": [0]})", "gitlabProjects[0]: \"0\" is not a GitLab project id"},
      {R"({"gitlabProjects": [-4]})", "gitlabProjects[0]"},
      {R"({"gitlabProjects": ["a/b", "a/b"]})", "gitlabProjects[1]: \"a/b\" is listed twice"},
      {R"({"gitlabProjects": [""]})", "gitlabProjects[0]: empty"},
      {R"({"gitlabDiscoverProjects": "yes"})", "gitlabDiscoverProjects: expected true or false"},
      {R"({"gitlabProjectsRefreshSeconds": 5})", "gitlabProjectsRefreshSeconds: expected whole"},
      {R"({"gitlabProjectsRefreshSeconds": "600"})", "gitlabProjectsRefreshSeconds: expected"},
  };
  for (const auto& [json, expected] : cases) {
    const std::string error = errorOf(json);
    EXPECT_NE(error.find(expected), std::string::npos) << json << " -> " << error;
  }
  EXPECT_NE(errorOf("", {{"DDD_GITLAB_PROJECTS", "a/b,bad"}})
                .find("DDD_GITLAB_PROJECTS entry 2: \"bad\""),
            std::string::npos);
  EXPECT_NE(errorOf("", {{"DDD_GITLAB_DISCOVER_PROJECTS", "maybe"}})
                .find("DDD_GITLAB_DISCOVER_PROJECTS: \"maybe\" is not true or false"),
            std::string::npos);
  EXPECT_NE(errorOf("", {{"DDD_GITLAB_PROJECTS_REFRESH_SECONDS", "10m"}})
                .find("DDD_GITLAB_PROJECTS_REFRESH_SECONDS: expected whole seconds"),
            std::string::npos);
  // An unknown field's message lists the new ones.
  EXPECT_NE(errorOf(R"({"gitlabProject": []})").find("gitlabProjects, gitlabDiscoverProjects"),
            std::string::npos);
}

}  // namespace
}  // namespace ddd::bot
