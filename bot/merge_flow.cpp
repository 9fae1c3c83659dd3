#include "bot/merge_flow.h"

#include <algorithm>

namespace ddd::bot {
namespace {

constexpr const char* kChecksFailedMarker = "<!-- ddd:checks-failed -->";
constexpr const char* kMergeBlockedMarker = "<!-- ddd:merge-blocked -->";

void commentOnce(forges::Forge& forge, int number, const char* marker, const std::string& text) {
  for (const auto& c : forge.comments(number)) {
    if (c.body.find(marker) != std::string::npos) return;
  }
  forge.comment(number, std::string(marker) + "\n" + text);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

}  // namespace

const char* toString(MergeStep s) {
  switch (s) {
    case MergeStep::Merged:
      return "merged";
    case MergeStep::AutoMergeEnabled:
      return "auto-merge enabled";
    case MergeStep::Waiting:
      return "waiting";
    case MergeStep::MovedToReview:
      return "moved to review";
    case MergeStep::Blocked:
      return "blocked";
    case MergeStep::NotForMerging:
      return "not for merging";
  }
  return "?";
}

MergeOutcome advanceMerge(forges::Forge& forge, const MergeRequest& req) {
  MergeOutcome out;
  const auto& d = req.decision;
  const int n = req.pr.number;
  const std::string& sha = req.pushedSha;

  // ddd's own statuses on the commit it pushed.
  forge.setStatus(sha, kPolicyContext, "success",
                  std::string(policies::toString(d.action)) + " by " + d.rule);
  const bool tooYoung = req.releaseAgeDays >= 0 && req.releaseAgeDays < req.minimumReleaseAgeDays;
  forge.setStatus(sha, kReleaseAgeContext, tooYoung ? "pending" : "success",
                  tooYoung ? "released " + std::to_string(req.releaseAgeDays) + " of " +
                                 std::to_string(req.minimumReleaseAgeDays) + " days ago"
                           : "old enough");

  // The other checks.
  const forges::CheckSummary checks = forge.checks(sha);
  policies::MergeState state;
  state.headSha = req.pr.headCommit;
  state.pushedSha = sha;
  state.humanCommits = req.humanCommits;
  std::vector<std::string> failed;
  for (const auto& name : checks.passed) {
    if (name != kPolicyContext && name != kReleaseAgeContext) {
      state.passedChecks.push_back(name);
      ++state.checksTotal;
    }
  }
  for (const auto& name : checks.failedNames) {
    if (name != kPolicyContext && name != kReleaseAgeContext) failed.push_back(name);
  }
  state.checksFailed = static_cast<int>(failed.size());
  state.checksTotal += state.checksFailed;
  // Pending ones: the forge counts ddd's pending release-age status too.
  state.checksPending = checks.pending - (tooYoung ? 1 : 0);
  state.checksTotal += state.checksPending;
  state.dddChecksGreen = !tooYoung;
  const bool mergeable = d.action == policies::Action::Automerge ||
                         (d.action == policies::Action::Review && d.mergeOnApproval);
  // The forge knows whether the base requires an up-to-date branch and this one is behind.
  const bool behind = mergeable && forge.behindRequiredBase(n);
  state.behindBase = req.behindBase || behind;
  state.baseRequiresUpToDate = req.baseRequiresUpToDate || behind;
  if (mergeable && d.action == policies::Action::Review) state.approved = forge.approved(n);
  out.verdict = policies::checkMergeGuards(d, state);

  if (!mergeable) {
    out.step = MergeStep::NotForMerging;
    out.detail =
        std::string("the decision is ") + policies::toString(d.action) + ": a maintainer merges it";
    return out;
  }
  if (req.humanCommits || state.headSha != sha) {
    commentOnce(forge, n, kMergeBlockedMarker,
                "The branch has a commit ddd did not make (its head is " +
                    state.headSha.substr(0, 7) + ", ddd pushed " + sha.substr(0, 7) +
                    "). ddd will not merge this pull request; a maintainer decides.");
    out.step = MergeStep::Blocked;
    out.detail = "a person changed the branch";
    return out;
  }
  if (out.verdict.mayMerge) {
    const auto merged = forge.merge(n, sha, d.mergeMethod);
    if (merged.merged) {
      out.step = MergeStep::Merged;
      out.detail = merged.message;
    } else {
      commentOnce(forge, n, kMergeBlockedMarker,
                  "ddd tried to merge and the forge refused: " + merged.message);
      out.step = MergeStep::Blocked;
      out.detail = merged.message;
    }
    return out;
  }
  if (state.checksFailed > 0) {
    commentOnce(
        forge, n, kChecksFailedMarker,
        "A check failed (" + joined(failed) +
            "), so ddd will not merge this automatically. It needs a maintainer's review now.");
    forge.addLabels(n, {"ddd:needs-review"});
    if (!d.reviewers.empty()) forge.requestReviewers(n, d.reviewers);
    out.step = MergeStep::MovedToReview;
    out.detail = "failed: " + joined(failed);
    return out;
  }
  if (out.verdict.waiting && d.action == policies::Action::Automerge && state.dddChecksGreen &&
      state.checksPending > 0 && forge.enableAutoMerge(req.pr, sha, d.mergeMethod)) {
    out.step = MergeStep::AutoMergeEnabled;
    out.detail = "the platform merges it when its checks pass";
    return out;
  }
  out.step = MergeStep::Waiting;
  out.detail = out.verdict.blocking.empty() ? "" : out.verdict.blocking.front();
  return out;
}

}  // namespace ddd::bot
