#include "bot/report_state.h"

#include <algorithm>
#include <map>
#include <set>

#include "policies/decision.h"

namespace ddd::bot {

namespace {

bool hasLabel(const forges::PullRequest& pr, const std::string& label) {
  return std::find(pr.labels.begin(), pr.labels.end(), label) != pr.labels.end();
}

std::string stateOf(forges::Forge& forge, const forges::PullRequest& pr,
                    const policies::Decision* decision) {
  for (const auto& c : forge.comments(pr.number)) {
    if (c.body.find(kBlockedMarker) != std::string::npos) return "blocked by a human edit";
  }
  if (pr.draft) return "draft";
  if (!decision) return "no longer proposed (closed at the next analysis)";
  const auto checks = forge.checks(pr.headCommit);
  if (checks.failed > 0) {
    std::string names;
    for (const auto& n : checks.failedNames) names += (names.empty() ? "" : ", ") + n;
    return "checks failed" + (names.empty() ? std::string() : " (" + names + ")");
  }
  if (decision->action == policies::Action::Automerge) {
    if (checks.pending > 0 || checks.total == 0) return "pending checks";
    return "checks green, merging";
  }
  if (forge.approved(pr.number)) return checks.pending > 0 ? "approved, pending checks" : "approved";
  return hasLabel(pr, "ddd:needs-review") || decision->action == policies::Action::Review
             ? "awaiting review"
             : "open";
}

void readNumber(const nlohmann::json& section, const char* key, double& into) {
  if (section.contains(key) && section[key].is_number()) into = section[key].get<double>();
}

}  // namespace

void applyReportConfig(const nlohmann::json& repoConfig, ReportInput& in) {
  if (!repoConfig.is_object() || !repoConfig.contains("report")) return;
  const auto& r = repoConfig["report"];
  if (!r.is_object()) return;
  if (r.contains("weights") && r["weights"].is_object()) {
    HealthWeights w = in.weights;
    const auto& section = r["weights"];
    readNumber(section, "dependencies", w.dependencies);
    readNumber(section, "deprecations", w.deprecations);
    readNumber(section, "deadcode", w.deadcode);
    readNumber(section, "readiness", w.readiness);
    if (w.dependencies + w.deprecations + w.deadcode + w.readiness > 0) in.weights = w;
  }
  readNumber(r, "libyearsAtZero", in.weights.libyearsAtZero);
  readNumber(r, "deprecationsAtZero", in.weights.deprecationsAtZero);
  readNumber(r, "deadcodeAtZero", in.weights.deadcodeAtZero);
  readNumber(r, "libyearsThreshold", in.libyearsThreshold);
  readNumber(r, "scoreThreshold", in.scoreThreshold);
}

void addPullRequestsAndHeldBack(forges::Forge& forge, const ScanReport& scan,
                                const ReconcileLimits& limits, std::function<std::time_t()> now,
                                ReportInput& in) {
  std::map<std::string, size_t> changeOfBranch;
  for (size_t i = 0; i < scan.result.changes.size(); ++i) {
    changeOfBranch[scan.result.changes[i].branch()] = i;
  }
  std::set<std::string> withPullRequest;
  for (const auto& pr : forge.list()) {
    if (pr.state != "open" || pr.branch.rfind("ddd/", 0) != 0) continue;
    withPullRequest.insert(pr.branch);
    const auto it = changeOfBranch.find(pr.branch);
    const policies::Decision* decision =
        it != changeOfBranch.end() && it->second < scan.decisions.size()
            ? &scan.decisions[it->second]
            : nullptr;
    ReportPullRequest r;
    r.number = pr.number;
    r.title = pr.title;
    r.url = pr.url;
    r.decision = decision ? policies::toString(decision->action)
                 : pr.draft ? "draft"
                            : "review";
    r.state = stateOf(forge, pr, decision);
    in.pullRequests.push_back(std::move(r));
  }

  PullRequestReconciler caps(forge, limits, std::move(now));
  for (size_t i = 0; i < scan.result.changes.size() && i < scan.decisions.size(); ++i) {
    const auto& change = scan.result.changes[i];
    const auto& d = scan.decisions[i];
    if (d.action == policies::Action::Skip) {
      in.heldBack.push_back({change.id, change.title, "policy: skip (" + d.rule + ")"});
      continue;
    }
    if (withPullRequest.count(change.branch())) continue;
    if (auto reason = caps.holdBackReason(change.branch())) {
      in.heldBack.push_back({change.id, change.title, "rate limit: " + *reason});
    }
  }
  // Dependency updates the minimum release age holds: the newest release is too young
  // (and is not what the current proposal, if any, moves to).
  for (const auto& f : scan.result.findings) {
    const auto& p = f.properties;
    if (f.analyzer != "dependencies" || !p.is_object() || !p.value("heldByReleaseAge", false)) {
      continue;
    }
    const std::string name = p.value("name", "");
    const std::string latest = p.value("latest", "");
    const std::string proposed = p.value("proposed", "");
    if (latest.empty() || latest == proposed) continue;
    std::string reason = "release age: " + latest;
    if (p.contains("releasedLatest") && p["releasedLatest"].is_string()) {
      reason += " (released " + p["releasedLatest"].get<std::string>() + ")";
    }
    reason += " is younger than the minimum release age";
    if (!proposed.empty()) reason += "; " + proposed + " is proposed meanwhile";
    in.heldBack.push_back({"dependencies:" + name, "Update " + name + " to " + latest, reason});
  }
}

}  // namespace ddd::bot
