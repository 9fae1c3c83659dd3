#include "bot/reconcile.h"

#include <algorithm>

namespace ddd::bot {
namespace {

bool isDddBranch(const std::string& branch) { return branch.rfind("ddd/", 0) == 0; }

bool samePullRequest(const forges::PullRequest& pr, const forges::PullRequestSpec& spec,
                     const std::string& head) {
  return pr.title == spec.title && pr.body == spec.body && pr.labels == spec.labels &&
         pr.draft == spec.draft && pr.base == spec.base && pr.headCommit == head &&
         pr.reviewers == spec.reviewers;
}

}  // namespace

ReconcileLimits limitsFromConfig(const nlohmann::json& repoConfig, ReconcileLimits defaults) {
  if (!repoConfig.is_object() || !repoConfig.contains("pullRequests")) return defaults;
  const auto& section = repoConfig["pullRequests"];
  if (!section.is_object()) return defaults;
  auto read = [&section](const char* key, int& into) {
    if (section.contains(key) && section[key].is_number_integer()) {
      into = std::clamp(section[key].get<int>(), 0, 1000);
    }
  };
  read("maxOpen", defaults.maxOpenPullRequests);
  read("maxNewPerHour", defaults.maxNewPerHour);
  return defaults;
}

PullRequestReconciler::PullRequestReconciler(forges::Forge& forge, ReconcileLimits limits,
                                             std::function<std::time_t()> now)
    : forge_(forge), limits_(limits), now_(std::move(now)) {
  const std::time_t t = now_();
  for (auto& pr : forge_.list()) {
    if (!isDddBranch(pr.branch)) continue;
    if (pr.createdAt > t - 3600) ++createdLastHour_;
    if (pr.state == "open") open_.push_back(std::move(pr));
  }
}

std::optional<std::string> PullRequestReconciler::holdBackReason(const std::string& branch) const {
  const bool hasOpen = std::any_of(open_.begin(), open_.end(), [&](const forges::PullRequest& pr) {
    return pr.branch == branch;
  });
  if (hasOpen) return std::nullopt;
  if (limits_.maxOpenPullRequests > 0 &&
      static_cast<int>(open_.size()) >= limits_.maxOpenPullRequests) {
    return std::to_string(open_.size()) + " ddd pull requests are open (limit " +
           std::to_string(limits_.maxOpenPullRequests) + "); merge or close some";
  }
  if (limits_.maxNewPerHour > 0 && createdLastHour_ >= limits_.maxNewPerHour) {
    return "ddd opened " + std::to_string(createdLastHour_) +
           " pull requests in the last hour (limit " + std::to_string(limits_.maxNewPerHour) +
           "); the next run opens this one";
  }
  return std::nullopt;
}

PullRequestReconciler::Outcome PullRequestReconciler::apply(const forges::PullRequestSpec& spec,
                                                            const std::string& headCommit,
                                                            bool blocked,
                                                            const std::string& blockedDetail) {
  Outcome out;
  auto existing = forge_.findOpenByBranch(spec.branch);
  if (blocked) {
    if (existing) {
      out.number = existing->number;
      out.outcome = "left alone";
      const auto cs = forge_.comments(existing->number);
      const bool said = std::any_of(cs.begin(), cs.end(), [](const forges::Comment& c) {
        return c.body.find(kBlockedMarker) != std::string::npos;
      });
      if (!said) {
        forge_.comment(existing->number,
                       std::string(kBlockedMarker) + "\nA commit that ddd did not make is on `" +
                           spec.branch + "` (" + blockedDetail +
                           "). ddd stops updating this pull request so nothing of it is lost. "
                           "Merge or close it when you are done; delete the branch to let ddd "
                           "propose the change again.");
      }
    }
    return out;
  }
  if (!existing) {
    if (auto reason = holdBackReason(spec.branch)) {
      out.outcome = "held back";
      out.detail = *reason;
      return out;
    }
    auto pr = forge_.create(spec, headCommit);
    out.number = pr.number;
    out.outcome = "created";
    ++createdLastHour_;
    open_.push_back(std::move(pr));
    return out;
  }
  out.number = existing->number;
  if (samePullRequest(*existing, spec, headCommit)) {
    out.outcome = "up to date";
  } else {
    forge_.update(existing->number, spec, headCommit);
    out.outcome = "updated";
  }
  return out;
}

std::vector<PullRequestReconciler::Closed> PullRequestReconciler::closeStale(
    const std::set<std::string>& live, const std::set<std::string>& analyzersRun,
    const std::string& commit) {
  std::vector<Closed> closed;
  for (auto it = open_.begin(); it != open_.end();) {
    bool ours = false;
    for (const auto& l : it->labels) {
      if (l.rfind("ddd:", 0) == 0 && analyzersRun.count(l.substr(4))) ours = true;
    }
    if (!ours || live.count(it->branch)) {
      ++it;
      continue;
    }
    forge_.close(it->number, "ddd no longer proposes this change: the scan of " +
                                 commit.substr(0, 12) +
                                 " found nothing left to change here (fixed or removed "
                                 "meanwhile). Closing; the branch `" +
                                 it->branch + "` stays until you delete it.");
    closed.push_back({it->number, it->branch});
    it = open_.erase(it);
  }
  return closed;
}

}  // namespace ddd::bot
