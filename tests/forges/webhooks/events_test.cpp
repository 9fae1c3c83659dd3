// GitLab's and GitHub's webhook payloads (their own examples, tests/fixtures/shared)
// normalised: who sent a note and whether it is new, system notes and token bot users,
// the branch of a merge request pipeline, new commits on a merge request, an edited
// issue's old and new description, clone URLs and sender ids.
#include "forges/webhooks/events.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_repo.h"

namespace ddd::forges {
namespace {

nlohmann::json gitlab(const std::string& name) {
  std::ifstream in(ddd::testing::sharedFixtures() / "gitlab" / "webhooks" / (name + ".json"));
  return nlohmann::json::parse(in);
}

TEST(GitlabEvents, ANewNoteOnAMergeRequest) {
  const auto e = normalizeGitlab("Note Hook", gitlab("note_merge_request"), "uuid");
  EXPECT_EQ(e.kind, "note");
  EXPECT_EQ(e.action, "created");  // no action field; created_at == updated_at
  EXPECT_EQ(e.sender, "user1");
  EXPECT_EQ(e.senderId, 42);
  EXPECT_FALSE(e.senderIsBot);
  EXPECT_TRUE(e.onPullRequest);
  EXPECT_EQ(e.number, 1);
  EXPECT_EQ(e.commentId, 1244);
  EXPECT_EQ(e.headBranch, "master");
  EXPECT_EQ(e.repoId, 5);
  EXPECT_EQ(e.repo, "gitlab-org/gitlab-test");
  EXPECT_EQ(e.cloneUrl, "http://example.com/gitlab-org/gitlab-test.git");
  EXPECT_EQ(e.defaultBranch, "master");
}

TEST(GitlabEvents, EditedNotesAreNotNew) {
  auto p = gitlab("note_issue");
  EXPECT_EQ(normalizeGitlab("Note Hook", p, "").action, "created");
  EXPECT_EQ(normalizeGitlab("Note Hook", p, "").number, 17);
  EXPECT_FALSE(normalizeGitlab("Note Hook", p, "").onPullRequest);
  p["object_attributes"]["updated_at"] = "2015-05-17 17:10:00 UTC";
  EXPECT_EQ(normalizeGitlab("Note Hook", p, "").action, "edited");
  p["object_attributes"]["action"] = "create";  // the server's word wins
  EXPECT_EQ(normalizeGitlab("Note Hook", p, "").action, "created");
  p["object_attributes"]["action"] = "update";
  EXPECT_EQ(normalizeGitlab("Note Hook", p, "").action, "edited");
}

TEST(GitlabEvents, SystemNotesAndTokenUsersAreBots) {
  auto p = gitlab("note_merge_request");
  p["object_attributes"]["system"] = true;
  EXPECT_TRUE(normalizeGitlab("Note Hook", p, "").senderIsBot);
  p["object_attributes"]["system"] = nullptr;  // odd but seen: not a crash, not a bot
  EXPECT_FALSE(normalizeGitlab("Note Hook", p, "").senderIsBot);
  for (const std::string name : {"project_5_bot", "project_5_bot_3f2a", "group_12_bot_77"}) {
    p["user"]["username"] = name;
    EXPECT_TRUE(normalizeGitlab("Note Hook", p, "").senderIsBot) << name;
  }
  for (const std::string name : {"project_bot", "project_5_botanist", "projectx_5_bot", "alice"}) {
    p["user"]["username"] = name;
    EXPECT_FALSE(normalizeGitlab("Note Hook", p, "").senderIsBot) << name;
  }
}

TEST(GitlabEvents, APipelineOfAMergeRequestNamesItsSourceBranch) {
  auto p = gitlab("pipeline");
  p["object_attributes"]["ref"] = "refs/merge-requests/1/head";
  const auto e = normalizeGitlab("Pipeline Hook", p, "");
  EXPECT_EQ(e.headBranch, "test");
  EXPECT_EQ(e.headSha, "bcbb5ec396a2c0f828686f14fac9b80b780504f2");
  EXPECT_EQ(e.conclusion, "success");
  EXPECT_EQ(e.number, 1);
  p.erase("merge_request");  // a branch pipeline
  EXPECT_EQ(normalizeGitlab("Pipeline Hook", p, "").headBranch, "refs/merge-requests/1/head");
}

TEST(GitlabEvents, NewCommitsOnAMergeRequest) {
  auto p = gitlab("merge_request");
  EXPECT_EQ(normalizeGitlab("Merge Request Hook", p, "").action, "open");
  EXPECT_FALSE(normalizeGitlab("Merge Request Hook", p, "").headMoved);
  p["object_attributes"]["action"] = "update";
  EXPECT_FALSE(normalizeGitlab("Merge Request Hook", p, "").headMoved);  // a title edit
  p["object_attributes"]["oldrev"] = "95790bf891e76fee5e1747ab589903a6a1f80f22";
  const auto e = normalizeGitlab("Merge Request Hook", p, "");
  EXPECT_TRUE(e.headMoved);
  EXPECT_EQ(e.headBranch, "ms-viewport");
  EXPECT_EQ(e.number, 1);
}

TEST(GitlabEvents, AnEditedIssueDescription) {
  auto p = gitlab("issue");
  p["object_attributes"]["action"] = "update";
  const auto e = normalizeGitlab("Issue Hook", p, "");
  EXPECT_EQ(e.action, "edited");
  EXPECT_EQ(e.number, 23);
  EXPECT_EQ(e.body, "Create new API for manipulations with repository");
  EXPECT_EQ(e.bodyBefore, "");  // "previous": null in GitLab's example
  EXPECT_EQ(e.sender, "user1");
}

TEST(GitlabEvents, APushNamesItsRefAndPusher) {
  const auto e = normalizeGitlab("Push Hook", gitlab("push"), "");
  EXPECT_EQ(e.kind, "push");
  EXPECT_EQ(e.ref, "refs/heads/master");
  EXPECT_EQ(e.headSha, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
  EXPECT_EQ(e.sender, "jsmith");
  EXPECT_EQ(e.senderId, 4);
  EXPECT_EQ(e.repoId, 15);
  EXPECT_EQ(e.defaultBranch, "master");
}

TEST(GithubEvents, SenderIdsCloneUrlsAndSynchronize) {
  std::ifstream in(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json");
  const auto all = nlohmann::json::parse(in);
  bool sawPush = false, sawSync = false;
  for (const auto& group : all) {
    for (const auto& ex : group["examples"]) {
      if (group["name"] == "push" && !sawPush) {
        const auto e = normalizeGithub("push", ex, "");
        EXPECT_FALSE(e.cloneUrl.empty());
        EXPECT_GT(e.senderId, 0);
        sawPush = true;
      }
      if (group["name"] == "pull_request" && ex.value("action", "") == "synchronize" && !sawSync) {
        EXPECT_TRUE(normalizeGithub("pull_request", ex, "").headMoved);
        sawSync = true;
      }
    }
  }
  EXPECT_TRUE(sawPush);
  EXPECT_TRUE(sawSync);
}

}  // namespace
}  // namespace ddd::forges

namespace ddd::forges {
namespace {

std::string fileText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The receiver stores only the members its forge's keys list (githubEventKeys(),
// gitlabEventKeys(); eventKeys() is both); the worker normalises that
// document. For every example delivery of both forges, under every event name ddd reads
// (a payload under a foreign name too: what a normaliser reads must be listed whatever
// the event), the event from the stored document equals the event from the whole body.
TEST(EventKeys, TheStoredDocumentNormalisesLikeTheWholeDelivery) {
  std::vector<std::string> bodies;
  const auto github = nlohmann::json::parse(
      fileText(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json"));
  for (const auto& group : github)
    for (const auto& ex : group["examples"]) bodies.push_back(ex.dump());
  for (const auto& entry :
       std::filesystem::directory_iterator(ddd::testing::sharedFixtures() / "gitlab" / "webhooks"))
    bodies.push_back(fileText(entry.path()));
  for (const auto& entry : std::filesystem::directory_iterator(
           ddd::testing::sourceDir() / "tests" / "fixtures" / "gitlab" / "systemhooks"))
    bodies.push_back(fileText(entry.path()));
  const char* githubEvents[] = {"issue_comment", "issues", "pull_request", "pull_request_review",
                                "check_suite",   "check_run", "status", "push", "installation",
                                "installation_repositories"};
  const char* gitlabEvents[] = {"Note Hook", "Merge Request Hook", "Pipeline Hook", "Push Hook",
                                "Issue Hook", "System Hook"};
  int compared = 0, withRepositories = 0, withCloneUrl = 0;
  for (const auto& body : bodies) {
    const auto whole = nlohmann::json::parse(body);
    // The union of both forges' keys, and each forge's own (what the receiver keeps).
    const auto stored = parseFilteredJson(body, eventKeys());
    const auto storedGithub = parseFilteredJson(body, githubEventKeys());
    const auto storedGitlab = parseFilteredJson(body, gitlabEventKeys());
    ASSERT_TRUE(stored && storedGithub && storedGitlab);
    const auto reread = nlohmann::json::parse(stored->dump());  // as the worker reads it
    const auto rereadGithub = nlohmann::json::parse(storedGithub->dump());
    const auto rereadGitlab = nlohmann::json::parse(storedGitlab->dump());
    EXPECT_LE(storedGithub->dump().size(), stored->dump().size());
    for (const char* event : githubEvents) {
      const auto e = normalizeGithub(event, whole, "d");
      EXPECT_TRUE(normalizeGithub(event, reread, "d") == e) << event << ": " << body.substr(0, 120);
      EXPECT_TRUE(normalizeGithub(event, rereadGithub, "d") == e)
          << event << " (GitHub's keys): " << body.substr(0, 120);
      withRepositories += !e.repositories.empty();
      ++compared;
    }
    for (const char* event : gitlabEvents) {
      const auto e = normalizeGitlab(event, whole, "d");
      EXPECT_TRUE(normalizeGitlab(event, reread, "d") == e) << event << ": " << body.substr(0, 120);
      EXPECT_TRUE(normalizeGitlab(event, rereadGitlab, "d") == e)
          << event << " (GitLab's keys): " << body.substr(0, 120);
      withCloneUrl += !e.cloneUrl.empty();
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(withRepositories, 0);  // installation examples carry repositories
  EXPECT_GT(withCloneUrl, 0);      // GitLab examples carry git_http_url
}

nlohmann::json systemHook(const std::string& name) {
  return nlohmann::json::parse(fileText(ddd::testing::sourceDir() / "tests" / "fixtures" /
                                        "gitlab" / "systemhooks" / (name + ".json")));
}

// GitLab's system hooks are named by event_name; the project's path and id are top-level
// members of the project_* ones; their pushes read as Push Hooks.
TEST(GitlabSystemHooks, ProjectEventsPushesAndTheRest) {
  auto e = normalizeGitlab("System Hook", systemHook("project_create"), "uuid");
  EXPECT_EQ(e.kind, "project_create");
  EXPECT_EQ(e.repo, "jsmith/storecloud");
  EXPECT_EQ(e.repoId, 74);
  EXPECT_EQ(queueKey(e), "gitlab:project:74");
  e = normalizeGitlab("System Hook", systemHook("project_destroy"), "");
  EXPECT_EQ(e.kind, "project_destroy");
  EXPECT_EQ(e.repo, "jsmith/underscore");
  for (const char* name : {"project_rename", "project_transfer"}) {
    e = normalizeGitlab("System Hook", systemHook(name), "");
    EXPECT_EQ(e.kind, name);
    EXPECT_EQ(e.previousRepo, "jsmith/overscore");
    EXPECT_EQ(e.repoId, 73);
  }
  EXPECT_EQ(normalizeGitlab("System Hook", systemHook("project_transfer"), "").repo,
            "scores/underscore");
  // repository_update: a push of its change to the default branch.
  e = normalizeGitlab("System Hook", systemHook("repository_update"), "");
  EXPECT_EQ(e.kind, "push");
  EXPECT_EQ(e.ref, "refs/heads/master");
  EXPECT_EQ(e.headSha, "4045ea7a3df38697b3730a20fb73c8bed8a3e69e");
  EXPECT_EQ(e.repo, "jsmith/example");
  EXPECT_EQ(e.defaultBranch, "master");
  EXPECT_EQ(e.cloneUrl, "http://example.com/jsmith/example.git");
  // Of several changes, the default branch's, wherever it is.
  auto several = systemHook("repository_update");
  several["changes"] = nlohmann::json::array(
      {{{"before", "0"}, {"after", "aaa"}, {"ref", "refs/tags/v1"}},
       {{"before", "1"}, {"after", "bbb"}, {"ref", "refs/heads/master"}},
       {{"before", "2"}, {"after", "ccc"}, {"ref", "refs/heads/feature"}}});
  e = normalizeGitlab("System Hook", several, "");
  EXPECT_EQ(e.ref, "refs/heads/master");
  EXPECT_EQ(e.headSha, "bbb");
  several["changes"].erase(1);
  EXPECT_EQ(normalizeGitlab("System Hook", several, "").ref, "refs/tags/v1");
  several["changes"] = "not an array";
  EXPECT_EQ(normalizeGitlab("System Hook", several, "").ref, "");
  // push in system hook form (event_name only) is a push; tag_push stays what it is.
  e = normalizeGitlab("System Hook", systemHook("push"), "");
  EXPECT_EQ(e.kind, "push");
  EXPECT_EQ(e.ref, "refs/heads/master");
  EXPECT_EQ(e.headSha, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
  EXPECT_EQ(e.repo, "mike/diaspora");
  EXPECT_EQ(normalizeGitlab("System Hook", systemHook("tag_push"), "").kind, "tag_push");
  EXPECT_EQ(normalizeGitlab("System Hook", systemHook("merge_request"), "").kind,
            "merge_request");
  e = normalizeGitlab("System Hook", systemHook("user_add_to_team"), "");
  EXPECT_EQ(e.kind, "user_add_to_team");
  EXPECT_EQ(e.sender, "johnsmith");
}

TEST(EventKeys, ACheckRunNamesItsBranchThroughItsSuite) {
  const auto p = nlohmann::json::parse(
      R"({"action":"completed","check_run":{"head_sha":"abc","conclusion":"success",)"
      R"("check_suite":{"head_branch":"ddd/x"}},"repository":{"full_name":"o/r"}})");
  EXPECT_EQ(normalizeGithub("check_run", p, "").headBranch, "ddd/x");
}

}  // namespace
}  // namespace ddd::forges
