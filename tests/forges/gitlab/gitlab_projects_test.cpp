// The projects a GitLab token may act on: GitLab's project JSON read, the member list
// followed through its Link pages on the fake GitLab (Reporter-only and archived projects
// left out), and failures that name the call.
#include "forges/gitlab/gitlab_projects.h"

#include <gtest/gtest.h>

#include "forges/forge.h"
#include "forges/gitlab/gitlab_forge.h"
#include "tests/support/fake_gitlab.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::forges {
namespace {

using Reply = ddd::testing::FakeHttpServer::Response;
Reply reply(const std::string& body, const std::string& link = "") {
  Reply r;
  r.body = body;
  if (!link.empty()) r.headers.push_back({"Link", link});
  return r;
}

TEST(GitlabProjects, ReadsGitlabsProjectJson) {
  const auto p = gitlabProjectFromJson(nlohmann::json::parse(
      R"({"id": 42, "path_with_namespace": "group/sub/app", "default_branch": "trunk",
          "http_url_to_repo": "https://gitlab.test/group/sub/app.git", "name": "app"})"));
  ASSERT_TRUE(p);
  EXPECT_EQ(*p,
            (GitlabProject{42, "group/sub/app", "https://gitlab.test/group/sub/app.git", "trunk"}));
  // An empty repository has a null default branch: read, left empty.
  const auto empty = gitlabProjectFromJson(nlohmann::json::parse(
      R"({"id": 7, "path_with_namespace": "g/e", "default_branch": null,
          "http_url_to_repo": "https://gitlab.test/g/e.git"})"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->defaultBranch, "");
  for (const char* bad :
       {R"({"path_with_namespace": "g/a", "http_url_to_repo": "u"})",
        R"({"id": "42", "path_with_namespace": "g/a", "http_url_to_repo": "u"})",
        R"({"id": -1, "path_with_namespace": "g/a", "http_url_to_repo": "u"})",
        R"({"id": 42, "http_url_to_repo": "u"})", R"({"id": 42, "path_with_namespace": "g/a"})",
        R"({"id": 42, "path_with_namespace": 5, "http_url_to_repo": "u"})", R"([1, 2])",
        R"("text")", "null"}) {
    EXPECT_FALSE(gitlabProjectFromJson(nlohmann::json::parse(bad))) << bad;
  }
}

TEST(GitlabProjects, ListsTheTokensProjectsAcrossLinkPages) {
  ddd::testing::FakeGitlab gitlab("team/app", "glpat-x", 4242);
  gitlab.projectsPageSize = 2;
  for (int i = 1; i <= 5; ++i) {
    gitlab.addProject(100 + i, "group/p" + std::to_string(i),
                      "https://gitlab.test/group/p" + std::to_string(i) + ".git", i == 3 ? 40 : 30);
  }
  gitlab.addProject(200, "group/read-only", "https://gitlab.test/group/read-only.git", 20);
  gitlab.addProject(201, "group/old", "https://gitlab.test/group/old.git", 50, /*archived=*/true);
  HttpClient http;
  const auto projects = listMemberProjects(http, gitlab.apiUrl() + "/", "glpat-x");
  ASSERT_EQ(projects.size(), 5u);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(projects[i - 1],
              (GitlabProject{100 + i, "group/p" + std::to_string(i),
                             "https://gitlab.test/group/p" + std::to_string(i) + ".git", "main"}));
  }
  const auto requests = gitlab.requests();
  ASSERT_EQ(requests.size(), 3u);  // three pages of two, by the Link header
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.header("PRIVATE-TOKEN"), "glpat-x");
    for (const char* part :
         {"membership=true", "min_access_level=30", "simple=true", "archived=false"})
      EXPECT_NE(r.target.find(part), std::string::npos) << r.target;
  }
  EXPECT_EQ(requests[0].target.find("&page="), std::string::npos) << requests[0].target;
  EXPECT_NE(requests[2].target.find("page=3"), std::string::npos) << requests[2].target;
  EXPECT_TRUE(gitlab.violations().empty()) << gitlab.violations().front();
}

TEST(GitlabProjects, FailuresNameTheCallAndTheTokenNeverLeavesTheApiHost) {
  ddd::testing::FakeGitlab gitlab("team/app", "glpat-x", 4242);
  HttpClient http;
  try {
    listMemberProjects(http, gitlab.apiUrl(), "wrong");
    FAIL() << "a refused token lists nothing";
  } catch (const ForgeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("answered 401"), std::string::npos) << what;
    EXPECT_NE(what.find("DDD_GITLAB_TOKEN_FILE"), std::string::npos) << what;
    EXPECT_EQ(what.find("wrong"), std::string::npos) << what;  // the token is never shown
  }
  // A server whose next page is on another host: not followed with the token.
  ddd::testing::FakeHttpServer elsewhere(
      [](const ddd::testing::FakeHttpServer::Request&) { return reply("[]"); });
  const std::string elsewhereUrl = "http://localhost:" + std::to_string(elsewhere.port());
  ddd::testing::FakeHttpServer api([&](const ddd::testing::FakeHttpServer::Request&) {
    return reply(R"([{"id": 1, "path_with_namespace": "g/a", "http_url_to_repo": "u"}])",
                 "<" + elsewhereUrl + "/api/v4/projects?page=2>; rel=\"next\"");
  });
  EXPECT_THROW(listMemberProjects(http, api.url() + "/api/v4", "glpat-x"), ForgeError);
  EXPECT_TRUE(elsewhere.requests().empty());
  // Not a JSON array.
  ddd::testing::FakeHttpServer odd(
      [](const ddd::testing::FakeHttpServer::Request&) { return reply(R"({"message": "no"})"); });
  EXPECT_THROW(listMemberProjects(http, odd.url() + "/api/v4", "glpat-x"), ForgeError);
}

// GET /projects/:id, by id or by the path encoded with %2F.
TEST(GitlabProjects, AForgeSaysWhatItsProjectIs) {
  ddd::testing::FakeGitlab gitlab("group/sub/app", "glpat-x", 77);
  ddd::testing::TestRepo repo;
  repo.commit({{"README.md", "app\n"}});
  gitlab.followRepository(repo.path().string());
  HttpClient http;
  for (const char* project : {"77", "group/sub/app"}) {
    GitlabForgeOptions o;
    o.apiUrl = gitlab.apiUrl();
    o.project = project;
    o.token = "glpat-x";
    GitlabForge forge(http, o);
    EXPECT_EQ(forge.project(), (GitlabProject{77, "group/sub/app", repo.path().string(), "main"}));
  }
  EXPECT_EQ(gitlab.requests()[1].target, "/api/v4/projects/group%2Fsub%2Fapp");
  EXPECT_TRUE(gitlab.violations().empty()) << gitlab.violations().front();
}

}  // namespace
}  // namespace ddd::forges
