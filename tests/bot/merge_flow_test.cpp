// The merge flow end to end on the fake GitHub (every request checked against GitHub's
// OpenAPI description): green checks -> merged with the head pinned; a red check -> no
// merge, a comment, the review label and reviewers; approval + green -> merged when the
// rule says mergeOnApproval; a person's commit -> never merged; pending checks ->
// platform auto-merge pinned to ddd's commit; a too-young release holds it.
#include "bot/merge_flow.h"

#include <gtest/gtest.h>

#include "forges/github/github_forge.h"
#include "tests/support/fake_github.h"

namespace ddd::bot {
namespace {

using namespace std::chrono;
const std::string kPushed = "1111111111111111111111111111111111111111";

struct World {
  ddd::testing::FakeGithub github{"octo", "hello"};
  forges::HttpClient http;
  std::unique_ptr<forges::GithubForge> gh;
  int number = 0;

  World() {
    forges::GithubForgeOptions o;
    o.apiUrl = github.apiUrl();
    o.owner = "octo";
    o.repo = "hello";
    o.token = [] { return std::string("ghs_t"); };
    o.mutationSpacing = milliseconds(0);
    gh = std::make_unique<forges::GithubForge>(http, o);
    forges::PullRequestSpec s;
    s.branch = "ddd/deps/npm-lodash-4.x";
    s.base = "main";
    s.title = "Update lodash";
    s.body = "body";
    number = gh->create(s, kPushed).number;
    github.setHeadSha(number, kPushed);
  }
  MergeRequest request(policies::Action action) {
    MergeRequest r;
    r.pr = *gh->findOpenByBranch("ddd/deps/npm-lodash-4.x");
    r.pushedSha = kPushed;
    r.decision.action = action;
    r.decision.rule = "test-rule";
    r.decision.reviewers = {"alice"};
    r.releaseAgeDays = 10;
    return r;
  }
  std::string state() {
    return github.pulls().at(number).data.value("merged_at", nlohmann::json()).is_null() ? "open"
                                                                                         : "merged";
  }
  void noViolations() {
    const auto v = github.violations();
    EXPECT_TRUE(v.empty()) << v.front();
  }
};

TEST(MergeFlow, GreenChecksMergeWithTheHeadPinned) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  auto out = advanceMerge(*w.gh, w.request(policies::Action::Automerge));
  EXPECT_EQ(out.step, MergeStep::Merged) << out.detail;
  EXPECT_EQ(w.state(), "merged");
  EXPECT_EQ(w.github.statuses(kPushed).at("ddd/policy"), "success");
  EXPECT_EQ(w.github.statuses(kPushed).at("ddd/release-age"), "success");
  w.noViolations();
}

// Branch protection requires an up-to-date branch and the base moved on (GitHub says
// mergeable_state "behind"): green checks are not enough, no merge until it is rebuilt.
TEST(MergeFlow, ABranchBehindABaseThatRequiresUpToDateIsNotMerged) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  w.github.setMergeableState(w.number, "behind");
  auto out = advanceMerge(*w.gh, w.request(policies::Action::Automerge));
  EXPECT_EQ(out.step, MergeStep::Waiting) << out.detail;  // not moved to review either
  EXPECT_EQ(w.state(), "open");
  bool said = false;
  for (const auto& b : out.verdict.blocking) said = said || b.find("up to date") != std::string::npos;
  EXPECT_TRUE(said);
  w.github.setMergeableState(w.number, "clean");
  EXPECT_EQ(advanceMerge(*w.gh, w.request(policies::Action::Automerge)).step, MergeStep::Merged);
  w.noViolations();
}

TEST(MergeFlow, ARedCheckMovesToReviewOnce) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  w.github.setCheckRun(kPushed, "test", "completed", "failure");
  for (int i = 0; i < 2; ++i) {
    auto out = advanceMerge(*w.gh, w.request(policies::Action::Automerge));
    EXPECT_EQ(out.step, MergeStep::MovedToReview);
    EXPECT_EQ(out.detail, "failed: test");
  }
  EXPECT_EQ(w.state(), "open");
  const auto pr = w.github.pulls().at(w.number);
  ASSERT_EQ(pr.comments.size(), 1u);  // said once
  EXPECT_NE(pr.comments[0]["body"].get<std::string>().find("A check failed (test)"),
            std::string::npos);
  bool labelled = false;
  for (const auto& l : pr.data["labels"]) labelled |= l["name"] == "ddd:needs-review";
  EXPECT_TRUE(labelled);
  EXPECT_EQ(pr.data["requested_reviewers"][0]["login"], "alice");
  w.noViolations();
}

TEST(MergeFlow, ApprovalAndGreenMergeOnlyWithMergeOnApproval) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  auto req = w.request(policies::Action::Review);
  EXPECT_EQ(advanceMerge(*w.gh, req).step, MergeStep::NotForMerging);
  req.decision.mergeOnApproval = true;
  auto waiting = advanceMerge(*w.gh, req);
  EXPECT_EQ(waiting.step, MergeStep::Waiting);
  EXPECT_NE(waiting.detail.find("approval"), std::string::npos) << waiting.detail;
  w.github.addReview(w.number, "alice", "APPROVED");
  EXPECT_EQ(advanceMerge(*w.gh, req).step, MergeStep::Merged);
  EXPECT_EQ(w.state(), "merged");
  w.noViolations();
}

TEST(MergeFlow, APersonsCommitIsNeverMerged) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  w.github.setHeadSha(w.number, "2222222222222222222222222222222222222222");  // someone pushed
  auto req = w.request(policies::Action::Automerge);
  req.pr = *w.gh->findOpenByBranch("ddd/deps/npm-lodash-4.x");
  EXPECT_EQ(advanceMerge(*w.gh, req).step, MergeStep::Blocked);
  req.pr.headCommit = kPushed;
  req.humanCommits = true;  // git says so even if the head looks like ddd's
  EXPECT_EQ(advanceMerge(*w.gh, req).step, MergeStep::Blocked);
  EXPECT_EQ(w.state(), "open");
  EXPECT_EQ(w.github.pulls().at(w.number).comments.size(), 1u);
  w.noViolations();
}

TEST(MergeFlow, PendingChecksEnablePlatformAutoMergePinnedToDddsCommit) {
  World w;
  w.github.setCheckRun(kPushed, "build", "in_progress", "");
  auto out = advanceMerge(*w.gh, w.request(policies::Action::Automerge));
  EXPECT_EQ(out.step, MergeStep::AutoMergeEnabled);
  EXPECT_TRUE(w.github.autoMergeEnabled(w.number));
  EXPECT_EQ(w.state(), "open");
  w.noViolations();
}

TEST(MergeFlow, WhereAutoMergeIsNotAllowedDddWaitsAndMergesOnGreen) {
  World w;
  w.github.autoMergeAllowed = false;
  w.github.setCheckRun(kPushed, "build", "queued", "");
  EXPECT_EQ(advanceMerge(*w.gh, w.request(policies::Action::Automerge)).step, MergeStep::Waiting);
  w.github.setCheckRun(kPushed, "build", "completed", "success");  // check_suite completed
  EXPECT_EQ(advanceMerge(*w.gh, w.request(policies::Action::Automerge)).step, MergeStep::Merged);
  w.noViolations();
}

TEST(MergeFlow, ATooYoungReleaseWaitsAndNoCheckMeansNoMerge) {
  World w;
  w.github.setCheckRun(kPushed, "build", "completed", "success");
  auto req = w.request(policies::Action::Automerge);
  req.releaseAgeDays = 1;
  auto out = advanceMerge(*w.gh, req);
  EXPECT_EQ(out.step, MergeStep::Waiting);
  EXPECT_EQ(w.github.statuses(kPushed).at("ddd/release-age"), "pending");
  EXPECT_EQ(w.state(), "open");

  World none;  // no CI at all
  auto silent = advanceMerge(*none.gh, none.request(policies::Action::Automerge));
  EXPECT_EQ(silent.step, MergeStep::Waiting);
  EXPECT_NE(silent.detail.find("no check ran"), std::string::npos) << silent.detail;
  auto trusting = none.request(policies::Action::Automerge);
  trusting.decision.ignoreTests = true;
  EXPECT_EQ(advanceMerge(*none.gh, trusting).step, MergeStep::Merged);
}

}  // namespace
}  // namespace ddd::bot
