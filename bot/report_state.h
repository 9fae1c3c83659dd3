#pragma once
// The "open ddd pull requests" and "held back" parts of the weekly tech-debt report,
// read through the Forge interface, so `ddd report` (local forge) and the serve-mode
// report (GitHub, GitLab) say the same thing about the same state:
// - each open ddd pull request with the decision the current scan makes for its change
//   and where it stands: blocked by a human edit (ddd's explaining comment is on it),
//   draft, checks failed, pending checks, checks green, approved, awaiting review, or no
//   longer proposed (closed at the next analysis);
// - each change that has no pull request, and why: the policy skips it, or the caps on
//   open / new pull requests hold it back; and each dependency update held by the minimum
//   release age (the newest release is too young).

#include <ctime>
#include <functional>

#include <nlohmann/json.hpp>

#include "bot/reconcile.h"
#include "bot/scan.h"
#include "bot/tech_debt_report.h"
#include "forges/forge.h"

namespace ddd::bot {

// The repository config's `report` section (weights, scales, forecast thresholds;
// validated by the config schema) applied to `in`; a weight set whose sum is 0 is ignored.
void applyReportConfig(const nlohmann::json& repoConfig, ReportInput& in);

// Fills in.pullRequests and in.heldBack (appending) from the forge and the scan.
void addPullRequestsAndHeldBack(forges::Forge& forge, const ScanReport& scan,
                                const ReconcileLimits& limits, std::function<std::time_t()> now,
                                ReportInput& in);

}  // namespace ddd::bot
