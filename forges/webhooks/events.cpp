#include "forges/webhooks/events.h"

#include <cctype>
#include <stdexcept>

namespace ddd::forges {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                : std::string();
}
int64_t num(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : 0;
}
const nlohmann::json& obj(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  return j.is_object() && j.contains(key) && j[key].is_object() ? j[key] : empty;
}

// The users behind GitLab's project and group access tokens: "project_42_bot",
// "project_42_bot_<hex>", "group_7_bot_<hex>".
bool isGitlabBotUser(const std::string& username) {
  for (const char* prefix : {"project_", "group_"}) {
    const size_t n = std::char_traits<char>::length(prefix);
    if (username.compare(0, n, prefix) != 0) continue;
    size_t i = n;
    while (i < username.size() && std::isdigit(static_cast<unsigned char>(username[i]))) ++i;
    if (i > n && username.compare(i, 4, "_bot") == 0 &&
        (i + 4 == username.size() || username[i + 4] == '_'))
      return true;
  }
  return false;
}

}  // namespace

// What normalizeGithub reads.
#define DDD_GITHUB_EVENT_KEYS                                                                  \
  "action", "repository", "installation", "sender", "issue", "comment", "pull_request",        \
      "review", "check_suite", "check_run", "sha", "state", "ref", "after", "changes",         \
      "full_name", "id", "default_branch", "clone_url", "login", "type", "number", "body",     \
      "head", "merged", "head_sha", "head_branch", "conclusion", "from", "repositories",       \
      "repositories_added", "repositories_removed"
// What normalizeGitlab reads: its own names, system hooks' names, and names GitHub uses too.
#define DDD_GITLAB_EVENT_KEYS                                                                  \
  "object_kind", "project", "project_id", "user", "user_id", "user_username",                  \
      "object_attributes", "merge_request", "path_with_namespace", "git_http_url", "http_url", \
      "username", "note", "system", "iid", "source_branch", "last_commit", "oldrev", "status", \
      "description", "previous", "created_at", "updated_at", "event_name",                     \
      "old_path_with_namespace", "target_project_id", "id", "default_branch", "action",        \
      "state", "sha", "ref", "after", "changes", "issue"

const KeptKeys& githubEventKeys() {
  static const KeptKeys keys{{DDD_GITHUB_EVENT_KEYS}, 3};
  return keys;
}

const KeptKeys& gitlabEventKeys() {
  static const KeptKeys keys{{DDD_GITLAB_EVENT_KEYS}, 3};
  return keys;
}

const KeptKeys& eventKeys() {
  static const KeptKeys keys{{DDD_GITHUB_EVENT_KEYS, DDD_GITLAB_EVENT_KEYS}, 3};
  return keys;
}

#undef DDD_GITHUB_EVENT_KEYS
#undef DDD_GITLAB_EVENT_KEYS

ForgeEvent normalizeGithub(std::string_view event, const nlohmann::json& p,
                           std::string_view deliveryId) {
  if (!p.is_object()) throw std::invalid_argument("the GitHub payload is not a JSON object");
  ForgeEvent e;
  e.forge = "github";
  e.kind = std::string(event);
  e.action = str(p, "action");
  e.deliveryId = std::string(deliveryId);
  const auto& repo = obj(p, "repository");
  e.repo = str(repo, "full_name");
  e.repoId = num(repo, "id");
  e.defaultBranch = str(repo, "default_branch");
  e.installationId = num(obj(p, "installation"), "id");
  const auto& sender = obj(p, "sender");
  e.sender = str(sender, "login");
  e.senderId = num(sender, "id");
  e.senderIsBot = str(sender, "type") == "Bot";
  e.cloneUrl = str(repo, "clone_url");
  if (e.kind == "issue_comment" || e.kind == "issues") {
    const auto& issue = obj(p, "issue");
    e.number = static_cast<int>(num(issue, "number"));
    e.onPullRequest = issue.contains("pull_request");
    e.body = str(issue, "body");
    e.bodyBefore = str(obj(obj(p, "changes"), "body"), "from");
    const auto& comment = obj(p, "comment");
    e.commentId = num(comment, "id");
    e.commentBody = str(comment, "body");
  } else if (e.kind == "pull_request" || e.kind == "pull_request_review") {
    const auto& pr = obj(p, "pull_request");
    e.number = static_cast<int>(num(pr, "number"));
    e.onPullRequest = true;
    e.headBranch = str(obj(pr, "head"), "ref");
    e.headSha = str(obj(pr, "head"), "sha");
    e.headMoved = e.kind == "pull_request" && e.action == "synchronize";
    e.conclusion = e.kind == "pull_request_review" ? str(obj(p, "review"), "state")
                   : pr.value("merged", false)     ? "merged"
                                                   : "";
  } else if (e.kind == "check_suite" || e.kind == "check_run") {
    const auto& c = obj(p, e.kind == "check_suite" ? "check_suite" : "check_run");
    e.headSha = str(c, "head_sha");
    e.headBranch = str(c, "head_branch");
    // A check run names its branch through its suite.
    if (e.headBranch.empty()) e.headBranch = str(obj(c, "check_suite"), "head_branch");
    e.conclusion = str(c, "conclusion");
  } else if (e.kind == "status") {
    e.headSha = str(p, "sha");
    e.conclusion = str(p, "state");
  } else if (e.kind == "push") {
    e.ref = str(p, "ref");
    e.headSha = str(p, "after");
  } else if (e.kind == "installation" || e.kind == "installation_repositories") {
    const bool removing =
        e.action == "deleted" || e.action == "removed" || e.action == "suspend";
    for (const char* key :
         {"repositories", removing ? "repositories_removed" : "repositories_added"}) {
      if (!p.contains(key) || !p[key].is_array()) continue;
      for (const auto& r : p[key]) {
        if (r.is_object() && r.contains("full_name") && r["full_name"].is_string())
          e.repositories.push_back(r["full_name"].get<std::string>());
      }
    }
  }
  return e;
}

ForgeEvent normalizeGitlab(std::string_view event, const nlohmann::json& p,
                           std::string_view deliveryId) {
  if (!p.is_object()) throw std::invalid_argument("the GitLab payload is not a JSON object");
  ForgeEvent e;
  e.forge = "gitlab";
  e.deliveryId = std::string(deliveryId);
  // Project hooks name their kind in object_kind; system hooks in event_name (their
  // push has both, or only event_name).
  const std::string kind =
      str(p, "object_kind").empty() ? str(p, "event_name") : str(p, "object_kind");
  e.kind = kind.empty() ? std::string(event) : kind;
  const auto& project = obj(p, "project");
  e.repo = str(project, "path_with_namespace");
  if (e.repo.empty()) e.repo = str(p, "path_with_namespace");  // project_* system hooks
  e.repoId = num(project, "id") ? num(project, "id") : num(p, "project_id");
  e.defaultBranch = str(project, "default_branch");
  e.cloneUrl = str(project, "git_http_url").empty() ? str(project, "http_url")
                                                     : str(project, "git_http_url");
  const auto& user = obj(p, "user");
  e.sender = str(user, "username").empty() ? str(p, "user_username") : str(user, "username");
  e.senderId = num(user, "id") ? num(user, "id") : num(p, "user_id");
  e.senderIsBot = isGitlabBotUser(e.sender);
  const auto& attrs = obj(p, "object_attributes");
  e.action = str(attrs, "action");
  if (e.kind == "note") {
    e.commentId = num(attrs, "id");
    e.commentBody = str(attrs, "note");
    e.senderIsBot = e.senderIsBot || (attrs.contains("system") && attrs["system"].is_boolean() &&
                                      attrs["system"].get<bool>());
    const bool created = e.action.empty() ? str(attrs, "created_at") == str(attrs, "updated_at")
                                          : e.action == "create";
    e.action = created ? "created" : "edited";
    const auto& mr = obj(p, "merge_request");
    e.onPullRequest = !mr.empty();
    e.number = static_cast<int>(e.onPullRequest ? num(mr, "iid") : num(obj(p, "issue"), "iid"));
    e.headBranch = str(mr, "source_branch");
  } else if (e.kind == "merge_request") {
    // System hooks' merge request events name the project by path and target_project_id.
    if (e.repoId == 0) e.repoId = num(attrs, "target_project_id");
    e.number = static_cast<int>(num(attrs, "iid"));
    e.onPullRequest = true;
    e.headBranch = str(attrs, "source_branch");
    e.headSha = str(obj(attrs, "last_commit"), "id");
    e.headMoved = e.action == "update" && attrs.contains("oldrev") && !attrs["oldrev"].is_null();
    e.conclusion = str(attrs, "state");
  } else if (e.kind == "pipeline") {
    e.headSha = str(attrs, "sha");
    // A merge request pipeline's ref is "refs/merge-requests/<iid>/head": its branch is
    // the merge request's source branch.
    const auto& mr = obj(p, "merge_request");
    e.headBranch = str(mr, "source_branch").empty() ? str(attrs, "ref") : str(mr, "source_branch");
    e.conclusion = str(attrs, "status");
    e.number = static_cast<int>(num(mr, "iid"));
  } else if (e.kind == "push") {
    e.ref = str(p, "ref");
    e.headSha = str(p, "after");
  } else if (e.kind == "repository_update") {
    // One system hook per push of one or more refs: a push for ddd when it moved the
    // default branch (its first change otherwise, which handlePush leaves alone).
    e.kind = "push";
    if (p.contains("changes") && p["changes"].is_array()) {
      for (const auto& change : p["changes"]) {
        if (!change.is_object()) continue;
        const std::string ref = str(change, "ref");
        const bool isDefault = !e.defaultBranch.empty() && ref == "refs/heads/" + e.defaultBranch;
        if (e.ref.empty() || isDefault) {
          e.ref = ref;
          e.headSha = str(change, "after");
        }
        if (isDefault) break;
      }
    }
  } else if (e.kind == "project_rename" || e.kind == "project_transfer") {
    e.previousRepo = str(p, "old_path_with_namespace");
  } else if (e.kind == "issue") {
    e.number = static_cast<int>(num(attrs, "iid"));
    e.body = str(attrs, "description");
    e.bodyBefore = str(obj(obj(p, "changes"), "description"), "previous");
    // The edit of a description is an "update"; the report controls want GitHub's word.
    if (e.action == "update") e.action = "edited";
  }
  return e;
}

std::string gitlabProjectKey(int64_t projectId) {
  return std::string(kGitlabProjectKeyPrefix) + std::to_string(projectId);
}

std::string queueKey(const ForgeEvent& e) {
  if (e.forge == "gitlab" && e.repoId > 0) return gitlabProjectKey(e.repoId);
  return e.repo;
}

}  // namespace ddd::forges
