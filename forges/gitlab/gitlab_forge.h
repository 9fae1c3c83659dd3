#pragma once
// GitlabForge: the Forge interface over GitLab's REST API v4 (gitlab.com-style or a
// self-managed base URL ending in /api/v4), for one project given by numeric id or by
// path (encoded with %2F as GitLab requires). Authenticates with a project or group
// access token (PRIVATE-TOKEN). Calls made while handling a webhook echo its
// X-Gitlab-Event-UUID so GitLab can stop webhook loops. Merges pin the head with `sha`;
// auto-merge uses `auto_merge=true`, falling back to `merge_when_pipeline_succeeds` on
// servers that predate it, and only once the merge request has a pipeline. Errors are
// ForgeErrors naming the call, the status and GitLab's message. Not thread-safe.

#include <nlohmann/json.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "forges/forge.h"
#include "forges/gitlab/gitlab_projects.h"
#include "forges/http/client.h"

namespace ddd::forges {

struct GitlabForgeOptions {
  std::string apiUrl;   // ".../api/v4"
  std::string project;  // "42" or "group/sub/project"
  std::string token;
  std::string eventUuid;  // the X-Gitlab-Event-UUID being handled, "" when none
  // Writes to the same GitLab host and project are spaced (forges/http/mutation_pacer.h).
  std::chrono::milliseconds mutationSpacing{1000};
  std::function<std::chrono::steady_clock::time_point()> now;  // default steady_clock
  std::function<void(std::chrono::milliseconds)> sleep;        // default sleep_for
};

class GitlabForge : public Forge {
 public:
  GitlabForge(HttpClient& http, GitlabForgeOptions options);

  std::string name() const override { return "gitlab"; }
  std::optional<PullRequest> findOpenByBranch(const std::string& branch) override;
  PullRequest create(const PullRequestSpec& spec, const std::string& headCommit) override;
  PullRequest update(int number, const PullRequestSpec& spec,
                     const std::string& headCommit) override;
  std::vector<PullRequest> list() override;
  void comment(int number, const std::string& body) override;
  std::vector<Comment> comments(int number) override;
  void close(int number, const std::string& comment) override;
  CheckSummary checks(const std::string& sha) override;
  void setStatus(const std::string& sha, const std::string& context, const std::string& state,
                 const std::string& description) override;
  bool behindRequiredBase(int number) override;
  bool approved(int number) override;
  MergeResult merge(int number, const std::string& sha, const std::string& method) override;
  bool enableAutoMerge(const PullRequest& pr, const std::string& sha,
                       const std::string& method) override;
  void addLabels(int number, const std::vector<std::string>& labels) override;
  void requestReviewers(int number, const std::vector<std::string>& reviewers) override;

  std::vector<Issue> issuesWithLabel(const std::string& label) override;
  Issue createIssue(const std::string& title, const std::string& body,
                    const std::vector<std::string>& labels) override;
  void editIssue(int number, const std::string& title, const std::string& body) override;
  void closeIssue(int number, const std::string& comment) override;

  // --- handling events (notes, issues) ---
  // The access level of user `userId` in the project, inherited memberships included
  // (GET /projects/:id/members/all/:user_id): 10 Guest, 20 Reporter, 30 Developer, 40
  // Maintainer, 50 Owner; 0 when not a member.
  int memberAccessLevel(int64_t userId);
  // The notes of issue `iid` (GitLab's own system notes left out), oldest first, and a
  // new note on it. (Merge request notes: comments() / comment().)
  std::vector<Comment> issueComments(int iid);
  void commentOnIssue(int iid, const std::string& body);
  // Awards emoji `name` ("thumbsup") to note `noteId` of merge request (or issue) `iid`;
  // an award the token's user already gave counts as done.
  void awardNoteEmoji(bool onMergeRequest, int iid, int64_t noteId, const std::string& name);
  // The project itself (GET /projects/:id): id, path, clone URL, default branch — for
  // hooks whose payload names the project only by id. Throws ForgeError when GitLab's
  // answer lacks them.
  GitlabProject project();
  // The same, or nullopt when GitLab answers 404 or 403: the token can't see the project
  // (system hooks tell about every project of the instance, most of them not ddd's).
  std::optional<GitlabProject> projectIfVisible();
  // The username of the token's user (GET /user), asked once.
  std::string currentUsername();

  // The project path or id as a URL path segment ("group%2Fsub%2Fproject").
  std::string projectSegment() const;
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr);

 private:
  ClientResponse send(const std::string& method, const std::string& url, const std::string& body);
  nlohmann::json getAll(const std::string& path);
  std::vector<int64_t> userIds(const std::vector<std::string>& usernames);
  std::vector<Comment> notesOf(const std::string& noteable, int iid);

  HttpClient& http_;
  GitlabForgeOptions o_;
  std::string username_;  // currentUsername(), once asked
};

// A GitLab merge request JSON object as a PullRequest (number = iid).
PullRequest pullRequestFromGitlab(const nlohmann::json& j);

}  // namespace ddd::forges
