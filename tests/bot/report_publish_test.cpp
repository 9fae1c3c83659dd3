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

// A GitHub forge on the fake, writes not spaced.
forges::GithubForgeOptions optionsFor(const ddd::testing::FakeGithub& github) {
  forges::GithubForgeOptions o;
  o.apiUrl = github.apiUrl();
  o.owner = "octo";
  o.repo = "hello";
  o.token = [] { return std::string("t"); };
  o.mutationSpacing = std::chrono::milliseconds(0);
  return o;
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
  forges::GithubForge gh(http, optionsFor(github));
  publishesOnce(gh);
  EXPECT_EQ(github.issues().size(), 2u);
  const auto v = github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// A report too long for the issue body: its parts split at section breaks when they can,
// every part within the limit, and together exactly the report.
TEST(ReportPublish, SplitsALongReportIntoPartsThatFit) {
  std::string full = "<!-- ddd:tech-debt-report repo=octo/hello -->\n# Report\n\n";
  for (int s = 0; s < 6; ++s) {
    full += "## Section " + std::to_string(s) + "\n\n| a | b |\n|---|---|\n";
    for (int row = 0; row < 300; ++row) full += "| row " + std::to_string(row) + " | x |\n";
    full += "\n";
  }
  const size_t limit = 8000;
  const auto parts = splitReportParts(full, limit);
  ASSERT_GE(parts.size(), 4u);
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    EXPECT_LE(parts[i].size(), limit);
    const std::string header = "<!-- ddd:report-part " + std::to_string(i + 1) +
                               " -->\n**Full report, part " + std::to_string(i + 1) + " of " +
                               std::to_string(parts.size()) + "**\n\n";
    ASSERT_EQ(parts[i].rfind(header, 0), 0u) << parts[i].substr(0, 80);
    joined += parts[i].substr(header.size());
    if (i + 1 < parts.size()) {
      EXPECT_EQ(parts[i].back(), '\n');  // whole lines
    }
  }
  EXPECT_EQ(joined, full);
  // One line longer than a part is cut hard, not lost.
  const std::string line(20000, 'x');
  std::string back;
  for (const auto& p : splitReportParts(line, limit)) back += p.substr(p.find("**\n\n") + 4);
  EXPECT_EQ(back, line);
}

// The full report in the issue's comments on the fake GitHub: posted once, edited in place
// when it changes, extra parts deleted when it shrinks, all deleted once the report fits.
TEST(ReportPublish, TheFullReportLivesInTheIssuesCommentsAndIsEditedInPlace) {
  ddd::testing::FakeGithub github("octo", "hello");
  forges::HttpClient http;
  forges::GithubForge gh(http, optionsFor(github));
  const int number = publishReport(gh, "octo/hello", body(50)).number;
  auto longReport = [](int rows, const std::string& cell) {
    std::string full = "# Report\n\n## Held back\n\n";
    for (int i = 0; i < rows; ++i) full += "| change " + std::to_string(i) + " | " + cell + " |\n";
    return full;
  };
  const std::string url = publishReportParts(gh, number, longReport(900, "cap"), 10000);
  EXPECT_NE(url.find("/issues/" + std::to_string(number) + "#issuecomment-"), std::string::npos)
      << url;
  const auto first = github.issueComments(number);
  ASSERT_GE(first.size(), 2u);
  // The same report again: nothing is posted or edited.
  const size_t calls = github.calls().size();
  EXPECT_EQ(publishReportParts(gh, number, longReport(900, "cap"), 10000), url);
  EXPECT_EQ(github.calls().size(), calls + 1);  // the one listing
  // Shorter: part 1 edited in place (same URL), the rest deleted.
  EXPECT_EQ(publishReportParts(gh, number, longReport(100, "age"), 10000), url);
  const auto shrunk = github.issueComments(number);
  ASSERT_EQ(shrunk.size(), 1u);
  EXPECT_EQ(shrunk[0]["id"], first[0]["id"]);
  EXPECT_NE(shrunk[0]["body"].get<std::string>().find("| change 99 | age |"), std::string::npos);
  // The report fits again: no parts, no pointer.
  EXPECT_EQ(publishReportParts(gh, number, "", 10000), "");
  EXPECT_TRUE(github.issueComments(number).empty());
  const auto v = github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

}  // namespace
}  // namespace ddd::bot
