// The GitHub client against the fake GitHub, whose every request must match GitHub's
// OpenAPI description: the pull-request lifecycle, pagination, 401 refresh, errors and
// the spacing of mutating calls.
#include "forges/github/github_forge.h"

#include <gtest/gtest.h>

#include "tests/support/fake_github.h"

namespace ddd::forges {
namespace {

using ddd::testing::FakeGithub;
using namespace std::chrono;

struct GithubWorld {
  FakeGithub github{"octo", "hello"};
  HttpClient http;
  std::vector<milliseconds> sleeps;
  steady_clock::time_point clock = steady_clock::time_point(seconds(1000));
  int refreshes = 0;
  std::string token = "ghs_first";

  GithubForgeOptions options(const std::string& key) {
    GithubForgeOptions o;
    o.apiUrl = github.apiUrl();
    o.owner = "octo";
    o.repo = "hello";
    o.token = [this] { return token; };
    o.refresh = [this](const std::string&) {
      ++refreshes;
      token = "ghs_second";
      return token;
    };
    o.installationKey = key;
    o.now = [this] { return clock; };
    o.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      clock += d;
    };
    return o;
  }
};

PullRequestSpec spec(const std::string& branch) {
  PullRequestSpec s;
  s.repo = "octo/hello";
  s.branch = branch;
  s.base = "main";
  s.title = "Update lodash to 4.17.21";
  s.body = "## What changes\n\n<!-- ddd:change id=deps/npm-lodash-4.x version=1 -->\n";
  s.labels = {"ddd", "ddd:dependencies"};
  s.reviewers = {"alice", "octo/platform"};
  return s;
}

TEST(GithubForge, PullRequestLifecycleSpeaksGithubsApi) {
  GithubWorld s;
  GithubForge gh(s.http, s.options("lifecycle"));
  EXPECT_FALSE(gh.findOpenByBranch("ddd/deps/npm-lodash-4.x"));
  auto pr = gh.create(spec("ddd/deps/npm-lodash-4.x"), "");
  EXPECT_EQ(pr.number, 1);
  EXPECT_EQ(pr.branch, "ddd/deps/npm-lodash-4.x");
  auto found = gh.findOpenByBranch("ddd/deps/npm-lodash-4.x");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->labels, (std::vector<std::string>{"ddd", "ddd:dependencies"}));
  EXPECT_EQ(found->reviewers, std::vector<std::string>{"alice"});
  auto changed = spec("ddd/deps/npm-lodash-4.x");
  changed.title = "Update lodash to 4.17.22";
  changed.labels = {"ddd"};
  changed.reviewers.clear();
  gh.update(1, changed, "");
  EXPECT_EQ(gh.findOpenByBranch("ddd/deps/npm-lodash-4.x")->title, "Update lodash to 4.17.22");
  changed.labels.clear();
  gh.update(1, changed, "");
  EXPECT_TRUE(gh.findOpenByBranch("ddd/deps/npm-lodash-4.x")->labels.empty());
  gh.comment(1, "hello <!-- ddd:blocked -->");
  ASSERT_EQ(gh.comments(1).size(), 1u);
  EXPECT_EQ(gh.comments(1)[0].author, "ddd[bot]");
  gh.close(1, "no longer needed");
  EXPECT_FALSE(gh.findOpenByBranch("ddd/deps/npm-lodash-4.x"));
  EXPECT_EQ(gh.list().at(0).state, "closed");
  EXPECT_TRUE(s.github.violations().empty()) << s.github.violations().front();
  const auto calls = s.github.calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "issues/add-labels"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "pulls/request-reviewers"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "issues/remove-all-labels"), calls.end());
}

TEST(GithubForge, FollowsLinkPagination) {
  GithubWorld s;
  s.github.pageSize = 2;
  GithubForge gh(s.http, s.options("pages"));
  for (int i = 0; i < 5; ++i) gh.create(spec("ddd/b" + std::to_string(i)), "");
  const auto all = gh.list();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.back().number, 5);
  EXPECT_TRUE(gh.findOpenByBranch("ddd/b4"));
  EXPECT_TRUE(s.github.violations().empty()) << s.github.violations().front();
}

TEST(GithubForge, RefreshesTheTokenOnceOn401) {
  GithubWorld s;
  s.github.setValidTokens({"ghs_second"});
  GithubForge gh(s.http, s.options("refresh"));
  EXPECT_EQ(gh.create(spec("ddd/x"), "").number, 1);
  EXPECT_EQ(s.refreshes, 1);
  gh.comment(1, "again");  // the refreshed token stays
  EXPECT_EQ(s.refreshes, 1);
  s.github.setValidTokens({"ghs_third"});
  try {
    gh.comment(1, "rejected twice");
    FAIL();
  } catch (const ForgeError& e) {
    EXPECT_NE(std::string(e.what()).find("answered 401"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("ghs_"), std::string::npos)
        << e.what();  // no token in errors
  }
}

TEST(GithubForge, ErrorsNameTheCallStatusAndMessage) {
  GithubWorld s;
  s.github.failNext("pulls/create", 422);
  GithubForge gh(s.http, s.options("errors"));
  try {
    gh.create(spec("ddd/x"), "");
    FAIL();
  } catch (const ForgeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("GitHub POST"), std::string::npos) << what;
    EXPECT_NE(what.find("/repos/octo/hello/pulls answered 422 (\"injected failure\")"),
              std::string::npos)
        << what;
  }
}

TEST(GithubForge, SpacesMutatingCallsOfOneInstallation) {
  GithubWorld s;
  GithubForge gh(s.http, s.options("spacing"));
  gh.create(spec("ddd/x"), "");  // create + labels + reviewers: three mutations
  gh.findOpenByBranch("ddd/x");  // reads are not spaced
  ASSERT_EQ(s.sleeps.size(), 2u);
  for (auto d : s.sleeps) EXPECT_EQ(d, milliseconds(1000));
}

}  // namespace
}  // namespace ddd::forges
