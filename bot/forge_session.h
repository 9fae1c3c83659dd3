#pragma once
// ForgeSession: the forge of one job's repository as the worker's handlers use it — the
// Forge (pull requests, comments, the merge flow, the report issue) plus what handling
// an event needs that the Forge interface has no place for: whether a person may give
// ddd commands, the 👍 on a command, the comments of the issue or pull request a command
// was written in, who ddd itself is there, and the credentials to fetch and push. One
// implementation per forge (a GitHub App installation or plain token; a GitLab project or
// group access token from the server config), so each handler is written once. Every
// GitLab call made through a session carries the X-Gitlab-Event-UUID of the event being
// handled, so GitLab can stop webhook loops. Not thread-safe (one per job).

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/worker.h"
#include "forges/forge.h"
#include "forges/github/github_forge.h"
#include "forges/webhooks/events.h"
#include "git/remote.h"

namespace ddd::bot {

// A repository as analyze / report jobs and the scheduler's records name it.
struct RepositoryRef {
  std::string forge = "github";  // "github" | "gitlab"
  std::string repo;              // "owner/name" or GitLab's path_with_namespace
  int64_t installation = 0;      // GitHub App installation
  int64_t projectId = 0;         // GitLab's numeric project id (0: the path is used)
  std::string cloneUrl;
  std::string defaultBranch = "main";
  std::string eventUuid;  // the GitLab event being handled, "" for none (scheduled work)

  // {"repo", "installation", "cloneUrl", "defaultBranch"}, plus "projectId" and
  // "eventUuid" (when set) for GitLab.
  nlohmann::json toJson() const;
  // The job kind's forge ("github.analyze" -> "github") with the fields of toJson().
  static RepositoryRef fromJson(const std::string& forge, const nlohmann::json& j);
  // The repository an event is about. A GitLab hook may name its project only by id
  // (Pipeline hooks, system hooks, Note hooks of older servers): the path, clone URL or
  // default branch it lacks stay empty, and the GitLab session looks them up.
  static RepositoryRef of(const forges::ForgeEvent& e, const std::string& eventUuid);
  // The job queue's key for jobs about this repository (forges::queueKey): a GitLab
  // project's id when known, else its path; GitHub's "owner/name".
  std::string queueKey() const;
};

// Where a comment was written: an issue or a pull / merge request, by number.
struct Thread {
  int number = 0;
  bool onPullRequest = false;
};

class ForgeSession {
 public:
  explicit ForgeSession(RepositoryRef repo) : repo_(std::move(repo)) {}
  virtual ~ForgeSession() = default;
  // Complete: a GitLab session fills what its event left out from GET /projects/:id
  // (once, when it opens: the look-up is cached for the job).
  const RepositoryRef& repository() const { return repo_; }

  virtual forges::Forge& forge() = 0;
  // Whether the sender of `e` may give ddd commands, asked of the forge (GitHub: write,
  // maintain or admin; GitLab: Developer or above).
  virtual bool mayCommand(const forges::ForgeEvent& e) = 0;
  // Who may, in words for a refusal: "write access to this repository".
  virtual std::string whoMayCommand() const = 0;
  // A 👍 on the comment of `e` (done once however often it is asked).
  virtual void acknowledge(const forges::ForgeEvent& e) = 0;
  virtual std::vector<forges::Comment> comments(const Thread& t) = 0;
  virtual void comment(const Thread& t, const std::string& body) = 0;
  // True when `login` is ddd itself on this forge.
  virtual bool isSelf(const std::string& login) = 0;
  // Credentials for fetching and pushing over HTTPS.
  virtual git::RemoteAuth gitAuth() = 0;

 protected:
  RepositoryRef& completedRepository() { return repo_; }

 private:
  RepositoryRef repo_;
};

// Throws std::runtime_error naming what is missing (an unknown forge, no GitLab token, a
// GitLab hook naming no project); forges::ForgeError when GitLab can't say what a project
// named only by id is.
std::unique_ptr<ForgeSession> openForgeSession(WorkerContext& ctx, const RepositoryRef& repo);

// GitHub's client for `fullName` ("owner/name") through `installation`, for the calls
// only GitHub has (installations).
std::unique_ptr<forges::GithubForge> openGithubForge(WorkerContext& ctx,
                                                     const std::string& fullName,
                                                     int64_t installation);

// Posts `text` in the thread once, even when its job runs again (a worker killed after
// posting): the reply carries the hidden marker "<!-- ddd:reply KEY -->" and is not
// posted when a comment with that marker exists.
void replyOnce(ForgeSession& session, const Thread& thread, const std::string& key,
               const std::string& text);

}  // namespace ddd::bot
