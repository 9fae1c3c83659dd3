// The GitLab client against the fake GitLab: merge requests with labels and reviewers,
// notes without GitLab's system notes, statuses, approvals, merges pinned by sha, and
// auto-merge only once a pipeline exists (with the fallback for older servers).
#include "forges/gitlab/gitlab_forge.h"

#include <gtest/gtest.h>

#include "tests/support/fake_gitlab.h"

namespace ddd::forges {
namespace {

struct World {
  ddd::testing::FakeGitlab gitlab{"group/sub/app", "glpat-secret"};
  HttpClient http;
  std::vector<std::chrono::milliseconds> waits;  // the pacing of writes, never slept
  GitlabForge forge{http,
                    {.apiUrl = gitlab.apiUrl(),
                     .project = "group/sub/app",
                     .token = "glpat-secret",
                     .eventUuid = "uuid-123",
                     .mutationSpacing = std::chrono::milliseconds(1000),
                     .now = nullptr,
                     .sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); }}};
};

PullRequestSpec spec(const std::string& branch) {
  PullRequestSpec s;
  s.branch = branch;
  s.base = "main";
  s.title = "Update lodash";
  s.body = "body";
  s.labels = {"ddd", "ddd:dependencies"};
  s.reviewers = {"alice"};
  return s;
}

// Writes to one project are at least a second apart (the sleeper is recorded, so the
// test never sleeps); reads are not paced.
TEST(GitlabForge, WritesToAProjectAreSpaced) {
  World w;
  w.forge.create(spec("ddd/deps/pace-a"), "");
  w.forge.list();
  w.forge.create(spec("ddd/deps/pace-b"), "");
  ASSERT_GE(w.waits.size(), 1u);
  for (const auto& d : w.waits) {
    EXPECT_GT(d.count(), 0);
    EXPECT_LE(d.count(), 1000);
  }
}

TEST(GitlabForge, MergeRequestLifecycle) {
  World w;
  EXPECT_FALSE(w.forge.findOpenByBranch("ddd/deps/a"));
  auto mr = w.forge.create(spec("ddd/deps/a"), "");
  EXPECT_EQ(mr.number, 1);
  EXPECT_EQ(mr.state, "open");
  auto found = w.forge.findOpenByBranch("ddd/deps/a");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->labels, (std::vector<std::string>{"ddd", "ddd:dependencies"}));
  EXPECT_EQ(found->reviewers.size(), 1u);
  auto changed = spec("ddd/deps/a");
  changed.title = "Update lodash again";
  changed.draft = true;
  EXPECT_EQ(w.forge.update(1, changed, "").title, "Draft: Update lodash again");
  w.forge.comment(1, "hello");
  const auto notes = w.forge.comments(1);
  ASSERT_EQ(notes.size(), 1u);  // the system note is not a comment
  EXPECT_EQ(notes[0].body, "hello");
  w.forge.addLabels(1, {"ddd:needs-review"});
  EXPECT_EQ(w.gitlab.mergeRequest(1)["labels"].size(), 3u);
  w.forge.close(1, "bye");
  EXPECT_FALSE(w.forge.findOpenByBranch("ddd/deps/a"));
  EXPECT_EQ(w.forge.list().at(0).state, "closed");
  const auto v = w.gitlab.violations();
  EXPECT_TRUE(v.empty()) << v.front();
  for (const auto& r : w.gitlab.requests()) {
    EXPECT_EQ(r.header("X-Gitlab-Event-UUID"), "uuid-123") << r.target;
    if (r.target.find("/projects/") != std::string::npos) {
      EXPECT_NE(r.target.find("/projects/group%2Fsub%2Fapp/"), std::string::npos) << r.target;
    }
  }
}

TEST(GitlabForge, StatusesApprovalsAndMerges) {
  World w;
  w.forge.create(spec("ddd/deps/a"), "");
  const std::string sha = "abc123abc123abc123abc123abc123abc123abcd";
  w.gitlab.setHeadSha(1, sha);
  w.gitlab.setJob(sha, "build", "success");
  w.gitlab.setJob(sha, "test", "running");
  w.forge.setStatus(sha, "ddd/policy", "success", "automerge");
  auto checks = w.forge.checks(sha);
  EXPECT_EQ(checks.total, 3);
  EXPECT_EQ(checks.pending, 1);
  w.gitlab.setJob(sha, "test", "failed");
  EXPECT_EQ(w.forge.checks(sha).failedNames, std::vector<std::string>{"test"});
  EXPECT_FALSE(w.forge.approved(1));
  w.gitlab.approve(1);
  EXPECT_TRUE(w.forge.approved(1));
  EXPECT_FALSE(
      w.forge.merge(1, "0000000000000000000000000000000000000000", "").merged);  // head moved
  auto merged = w.forge.merge(1, sha, "squash");
  EXPECT_TRUE(merged.merged) << merged.message;
  EXPECT_EQ(w.gitlab.mergeRequest(1)["state"], "merged");
}

TEST(GitlabForge, AutoMergeOnlyWithAPipelineAndOnOlderServers) {
  World w;
  auto mr = w.forge.create(spec("ddd/deps/a"), "");
  w.gitlab.setHeadSha(1, "s1");
  EXPECT_FALSE(w.forge.enableAutoMerge(mr, "s1", ""));  // no pipeline yet: wait
  w.gitlab.startPipeline(1);
  w.gitlab.supportsAutoMergeFlag = false;
  EXPECT_TRUE(w.forge.enableAutoMerge(mr, "s1", ""));
  EXPECT_EQ(w.gitlab.mergeRequest(1)["merge_when_pipeline_succeeds"], true);
  bool fellBack = false;
  for (const auto& r : w.gitlab.requests())
    fellBack |= r.body.find("merge_when_pipeline_succeeds") != std::string::npos;
  EXPECT_TRUE(fellBack);
}

TEST(GitlabForge, ErrorsNameTheCallAndNeverTheToken) {
  ddd::testing::FakeGitlab gitlab("app", "right-token");
  HttpClient http;
  GitlabForge forge(http, {.apiUrl = gitlab.apiUrl(),
                           .project = "app",
                           .token = "wrong-token",
                           .eventUuid = "",
                           .mutationSpacing = std::chrono::milliseconds(0),
                           .now = nullptr,
                           .sleep = nullptr});
  try {
    forge.list();
    FAIL();
  } catch (const ForgeError& e) {
    EXPECT_NE(std::string(e.what()).find("answered 401"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong-token"), std::string::npos);
  }
}

}  // namespace
}  // namespace ddd::forges
