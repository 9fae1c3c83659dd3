#pragma once
// `ddd run --local`: the embedded default of the whole bot on one local repository.
// Scans a commit, decides what to do with each proposed change (safe defaults), and
// for each change builds the fixed tree in memory on top of the scanned commit and
// commits it to the branch ddd/<change-id> (never the work tree, the index or the
// checked-out branch), then creates or updates the change's pull request in the
// local forge and records the run in the state store. A branch that carries a
// human's commit is reported and left alone. With dryRun, everything is computed and
// reported but nothing is written: no object, branch, state file or directory.

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bot/reconcile.h"
#include "bot/scan.h"
#include "policies/decision.h"

namespace ddd::bot {

struct RunLocalRequest {
  ScanRequest scan;
  bool dryRun = false;
  std::optional<std::filesystem::path> stateFile;  // default <gitdir>/ddd/state.sqlite
  std::time_t commitTime = 0;                      // 0 = now; tests pin it
  // Caps on open / new pull requests. Locally only the open cap applies by default:
  // the drafts are records, no reviewer is flooded by a burst (servers use 10 and 2).
  // The repository config's `pullRequests` section overrides these; the overrides (the
  // command line's --max-open-prs / --max-new-prs-per-hour) override both.
  ReconcileLimits limits{10, 0};
  std::optional<int> maxOpenOverride;
  std::optional<int> maxNewPerHourOverride;
  std::function<std::time_t()> now;  // the clock for the caps (default: time())
};

enum class BranchStatus {
  Created,
  Updated,
  UpToDate,
  Blocked,      // a human commit is on the branch: not overwritten
  Skipped,      // the decision was Skip: no branch
  WouldCreate,  // dry run
  WouldUpdate,  // dry run
  Failed,       // this change could not be written (detail says why); the others went on
  HeldBack,     // no pull request yet: a cap on pull requests was reached (detail says which)
};
const char* toString(BranchStatus s);  // "created", "up to date", "would create", ...

struct ChangeOutcome {
  std::string changeId;
  std::string branch;
  std::string title;
  policies::Decision decision;
  BranchStatus status = BranchStatus::Skipped;
  std::string detail;      // Blocked: who made which commit; Failed: the error
  std::string headCommit;  // the branch tip after the run (hex), empty if none
  int prNumber = 0;        // 0 = no pull request
  std::string prOutcome;   // "created", "updated", "up to date", "left alone", "" (none)
  std::string body;        // the PR body
};

struct RunLocalResult {
  ScanReport scan;
  std::vector<ChangeOutcome> changes;
  std::vector<PullRequestReconciler::Closed> closed;  // stale ddd pull requests closed
  std::filesystem::path stateFile;                    // empty on a dry run
  int64_t runId = 0;                                  // 0 on a dry run
  bool dryRun = false;
  bool anyFailed() const;
};

// Throws UsageError for bad input (see runScan); other exceptions on runtime
// failures of the run as a whole, after marking the run failed in the state store.
// A change that cannot be written is reported as Failed and the run goes on with the
// others (anyFailed() is then true; the CLI exits 3).
RunLocalResult runLocal(const RunLocalRequest& request);

// What `ddd run --local` prints: per change the branch, outcome, decision and PR
// (with the PR text when it was created or updated), then a summary line such as
// "3 branches up to date".
std::string renderRunLocal(const RunLocalResult& result);

}  // namespace ddd::bot
