// Pull-request reconciliation on the local forge: caps with reasons, one comment on a
// branch a person changed, stale pull requests closed only for analyzers that ran.
#include "bot/reconcile.h"

#include <gtest/gtest.h>

#include "bot/run_local.h"
#include "forges/local_forge.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::TempDir;
using ddd::testing::TestRepo;

forges::PullRequestSpec spec(const std::string& branch,
                             const std::string& analyzer = "deprecations") {
  forges::PullRequestSpec s;
  s.repo = "/repo";
  s.branch = branch;
  s.base = "main";
  s.title = "Fix " + branch;
  s.body = "body";
  s.labels = {"ddd", "ddd:" + analyzer};
  return s;
}

std::time_t realNow() { return std::time(nullptr); }

TEST(Reconcile, HoldsBackNewPullRequestsOverTheOpenCap) {
  TempDir dir;
  forges::LocalForge forge(dir.path() / "s.sqlite", "/repo");
  PullRequestReconciler r(forge, {2, 0}, realNow);
  EXPECT_EQ(r.apply(spec("ddd/a"), "1", false, "").outcome, "created");
  EXPECT_EQ(r.apply(spec("ddd/b"), "1", false, "").outcome, "created");
  auto held = r.apply(spec("ddd/c"), "1", false, "");
  EXPECT_EQ(held.outcome, "held back");
  EXPECT_EQ(held.number, 0);
  EXPECT_EQ(held.detail, "2 ddd pull requests are open (limit 2); merge or close some");
  // Existing pull requests are still updated.
  auto s = spec("ddd/a");
  s.title = "Fix a, better";
  EXPECT_EQ(r.apply(s, "2", false, "").outcome, "updated");
  EXPECT_FALSE(r.holdBackReason("ddd/b"));
  EXPECT_EQ(forge.list().size(), 2u);
  // A human closes one: the next run may open the held-back one.
  forge.setState(1, "closed");
  PullRequestReconciler next(forge, {2, 0}, realNow);
  EXPECT_EQ(next.apply(spec("ddd/c"), "1", false, "").outcome, "created");
}

TEST(Reconcile, HoldsBackOverTheHourlyCapUntilAnHourPassed) {
  TempDir dir;
  forges::LocalForge forge(dir.path() / "s.sqlite", "/repo");
  PullRequestReconciler r(forge, {10, 2}, realNow);
  r.apply(spec("ddd/a"), "1", false, "");
  r.apply(spec("ddd/b"), "1", false, "");
  EXPECT_EQ(*r.holdBackReason("ddd/c"),
            "ddd opened 2 pull requests in the last hour (limit 2); the next run opens this one");
  PullRequestReconciler later(forge, {10, 2}, [] { return std::time(nullptr) + 3601; });
  EXPECT_FALSE(later.holdBackReason("ddd/c"));
}

TEST(Reconcile, LeavesABranchAPersonChangedAloneAndSaysSoOnce) {
  TempDir dir;
  forges::LocalForge forge(dir.path() / "s.sqlite", "/repo");
  PullRequestReconciler r(forge, {}, realNow);
  const int n = r.apply(spec("ddd/a"), "1", false, "").number;
  for (int i = 0; i < 2; ++i) {
    auto out = r.apply(spec("ddd/a"), "2", true, "commit 1a2b3c4 by Ann <ann@example.com>");
    EXPECT_EQ(out.outcome, "left alone");
    EXPECT_EQ(out.number, n);
  }
  const auto cs = forge.comments(n);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_NE(cs[0].body.find(kBlockedMarker), std::string::npos);
  EXPECT_NE(cs[0].body.find("commit 1a2b3c4 by Ann"), std::string::npos);
  EXPECT_EQ(forge.findOpenByBranch("ddd/a")->headCommit, "1");  // not moved
}

TEST(Reconcile, ClosesStalePullRequestsOfAnalyzersThatRan) {
  TempDir dir;
  forges::LocalForge forge(dir.path() / "s.sqlite", "/repo");
  {
    PullRequestReconciler r(forge, {10, 0}, realNow);
    r.apply(spec("ddd/deprecations/python"), "1", false, "");
    r.apply(spec("ddd/deprecations/go"), "1", false, "");
    r.apply(spec("ddd/deps/npm-lodash", "dependencies"), "1", false, "");
  }
  PullRequestReconciler r(forge, {}, realNow);
  auto closed = r.closeStale({"ddd/deprecations/go"}, {"deprecations"}, "0123456789abcdef");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].branch, "ddd/deprecations/python");
  EXPECT_FALSE(forge.findOpenByBranch("ddd/deprecations/python"));
  EXPECT_TRUE(forge.findOpenByBranch("ddd/deprecations/go"));
  EXPECT_TRUE(forge.findOpenByBranch("ddd/deps/npm-lodash"));  // dependencies did not run
  EXPECT_NE(forge.comments(closed[0].number).back().body.find("0123456789ab"), std::string::npos);
}

TEST(Reconcile, RunLocalClosesThePullRequestOfAChangeThatWentAway) {
  TestRepo repo;
  repo.commit({{"app/clock.py", "import datetime\nnow = datetime.datetime.utcnow()\n"}});
  RunLocalRequest request;
  request.scan.repoPath = repo.path();
  request.scan.analyzers = {"deprecations"};
  request.scan.dataDir = ddd::testing::dataDir().string();
  auto first = runLocal(request);
  ASSERT_EQ(first.changes.size(), 1u);
  ASSERT_EQ(first.changes[0].prOutcome, "created");
  repo.commit({{"app/clock.py", "import datetime\nnow = datetime.datetime.now(datetime.UTC)\n"}},
              "fixed by hand");
  auto second = runLocal(request);
  EXPECT_TRUE(second.changes.empty());
  ASSERT_EQ(second.closed.size(), 1u);
  EXPECT_EQ(second.closed[0].number, first.changes[0].prNumber);
  const std::string text = renderRunLocal(second);
  EXPECT_NE(text.find("closed: the scan no longer proposes this change"), std::string::npos)
      << text;
  forges::LocalForge forge(first.stateFile, first.scan.repoPath.string());
  EXPECT_EQ(forge.list()[0].state, "closed");
}

TEST(Reconcile, RunLocalRecordsHeldBackChanges) {
  TestRepo repo;
  repo.commit({{"app/stamp.py",
                "import logging, datetime\nlogging.warn('x')\nt = datetime.datetime.utcnow()\n"},
               {"cmd/load.go",
                "package main\nimport \"io/ioutil\"\nfunc f() { ioutil.ReadFile(\"x\") }\n"}});
  RunLocalRequest request;
  request.scan.repoPath = repo.path();
  request.scan.analyzers = {"deprecations"};
  request.scan.dataDir = ddd::testing::dataDir().string();
  request.limits = {1, 0};
  auto result = runLocal(request);
  ASSERT_GE(result.changes.size(), 2u);
  size_t held = 0;
  for (const auto& c : result.changes) {
    if (c.status != BranchStatus::HeldBack) continue;
    ++held;
    EXPECT_EQ(c.prNumber, 0);
    EXPECT_NE(c.detail.find("limit 1"), std::string::npos);
    // No branch is written for a held-back change.
    EXPECT_EQ(ddd::testing::git(repo.path(), "branch --list " + c.branch), "");
  }
  EXPECT_EQ(held, result.changes.size() - 1);
  EXPECT_NE(renderRunLocal(result).find("held back by the pull-request caps"), std::string::npos);
}

}  // namespace
}  // namespace ddd::bot
