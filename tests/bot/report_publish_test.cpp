// The weekly report issue: created once, then edited in place (found by its marker), on
// the local forge and on the fake GitHub (every request checked against the OpenAPI
// description).
#include "bot/report_publish.h"

#include <gtest/gtest.h>

#include "bot/tech_debt_report.h"
#include "forges/github/github_forge.h"
#include "forges/local_forge.h"
#include "tests/support/fake_github.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

std::string body(int score) {
  ReportInput in;
  in.repo = "octo/hello";
  in.now = 1763964000 + score;
  in.current.readiness = score;
  return renderTechDebtReport(in);
}

void publishesOnce(forges::Forge& forge) {
  auto first = publishReport(forge, "octo/hello", body(50));
  EXPECT_EQ(first.outcome, "created");
  EXPECT_EQ(publishReport(forge, "octo/hello", body(50)).outcome, "unchanged");
  auto third = publishReport(forge, "octo/hello", body(60));
  EXPECT_EQ(third.outcome, "updated");
  EXPECT_EQ(third.number, first.number);
  // Another repository's report is another issue.
  EXPECT_NE(publishReport(forge, "octo/other", body(1)).number, first.number);
  const auto issues = forge.issuesWithLabel(kReportLabel);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_NE(issues[0].body.find("**60 / 100**"), std::string::npos);
}

TEST(ReportPublish, OneIssueEditedInPlaceOnTheLocalForge) {
  ddd::testing::TempDir dir;
  forges::LocalForge forge(dir.path() / "s.sqlite", "/repo");
  publishesOnce(forge);
  // Stored in the state file: a second forge object on it sees the same two issues.
  forges::LocalForge again(dir.path() / "s.sqlite", "/repo");
  const auto issues = again.issuesWithLabel(kReportLabel);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].state, "open");
}

TEST(ReportPublish, OneIssueEditedInPlaceOnGithub) {
  ddd::testing::FakeGithub github("octo", "hello");
  forges::HttpClient http;
  forges::GithubForgeOptions o;
  o.apiUrl = github.apiUrl();
  o.owner = "octo";
  o.repo = "hello";
  o.token = [] { return std::string("t"); };
  o.mutationSpacing = std::chrono::milliseconds(0);
  forges::GithubForge gh(http, o);
  publishesOnce(gh);
  EXPECT_EQ(github.issues().size(), 2u);
  const auto v = github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

}  // namespace
}  // namespace ddd::bot
