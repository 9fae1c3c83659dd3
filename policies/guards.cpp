#include "policies/guards.h"

#include <algorithm>

namespace ddd::policies {

GuardVerdict checkMergeGuards(const Decision& decision, const MergeState& s) {
  GuardVerdict v;
  auto guard = [&](bool holds, std::string passed, std::string blocking) {
    (holds ? v.passed : v.blocking).push_back(std::move(holds ? passed : blocking));
  };

  if (decision.action == Action::Draft || decision.action == Action::Skip) {
    v.blocking.push_back(std::string("the policy decided \"") + toString(decision.action) +
                         "\": ddd never merges it");
    return v;
  }
  if (decision.action == Action::Review) {
    if (!decision.mergeOnApproval) {
      v.blocking.push_back(
          "the policy asks for review and does not merge on approval: a "
          "maintainer merges it");
      return v;
    }
    guard(s.approved, "a maintainer approved it (mergeOnApproval)",
          "waiting for a maintainer's approval (mergeOnApproval)");
  }

  guard(!s.pushedSha.empty() && s.headSha == s.pushedSha,
        "the head is the commit ddd pushed (" + s.pushedSha.substr(0, 7) + ")",
        "the head " + (s.headSha.empty() ? std::string("(unknown)") : s.headSha.substr(0, 7)) +
            " is not the commit ddd pushed" +
            (s.pushedSha.empty() ? std::string() : " (" + s.pushedSha.substr(0, 7) + ")"));
  guard(!s.humanCommits, "no one else pushed to the branch",
        "a person pushed to the branch: ddd never merges it");
  if (decision.ignoreTests) {
    v.passed.push_back("no check is required: the rule says ignoreTests");
  } else {
    guard(s.checksTotal > 0, "checks ran on the head (" + std::to_string(s.checksTotal) + ")",
          "no check ran on the head; a rule must say ignoreTests to merge untested changes");
  }
  guard(s.checksFailed == 0, "no check failed",
        std::to_string(s.checksFailed) + (s.checksFailed == 1 ? " check" : " checks") + " failed");
  guard(s.checksPending == 0, "no check is pending",
        std::to_string(s.checksPending) + (s.checksPending == 1 ? " check is" : " checks are") +
            " still running");
  guard(s.dddChecksGreen, "ddd's own checks (ddd/policy, ddd/release-age) are green",
        "ddd's own checks (ddd/policy, ddd/release-age) are not green yet");
  guard(!(s.behindBase && s.baseRequiresUpToDate), "the branch is up to date with its base",
        "the base requires branches to be up to date and this one is behind: ddd rebases it "
        "first");
  for (const auto& name : decision.requiredChecks) {
    const bool green =
        std::find(s.passedChecks.begin(), s.passedChecks.end(), name) != s.passedChecks.end();
    guard(green, "the required check " + name + " passed",
          "the required check " + name + " has not passed");
  }
  v.mayMerge = v.blocking.empty();
  // Only pending things stand in the way: wait instead of moving the PR to review.
  const bool onlyPending = !v.mayMerge && s.checksFailed == 0 && !s.humanCommits &&
                           s.headSha == s.pushedSha &&
                           (s.checksPending > 0 || !s.dddChecksGreen ||
                            (decision.action == Action::Review && !s.approved));
  v.waiting = onlyPending;
  return v;
}

}  // namespace ddd::policies
