#pragma once
// Forge: where pull requests live. One interface for GitHub, GitLab and the local
// platform, so the bot reconciles proposed changes with open pull requests in one code
// path: find the open PR of a branch, create it, or update its text and head. A Forge
// object is bound to one repository. Implementations throw ForgeError (naming the
// repository, the PR and what to do) and are not thread-safe.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ddd::forges {

class ForgeError : public std::runtime_error {
 public:
  explicit ForgeError(const std::string& what) : std::runtime_error(what) {}
};

// What the bot wants a pull request to look like.
struct PullRequestSpec {
  std::string repo;    // the repository, as the forge names it (a path for the local forge)
  std::string branch;  // head branch, "ddd/<change-id>"
  std::string base;    // target branch or commit
  std::string title;
  std::string body;  // Markdown
  std::vector<std::string> labels;
  std::vector<std::string> reviewers;  // users or "org/team", requested on create/update
  bool draft = false;
};

// A comment on a pull request.
struct Comment {
  std::string id;
  std::string author;  // login; the bot's own comments carry markers in the body
  std::string body;
};

// A pull request as the forge has it.
struct PullRequest {
  std::string id;  // forge-wide id (GitHub node id, GitLab global id, "local:<n>")
  int number = 0;  // per-repository number shown to people (#12, !12)
  std::string url;
  std::string branch;
  std::string base;
  std::string title;
  std::string body;
  std::string state;  // "open", "closed" or "merged"
  std::string headCommit;
  std::vector<std::string> labels;
  std::vector<std::string> reviewers;
  bool draft = false;
  int64_t createdAt = 0;  // unix time the pull request was opened (rate limits)
};

// What the checks on one commit say.
struct CheckSummary {
  int total = 0;                    // statuses + check runs
  int failed = 0;                   // failure / error / cancelled / timed out / action required
  int pending = 0;                  // pending / queued / in progress
  std::vector<std::string> passed;  // names (status contexts, check-run names) that passed
  std::vector<std::string> failedNames;
};

struct MergeResult {
  bool merged = false;
  std::string message;  // why not, or the merge commit
};

// An issue (the weekly report lives in one).
struct Issue {
  int number = 0;
  std::string title;
  std::string body;
  std::string url;
  std::string state;  // "open" or "closed"
};

class Forge {
 public:
  virtual ~Forge() = default;
  // "github", "gitlab", "local".
  virtual std::string name() const = 0;
  // The open pull request whose head is `branch`, if any.
  virtual std::optional<PullRequest> findOpenByBranch(const std::string& branch) = 0;
  // Opens a pull request for spec.branch at `headCommit`.
  virtual PullRequest create(const PullRequestSpec& spec, const std::string& headCommit) = 0;
  // Replaces title, body, labels, draft flag and head of pull request `number`.
  virtual PullRequest update(int number, const PullRequestSpec& spec,
                             const std::string& headCommit) = 0;
  // Every pull request of the repository, open or not, by number.
  virtual std::vector<PullRequest> list() = 0;
  // Adds a comment to pull request `number`.
  virtual void comment(int number, const std::string& body) = 0;
  // The comments of pull request `number`, oldest first.
  virtual std::vector<Comment> comments(int number) = 0;
  // Closes pull request `number` (not merged) after posting `comment` (if not empty);
  // the branch stays.
  virtual void close(int number, const std::string& comment) = 0;

  // --- the merge flow ---
  // The checks reported on commit `sha`: commit statuses and check runs together.
  virtual CheckSummary checks(const std::string& sha) = 0;
  // Sets ddd's own commit status `context` ("ddd/policy") on `sha`:
  // state pending | success | failure.
  virtual void setStatus(const std::string& sha, const std::string& context,
                         const std::string& state, const std::string& description) = 0;
  // True when the forge says pull request `number` must first be brought up to date with
  // its base (branch protection or a merge method that requires it, and the base moved
  // on): GitHub's mergeable_state "behind", GitLab's detailed_merge_status "need_rebase".
  virtual bool behindRequiredBase(int number) = 0;
  // True when a maintainer's latest review of pull request `number` approves it.
  virtual bool approved(int number) = 0;
  // Merges pull request `number` if its head is still `sha` (method merge|squash|rebase,
  // "" = the forge's default). {false, why} when the forge refuses (not mergeable, head
  // moved, checks required).
  virtual MergeResult merge(int number, const std::string& sha, const std::string& method) = 0;
  // Asks the platform to merge once its required checks pass, pinned to `sha`; false
  // when the platform can't (ddd then merges itself when the checks are green).
  virtual bool enableAutoMerge(const PullRequest& pr, const std::string& sha,
                               const std::string& method) = 0;
  // Adds labels to / requests reviewers on pull request `number`.
  virtual void addLabels(int number, const std::vector<std::string>& labels) = 0;
  virtual void requestReviewers(int number, const std::vector<std::string>& reviewers) = 0;

  // --- issues (the weekly report) ---
  // The open issues carrying `label`, by number.
  virtual std::vector<Issue> issuesWithLabel(const std::string& label) = 0;
  virtual Issue createIssue(const std::string& title, const std::string& body,
                            const std::vector<std::string>& labels) = 0;
  virtual void editIssue(int number, const std::string& title, const std::string& body) = 0;
  // Closes issue `number` after posting `comment` on it (if not empty).
  virtual void closeIssue(int number, const std::string& comment) = 0;
};

}  // namespace ddd::forges
