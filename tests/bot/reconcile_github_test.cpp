// The one reconciliation path on GitHub: the fake GitHub checks every request against
// GitHub's OpenAPI description.
#include <gtest/gtest.h>

#include "bot/reconcile.h"
#include "forges/github/github_forge.h"
#include "tests/support/fake_github.h"

namespace ddd::bot {
namespace {

using namespace std::chrono;

forges::PullRequestSpec spec(const std::string& branch) {
  forges::PullRequestSpec s;
  s.repo = "octo/hello";
  s.branch = branch;
  s.base = "main";
  s.title = "Update a";
  s.body = "body";
  s.labels = {"ddd", "ddd:dependencies"};
  return s;
}

TEST(ReconcileOnGithub, CreatesUpdatesLeavesAloneAndClosesThroughTheApi) {
  ddd::testing::FakeGithub github("octo", "hello");
  forges::HttpClient http;
  forges::GithubForgeOptions o;
  o.apiUrl = github.apiUrl();
  o.owner = "octo";
  o.repo = "hello";
  o.token = [] { return std::string("ghs_token"); };
  o.mutationSpacing = milliseconds(0);
  forges::GithubForge gh(http, o);
  github.addHumanPull("feature/login", "A person's PR");
  {
    PullRequestReconciler r(gh, {10, 0}, [] { return std::time(nullptr); });
    EXPECT_EQ(r.apply(spec("ddd/deps/a"), "", false, "").outcome, "created");
    // The head GitHub reports is the commit ddd pushed to the branch.
    const std::string head = gh.findOpenByBranch("ddd/deps/a")->headCommit;
    EXPECT_EQ(r.apply(spec("ddd/deps/a"), head, false, "").outcome, "up to date");
    auto retitled = spec("ddd/deps/a");
    retitled.title = "Update a again";
    EXPECT_EQ(r.apply(retitled, head, false, "").outcome, "updated");
    EXPECT_EQ(r.apply(spec("ddd/deps/a"), head, true, "commit 1a2b3c4 by Ann").outcome, "left alone");
  }
  PullRequestReconciler next(gh, {10, 0}, [] { return std::time(nullptr); });
  auto closed = next.closeStale({}, {"dependencies"}, "0123456789abcdef");
  ASSERT_EQ(closed.size(), 1u);  // ddd's own, not the person's
  EXPECT_EQ(closed[0].branch, "ddd/deps/a");
  EXPECT_TRUE(gh.findOpenByBranch("feature/login"));
  const auto v = github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

}  // namespace
}  // namespace ddd::bot
