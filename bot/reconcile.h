#pragma once
// Pull-request reconciliation: one code path for GitHub, GitLab and the local forge
// (the Forge interface). Per proposed change it opens the pull request of its branch
// or brings the open one up to date (never a duplicate); it leaves alone — and says so,
// once, in a comment — a pull request whose branch carries a person's commit; it holds
// back new pull requests beyond the caps (open ddd PRs per repository, new PRs per
// hour; Renovate's defaults 10 and 2) and reports why; and it closes, with a comment,
// the open ddd pull requests whose change the latest scan no longer proposes. Not
// thread-safe (one per repository run).

#include <ctime>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forges/forge.h"

namespace ddd::bot {

// Caps on pull requests; 0 (or less) = no cap.
struct ReconcileLimits {
  int maxOpenPullRequests = 10;  // open ddd/ pull requests per repository
  int maxNewPerHour = 2;         // pull requests ddd opened in the last hour
};

// The caps with the repository config's `pullRequests` section (maxOpen, maxNewPerHour;
// validated by the config schema) laid over `defaults`.
ReconcileLimits limitsFromConfig(const nlohmann::json& repoConfig, ReconcileLimits defaults);

// The hidden marker of ddd's comment on a pull request whose branch a person changed.
inline constexpr const char* kBlockedMarker = "<!-- ddd:blocked -->";

class PullRequestReconciler {
 public:
  // Reads the forge's pull requests once. `now` gives the time (tests pin it).
  PullRequestReconciler(forges::Forge& forge, ReconcileLimits limits,
                        std::function<std::time_t()> now);

  // Why a change without an open pull request must wait ("10 ddd pull requests are
  // open (limit 10)"), or nullopt when it may open one (or already has one).
  std::optional<std::string> holdBackReason(const std::string& branch) const;

  struct Outcome {
    int number = 0;       // 0 = no pull request
    std::string outcome;  // "created", "updated", "up to date", "left alone", "held back"
    std::string detail;   // held back: why
  };
  // Opens or updates the pull request of spec.branch at `headCommit`. `blocked`: a
  // person's commit is on the branch (`blockedDetail` says whose): the pull request
  // is left as it is and gets one explaining comment.
  Outcome apply(const forges::PullRequestSpec& spec, const std::string& headCommit, bool blocked,
                const std::string& blockedDetail);

  struct Closed {
    int number = 0;
    std::string branch;
  };
  // Closes the open ddd pull requests (branch "ddd/...") that are not in `live` and
  // belong to an analyzer that ran (label "ddd:<analyzer>"), with a comment naming
  // `commit`. Pull requests of analyzers that did not run are kept.
  std::vector<Closed> closeStale(const std::set<std::string>& live,
                                 const std::set<std::string>& analyzersRun,
                                 const std::string& commit);

 private:
  forges::Forge& forge_;
  ReconcileLimits limits_;
  std::function<std::time_t()> now_;
  std::vector<forges::PullRequest> open_;  // open ddd/ pull requests
  int createdLastHour_ = 0;
};

}  // namespace ddd::bot
