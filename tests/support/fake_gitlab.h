#pragma once
// A fake GitLab (REST v4) for tests of ddd's GitLab client: a FakeHttpServer under
// /api/v4 with a small model of one project (merge requests by iid, notes on merge
// requests and issues, award emoji on notes, issues with labels, members and their
// access levels, commit statuses, approvals, users, the head pipeline) seeded from
// GitLab's real response shapes (tests/fixtures/shared/gitlab/api). The project is
// addressed by its numeric id or its path encoded with %2F. It records requests that
// don't follow GitLab's rules — a project path not encoded with %2F, no PRIVATE-TOKEN,
// unknown routes — as violations. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace ddd::testing {

class FakeGitlab {
 public:
  FakeGitlab(std::string projectPath, std::string token, int64_t projectId = 0);
  std::string apiUrl() const { return server_->url() + "/api/v4"; }
  std::vector<std::string> violations() const;
  std::vector<FakeHttpServer::Request> requests() const { return server_->requests(); }

  nlohmann::json mergeRequest(int iid) const;
  std::vector<nlohmann::json> notes(int iid) const;
  std::map<std::string, std::string> statuses(const std::string& sha) const;
  void setJob(const std::string& sha, const std::string& name, const std::string& status);
  void approve(int iid);
  void setHeadSha(int iid, const std::string& sha);
  // detailed_merge_status ("mergeable" when made; "need_rebase" when the project's merge
  // method requires an up-to-date branch and it is not).
  void setDetailedMergeStatus(int iid, const std::string& status);
  void startPipeline(int iid);
  // Open merge requests take their head ("sha") from the bare repository's branches, as
  // GitLab's do from the project's repository.
  void followRepository(const std::string& bareRepo);
  // A project member (GET /projects/:id/members/all/:user_id answers 404 for others).
  void setMember(int64_t userId, const std::string& username, int accessLevel);
  // A merge request or an issue someone else opened (iid as given).
  void addMergeRequest(int iid, const std::string& sourceBranch, const std::string& title);
  void addIssue(int iid, const std::string& title, const std::string& description);
  // A person's note (the one a webhook tells about) on a merge request or an issue.
  void addNote(bool onMergeRequest, int iid, int64_t noteId, const std::string& username,
               const std::string& body);
  nlohmann::json issue(int iid) const;
  std::map<int, nlohmann::json> issues() const;
  std::vector<nlohmann::json> issueNotes(int iid) const;
  // Award emoji given: {"on": "merge_requests"|"issues", "iid", "note", "name"}.
  std::vector<nlohmann::json> awards() const;
  // The body of every accepted PUT .../merge (the sha it pinned).
  std::vector<nlohmann::json> merges() const;
  static constexpr const char* kBotUsername = "project_7_bot_ddd";  // the token's user
  // The token's user as GET /user names it (default kBotUsername; a personal access
  // token's user has an ordinary name).
  void setTokenUser(const std::string& username);
  bool supportsAutoMergeFlag = true;  // false: a server before auto_merge (400 on it)

  // --- projects (GET /projects/:id, GET /projects?membership=true...) ---
  // This fake's own project as GET /projects/:id answers it: the followed repository is
  // its http_url_to_repo, "main" its default branch.
  nlohmann::json projectJson() const;
  // Another project the token's user belongs to with `accessLevel` (listed by GET
  // /projects when it is at least min_access_level and, with archived=false, not
  // archived; GET /projects/:id answers it by id or path). defaultBranch "" = an empty
  // repository (GitLab's null).
  void addProject(int64_t id, const std::string& path, const std::string& cloneUrl,
                  int accessLevel, bool archived = false, const std::string& defaultBranch = "main");
  void removeProject(int64_t id);  // the token's user lost its membership
  // Projects per page of GET /projects whatever per_page asks (GitLab caps it at 100;
  // smaller here so tests page).
  int projectsPageSize = 100;

 private:
  FakeHttpServer::Response handle(const FakeHttpServer::Request& r);
  void refreshHeads();
  nlohmann::json ownProject() const;  // mutex_ held
  std::string project_, token_;
  int64_t projectId_ = 0;
  std::string followed_;
  std::map<int64_t, nlohmann::json> members_;
  std::map<int, nlohmann::json> issues_;
  std::map<int, std::vector<nlohmann::json>> issueNotes_;
  std::vector<nlohmann::json> awards_, merges_;
  std::string tokenUser_ = kBotUsername;
  mutable std::mutex mutex_;
  std::map<int, nlohmann::json> mrs_;
  std::map<int64_t, nlohmann::json> projects_;  // addProject's, by id
  std::map<int, std::vector<nlohmann::json>> notes_;
  std::map<std::string, std::map<std::string, std::string>> statuses_;
  std::set<int> approved_;
  int nextIid_ = 1, nextId_ = 500;
  std::vector<std::string> violations_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace ddd::testing
