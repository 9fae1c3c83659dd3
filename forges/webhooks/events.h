#pragma once
// Webhook payloads of GitHub and GitLab normalised into one ForgeEvent: what happened,
// to which repository, by whom, and the few fields ddd acts on (a comment and whether
// it was just created, the pull/merge request and its head, the check or pipeline
// outcome, an edited issue's old and new body). Pure; thread-safe.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "forges/webhooks/filtered_json.h"

namespace ddd::forges {

struct ForgeEvent {
  std::string forge;       // "github" | "gitlab"
  std::string kind;        // "issue_comment", "pull_request", "check_suite", "push", "ping", ...
  std::string action;      // "created", "edited", "completed", "closed", ... ("" when none)
  std::string deliveryId;  // X-GitHub-Delivery / Idempotency-Key / X-Gitlab-Event-UUID
  std::string repo;        // "owner/name" or GitLab's path_with_namespace
  int64_t repoId = 0;
  int64_t installationId = 0;  // GitHub Apps
  std::string sender;          // login / username
  int64_t senderId = 0;        // sender.id / GitLab user.id (member look-ups)
  bool senderIsBot = false;    // sender.type == "Bot"; GitLab: a system note or a token's bot user
  int number = 0;              // issue / pull request number, merge request iid
  bool onPullRequest = false;  // the comment or issue is a pull/merge request
  std::string headBranch;
  std::string headSha;
  bool headMoved = false;  // new commits on the pull/merge request (synchronize; update + oldrev)
  int64_t commentId = 0;
  std::string commentBody;
  std::string conclusion;  // check_suite / check_run / status / pipeline outcome
  std::string bodyBefore;  // issues edited: the body before the edit
  std::string body;        // issues: the body now
  std::string defaultBranch;
  std::string cloneUrl;  // HTTPS clone URL (clone_url / git_http_url)
  std::string ref;       // push: "refs/heads/main"
  // installation / installation_repositories: the repositories ("owner/name") the event
  // adds, or removes (action deleted, removed, suspend).
  std::vector<std::string> repositories;
  // GitLab system hooks project_rename / project_transfer: the project's path before.
  std::string previousRepo;

  bool operator==(const ForgeEvent&) const = default;
};

// Every key the two normalisers below read, up to the depth they read it at (3). The
// receiver keeps only these members of a delivery (parseFilteredJson) and stores that
// document as the job: a key read here but missing from this list is lost between the
// receiver and the worker (tests compare both normalisations over every example payload).
const KeptKeys& eventKeys();
// The same for one forge: what normalizeGithub reads, what normalizeGitlab reads. A
// GitHub delivery keeps no member only GitLab's events are made of (a comment's "user",
// its "created_at"), which makes the job smaller and the parse cheaper.
const KeptKeys& githubEventKeys();
const KeptKeys& gitlabEventKeys();

// `event` is X-GitHub-Event; throws std::invalid_argument for a payload that is not an
// object.
ForgeEvent normalizeGithub(std::string_view event, const nlohmann::json& payload,
                           std::string_view deliveryId);
// `event` is X-Gitlab-Event ("Note Hook", "Merge Request Hook", "System Hook", ...). A note
// is "created" only when new: GitLab's `object_attributes.action` says "create" (an edit
// says "update"), or — from servers that send no action — created_at equals updated_at.
// System hooks are named by their `event_name` (project_create, project_destroy,
// project_rename, project_transfer, user_add_to_team, ...; the project's path and id are
// top-level members there), except their push (kind "push", as a Push Hook) and
// repository_update, which reads as a push of its first change to the default branch
// (else its first change); merge request system hooks carry `object_kind` as project ones.
ForgeEvent normalizeGitlab(std::string_view event, const nlohmann::json& payload,
                           std::string_view deliveryId);

// The key the job queue serialises a repository's jobs by (Job::repo: at most one running
// job per key). A GitLab project is keyed by its numeric id whenever that is known,
// "gitlab:project:42", since hooks name a project by id only (Pipeline, Build, system
// hooks), by path only (group merge request hooks) or by both, and a rename changes the
// path but not the id; jobs of hooks that name only the path are keyed by the path until
// the worker learns the id (Worker: JobStore::moveToRepository). GitHub repositories are
// keyed by "owner/name". "" when the event names no repository.
inline constexpr std::string_view kGitlabProjectKeyPrefix = "gitlab:project:";
std::string gitlabProjectKey(int64_t projectId);
std::string queueKey(const ForgeEvent& e);

}  // namespace ddd::forges
