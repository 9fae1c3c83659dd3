// `ddd report PATH`: the weekly report of a local repository, with its history kept in
// the state store across weeks.
#include "bot/report_local.h"

#include <gtest/gtest.h>

#include "bot/state_store.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

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

}  // namespace
}  // namespace ddd::bot
