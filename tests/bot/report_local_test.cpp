// `ddd report PATH`: the weekly report of a local repository, with its history kept in
// the state store across weeks.
#include "bot/report_local.h"

#include <gtest/gtest.h>

#include "bot/run_local.h"
#include "bot/state_store.h"
#include "git/branch.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::git;
using ddd::testing::TestRepo;

constexpr std::time_t kMonday = 1763964000;  // 2025-11-24 06:00 UTC
constexpr std::time_t kWeek = 7 * 86400;

std::string pythonWithUtcnow(int n) {
  std::string s = "import datetime\n";
  for (int i = 0; i < n; ++i) {
    s += 't';
    s += std::to_string(i);
    s += " = datetime.datetime.utcnow()\n";
  }
  return s;
}

ReportLocalRequest requestFor(const TestRepo& repo, std::time_t now) {
  ReportLocalRequest r;
  r.scan.repoPath = repo.path();
  r.scan.analyzers = {"deprecations"};
  r.scan.dataDir = ddd::testing::dataDir().string();
  r.now = now;
  return r;
}

TEST(ReportLocal, MeasuresScoresAndRemembersEachWeek) {
  TestRepo repo;
  repo.commit({{"app/clock.py", pythonWithUtcnow(6)}});
  auto first = reportLocal(requestFor(repo, kMonday));
  EXPECT_EQ(first.body.rfind("<!-- ddd:tech-debt-report repo=", 0), 0u);
  EXPECT_NE(first.body.find("**Deprecated APIs**: 6 usages (python 6)"), std::string::npos)
      << first.body;
  EXPECT_EQ(first.score.parts.at("deprecations"), 94);
  EXPECT_EQ(first.score.total, 94);  // the only part measured
  EXPECT_NE(first.body.find("too little history"), std::string::npos);

  // Same week again: the point is replaced, not added.
  reportLocal(requestFor(repo, kMonday + 3600));
  StateStore store(first.stateFile);
  const std::string key = repo.path().string();
  EXPECT_TRUE(store.reportHistory(key, "2025-W48", 10).empty());
  EXPECT_EQ(store.reportHistory(key, "2099-W01", 10).size(), 1u);

  // Later weeks: fewer usages, the score rises and the change shows.
  for (int week = 1; week <= 4; ++week) {
    repo.commit({{"app/clock.py", pythonWithUtcnow(6 - week)}}, "fix some");
    auto r = reportLocal(requestFor(repo, kMonday + week * kWeek));
    EXPECT_NE(r.body.find("(+1 since last week)"), std::string::npos) << r.body;
  }
  auto last = reportLocal(requestFor(repo, kMonday + 4 * kWeek));
  EXPECT_EQ(store.reportHistory(key, "2099-W01", 20).size(), 5u);
  EXPECT_NE(last.body.find("the health score is rising"), std::string::npos) << last.body;
  EXPECT_NE(last.body.find("x-axis [\"W48\", \"W49\", \"W50\", \"W51\", \"W52\"]"),
            std::string::npos)
      << last.body;
}

// The repository config's `report` section sets the score's scales: with 6 usages and
// deprecationsAtZero 12, the deprecations part (the only one measured) scores 50.
TEST(ReportLocal, TheConfigSetsTheScoresScalesAndWeights) {
  TestRepo repo;
  repo.commit({{"app/clock.py", pythonWithUtcnow(6)},
               {".ddd.json", R"({"report": {"deprecationsAtZero": 12, "scoreThreshold": 60,
                                            "weights": {"deprecations": 2, "readiness": 0}}})"}});
  const auto r = reportLocal(requestFor(repo, kMonday));
  EXPECT_EQ(r.score.parts.at("deprecations"), 50);
  EXPECT_EQ(r.score.total, 50);
  EXPECT_DOUBLE_EQ(r.score.weights.at("deprecations"), 1.0);
  // An invalid section is reported by the scan and the defaults apply (94, as above).
  TestRepo bad;
  bad.commit({{"app/clock.py", pythonWithUtcnow(6)},
              {".ddd.json", R"({"report": {"deprecationsAtZero": "twelve"}})"}});
  EXPECT_EQ(reportLocal(requestFor(bad, kMonday)).score.total, 94);
}

TEST(ReportLocal, CommandLinePrintsTheReport) {
  TestRepo repo;
  repo.commit({{"a.py", pythonWithUtcnow(1)}});
  TestRepo other;  // a separate state file location
  const auto state = other.path() / "state.sqlite";
  const auto o = ddd::testing::runDdd("report " + ddd::testing::shellQuote(repo.path().string()) +
                                      " --state " + ddd::testing::shellQuote(state.string()));
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(o.out.rfind("<!-- ddd:tech-debt-report repo=", 0), 0u) << o.out;
  EXPECT_NE(o.out.find("## System health"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(state));
  const auto bad = ddd::testing::runDdd("report /nonexistent/repo");
  EXPECT_EQ(bad.exitCode, 2) << bad.err;
}

// The report's pull-request and held-back sections come from the forge and the scan:
// with the repository capping open pull requests at 1, `ddd run --local` opens one draft
// and holds the other change back; after a person commits on the open one's branch, the
// report says it is blocked by a human edit and why the other waits.
TEST(ReportLocal, ListsBlockedPullRequestsAndChangesHeldBackByTheCaps) {
  ddd::testing::registerTestAnalyzer();
  TestRepo repo;
  repo.commit({{".ddd.json", R"({"pullRequests": {"maxOpen": 1}})"},
               {"a.py", "OLD_API(1)\n"},
               {"app/clock.py", pythonWithUtcnow(2)}});
  RunLocalRequest run;
  run.scan.repoPath = repo.path();
  run.scan.analyzers = {ddd::testing::kTestAnalyzer, "deprecations"};
  run.scan.dataDir = ddd::testing::dataDir().string();
  const auto first = runLocal(run);
  ASSERT_EQ(first.changes.size(), 2u);
  int created = 0, heldBack = 0;
  std::string openBranch;
  for (const auto& c : first.changes) {
    if (c.status == BranchStatus::Created) {
      ++created;
      openBranch = c.branch;
    }
    if (c.status == BranchStatus::HeldBack) ++heldBack;
  }
  ASSERT_EQ(created, 1) << renderRunLocal(first);
  ASSERT_EQ(heldBack, 1) << renderRunLocal(first);

  // A maintainer commits on the open pull request's branch; the next run leaves it alone.
  const auto tip = git::Oid::fromHex(git(repo.path(), "rev-parse " + openBranch).substr(0, 40));
  const auto human = git::createCommit(repo.repo(), tip, repo.repo().treeOf(tip), "my tweak",
                                       git::Identity{"Jane", "jane@example.com"}, 0);
  git(repo.path(), "update-ref refs/heads/" + openBranch + " " + human.hex());
  runLocal(run);

  auto request = requestFor(repo, kMonday);
  request.scan.analyzers = run.scan.analyzers;
  const auto report = reportLocal(request);
  EXPECT_NE(report.body.find("## Open ddd pull requests (1)"), std::string::npos) << report.body;
  EXPECT_NE(report.body.find("| blocked by a human edit |"), std::string::npos) << report.body;
  EXPECT_NE(report.body.find("## Held back (1)"), std::string::npos) << report.body;
  EXPECT_NE(report.body.find("rate limit: 1 ddd pull requests are open (limit 1)"),
            std::string::npos)
      << report.body;
  // A config that raises the cap: nothing is held back any more.
  repo.commit({{".ddd.json", R"({"pullRequests": {"maxOpen": 5}})"}}, "raise the cap");
  const auto raised = reportLocal(request);
  EXPECT_NE(raised.body.find("Nothing is held back."), std::string::npos) << raised.body;
}

}  // namespace
}  // namespace ddd::bot
