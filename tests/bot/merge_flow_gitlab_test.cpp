// The same merge flow on GitLab: pipeline jobs green -> merged with the sha pinned; a
// failed job -> review with one note and the label.
#include <gtest/gtest.h>

#include "bot/merge_flow.h"
#include "forges/gitlab/gitlab_forge.h"
#include "tests/support/fake_gitlab.h"

namespace ddd::bot {
namespace {

const std::string kSha = "3333333333333333333333333333333333333333";

TEST(MergeFlowOnGitlab, GreenMergesRedMovesToReview) {
  for (const bool green : {true, false}) {
    SCOPED_TRACE(green ? "green" : "red");
    ddd::testing::FakeGitlab gitlab("team/app", "tok");
    forges::HttpClient http;
    forges::GitlabForge forge(http, {.apiUrl = gitlab.apiUrl(),
                                     .project = "team/app",
                                     .token = "tok",
                                     .eventUuid = "",
                                     .mutationSpacing = std::chrono::milliseconds(0),
                                     .now = nullptr,
                                     .sleep = nullptr});
    forges::PullRequestSpec s;
    s.branch = "ddd/deprecations/python";
    s.base = "main";
    s.title = "Replace deprecated Python APIs";
    s.body = "body";
    forge.create(s, kSha);
    gitlab.setHeadSha(1, kSha);
    gitlab.setJob(kSha, "test", green ? "success" : "failed");
    // The project requires an up-to-date branch and the base moved on: no merge yet.
    gitlab.setDetailedMergeStatus(1, "need_rebase");
    MergeRequest req;
    req.pr = *forge.findOpenByBranch("ddd/deprecations/python");
    req.pushedSha = kSha;
    req.decision.action = policies::Action::Automerge;
    req.decision.rule = "defaults.safe-deprecation-fix";
    if (green) {
      EXPECT_NE(advanceMerge(forge, req).step, MergeStep::Merged);
      EXPECT_EQ(gitlab.mergeRequest(1)["state"], "opened");
    }
    gitlab.setDetailedMergeStatus(1, "mergeable");
    auto out = advanceMerge(forge, req);
    if (green) {
      EXPECT_EQ(out.step, MergeStep::Merged) << out.detail;
      EXPECT_EQ(gitlab.mergeRequest(1)["state"], "merged");
    } else {
      EXPECT_EQ(out.step, MergeStep::MovedToReview) << out.detail;
      EXPECT_EQ(gitlab.notes(1).size(), 1u);
      EXPECT_EQ(gitlab.mergeRequest(1)["state"], "opened");
    }
    EXPECT_EQ(gitlab.statuses(kSha).at("ddd/policy"), "success");
    const auto v = gitlab.violations();
    EXPECT_TRUE(v.empty()) << v.front();
  }
}

}  // namespace
}  // namespace ddd::bot
