// Policies from the repository config, end to end through the scan pipeline, run
// --local and the CLI: the repository's rules decide, "@codeowners" reviewers come from
// the scanned tree's CODEOWNERS, an invalid rule is a finding (the defaults decide),
// and every output carries the explanation.
#include <gtest/gtest.h>

#include "bot/report.h"
#include "bot/run_local.h"
#include "bot/scan.h"
#include "forges/local_forge.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::kTestAnalyzer;
using ddd::testing::TestRepo;

const char* kReviewPolicy = R"({
  "policies": [
    {"name": "go-drafts", "match": {"ecosystem": "go"}, "action": "draft"},
    {"name": "fixes-need-owners", "description": "the team reviews API migrations",
     "match": {"analyzer": "deprecations", "paths": "src/**"}, "action": "review",
     "reviewers": ["@codeowners", "lead"], "labels": ["migration"], "mergeOnApproval": true}
  ]
})";

ScanRequest requestFor(const TestRepo& repo) {
  ddd::testing::registerTestAnalyzer();
  ScanRequest r;
  r.repoPath = repo.path();
  r.analyzers = {kTestAnalyzer};
  r.dataDir = ddd::testing::dataDir().string();
  return r;
}

TEST(PolicyPipeline, RepositoryRulesDecideWithCodeOwners) {
  TestRepo repo;
  repo.commit({{"src/a.py", "OLD_API(1)\n"},
               {".ddd.json", kReviewPolicy},
               {".github/CODEOWNERS", "* @everyone\nsrc/ @py-team\n"}});
  const auto report = runScan(requestFor(repo));
  ASSERT_EQ(report.result.changes.size(), 1u);
  ASSERT_EQ(report.decisions.size(), 1u);
  const auto& d = report.decisions[0];
  EXPECT_EQ(d.rule, "fixes-need-owners");
  EXPECT_EQ(d.action, policies::Action::Review);
  EXPECT_EQ(d.source, "repository .ddd.json /policies/1");
  EXPECT_EQ(d.reviewers, (std::vector<std::string>{"@py-team", "lead"}));
  EXPECT_EQ(d.labels, std::vector<std::string>{"migration"});
  ASSERT_EQ(d.trace.size(), 2u);
  EXPECT_EQ(d.trace[0].rule, "go-drafts");
  EXPECT_FALSE(d.trace[0].matched);

  const auto j = scanToJson(report);
  const auto& decision = j["changes"][0]["decision"];
  EXPECT_EQ(decision["rule"], "fixes-need-owners");
  EXPECT_EQ(decision["trace"].size(), 2u);
  EXPECT_EQ(decision["trace"][1]["decided"], true);
  EXPECT_EQ(decision["mergeOnApproval"], true);

  const std::string text = renderText(report, /*explain=*/true);
  EXPECT_NE(text.find("=> fixes-need-owners"), std::string::npos) << text;
  EXPECT_NE(text.find("no:  ecosystem test is not one of go"), std::string::npos) << text;
  EXPECT_EQ(renderText(report).find("rules considered"), std::string::npos);
}

TEST(PolicyPipeline, AnInvalidRuleIsAFindingAndTheDefaultsDecide) {
  TestRepo repo;
  repo.commit({{"src/a.py", "OLD_API(1)\n"},
               {".ddd.json",
                R"({"policies": [{"match": {"updateTyp": "minor"}, "action": "automerge"}]})"}});
  const auto report = runScan(requestFor(repo));
  bool found = false;
  for (const auto& f : report.result.findings) {
    if (f.rule != "config.invalid-policies") continue;
    found = true;
    EXPECT_EQ(f.path, ".ddd.json");
    EXPECT_EQ(f.severity, analyzers::Severity::Error);
    EXPECT_NE(f.message.find("/policies/0/match/updateTyp: unknown match field"), std::string::npos)
        << f.message;
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(report.decisions.size(), 1u);
  EXPECT_EQ(report.decisions[0].rule, "defaults.safe-deprecation-fix");
}

TEST(PolicyPipeline, RunLocalExplainsTheDecisionInThePullRequest) {
  TestRepo repo;
  repo.commit({{"src/a.py", "OLD_API(1)\n"},
               {".ddd.json", kReviewPolicy},
               {"CODEOWNERS", "*.py @py-team\n"}});
  RunLocalRequest request;
  request.scan = requestFor(repo);
  const auto result = runLocal(request);
  ASSERT_EQ(result.changes.size(), 1u);
  const auto& c = result.changes[0];
  EXPECT_EQ(c.decision.rule, "fixes-need-owners");
  EXPECT_NE(c.body.find("## Why this PR needs review"), std::string::npos) << c.body;
  EXPECT_NE(c.body.find("the team reviews API migrations"), std::string::npos) << c.body;
  EXPECT_NE(c.body.find("Reviewers requested: @py-team lead"), std::string::npos) << c.body;
  EXPECT_NE(c.body.find("<details><summary>Facts and rules considered</summary>"),
            std::string::npos);
  const std::string printed = renderRunLocal(result);
  EXPECT_NE(printed.find("decision: review by fixes-need-owners"), std::string::npos) << printed;
  EXPECT_NE(printed.find("rules considered"), std::string::npos) << printed;

  forges::LocalForge forge(result.stateFile, result.scan.repoPath.string());
  const auto prs = forge.list();
  ASSERT_EQ(prs.size(), 1u);
  auto has = [&](const std::string& l) {
    return std::find(prs[0].labels.begin(), prs[0].labels.end(), l) != prs[0].labels.end();
  };
  EXPECT_TRUE(has("ddd:needs-review"));
  EXPECT_TRUE(has("migration"));
  EXPECT_FALSE(has("automerge"));
}

TEST(PolicyPipeline, ScanExplainOnTheCommandLine) {
  TestRepo repo;
  repo.commit({{"app/stamp.py", "import datetime\nnow = datetime.datetime.utcnow()\n"}});
  const auto o =
      ddd::testing::runDdd("scan " + ddd::testing::shellQuote(repo.path().string()) + " --explain");
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_NE(o.out.find("rules considered (first match decides)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("=> defaults."), std::string::npos) << o.out;
}

}  // namespace
}  // namespace ddd::bot
