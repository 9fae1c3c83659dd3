#pragma once
// The hard guards of the merge flow: checks no rule can override, applied right before
// ddd merges a PR or enables auto-merge. A decision to merge is carried out only when
// every guard holds; otherwise the PR stays open and moves to review. Pure; thread-safe.

#include <string>
#include <vector>

#include "policies/decision.h"

namespace ddd::policies {

// What the forge says about the PR at merge time.
struct MergeState {
  std::string headSha;                    // the PR's head commit now
  std::string pushedSha;                  // the commit ddd pushed for this change
  bool humanCommits = false;              // a commit on the branch is not ddd's
  int checksTotal = 0;                    // check runs + commit statuses reported on headSha
  int checksFailed = 0;                   // failure, error, cancelled, timed out, action required
  int checksPending = 0;                  // queued, in progress, pending
  std::vector<std::string> passedChecks;  // names of green checks (for requiredChecks)
  bool dddChecksGreen = false;            // ddd/policy and ddd/release-age are success
  bool behindBase = false;                // the base moved on since the head was made
  bool baseRequiresUpToDate = false;      // branch protection: require branches up to date
  bool approved = false;                  // a maintainer approved (for mergeOnApproval)
};

struct GuardVerdict {
  bool mayMerge = false;
  bool waiting = false;               // nothing failed yet: checks still pending
  std::vector<std::string> blocking;  // one sentence per guard that does not hold
  std::vector<std::string> passed;    // one sentence per guard that holds
};

// Whether `decision` may be carried out as a merge now. Automerge merges when every
// guard holds; Review merges only with mergeOnApproval and an approval; Draft and Skip
// never merge.
GuardVerdict checkMergeGuards(const Decision& decision, const MergeState& state);

}  // namespace ddd::policies
