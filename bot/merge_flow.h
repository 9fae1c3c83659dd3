#pragma once
// The merge flow of one ddd pull request, run whenever something about it changes (ddd
// pushed, a check finished, a review came in): ddd sets its own statuses (`ddd/policy`
// with the decision, `ddd/release-age` pending until the update is old enough), reads
// the checks, and — only when every hard guard of policies/guards.h holds — merges with
// the head pinned to the commit ddd pushed; while checks are pending it asks the
// platform to auto-merge (pinned the same way) where it can. A red check moves an
// automerge PR to review (comment, label, reviewers); a person's commit stops it for
// good. Each comment is posted once (hidden markers). Works on any Forge.

#include <string>

#include "forges/forge.h"
#include "policies/decision.h"
#include "policies/guards.h"

namespace ddd::bot {

struct MergeRequest {
  forges::PullRequest pr;     // as the forge has it now
  std::string pushedSha;      // the commit ddd pushed for this change
  bool humanCommits = false;  // a commit on the branch is not ddd's (git says)
  policies::Decision decision;
  int64_t releaseAgeDays = -1;  // the update's age, -1 = not an update
  int minimumReleaseAgeDays = 3;
  bool baseRequiresUpToDate = false;
  bool behindBase = false;
};

enum class MergeStep {
  Merged,            // ddd merged it
  AutoMergeEnabled,  // the platform merges it when its checks pass
  Waiting,           // checks, ddd's statuses or an approval still pending
  MovedToReview,     // a check failed: a maintainer looks
  Blocked,           // a person changed the branch, or the forge refused the merge
  NotForMerging,     // the decision is review (without mergeOnApproval), draft or skip
};
const char* toString(MergeStep s);

struct MergeOutcome {
  MergeStep step = MergeStep::Waiting;
  std::string detail;
  policies::GuardVerdict verdict;
};

inline constexpr const char* kPolicyContext = "ddd/policy";
inline constexpr const char* kReleaseAgeContext = "ddd/release-age";

MergeOutcome advanceMerge(forges::Forge& forge, const MergeRequest& request);

}  // namespace ddd::bot
