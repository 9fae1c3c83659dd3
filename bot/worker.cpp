#include "bot/worker.h"

#include <git2/refs.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <set>
#include <thread>

#include "bot/change_writing.h"
#include "bot/commands.h"
#include "bot/jobs/lease_keeper.h"
#include "bot/merge_flow.h"
#include "bot/pr_body.h"
#include "bot/report_local.h"
#include "bot/report_publish.h"
#include "bot/tech_debt_report.h"
#include "bot/reconcile.h"
#include "bot/report_state.h"
#include "bot/scan.h"
#include "forges/github/github_forge.h"
#include "forges/webhooks/events.h"
#include "git/branch.h"
#include "git/error.h"
#include "git/remote.h"
#include "git/repository.h"
#include "git/tree_edit.h"

namespace ddd::bot {
namespace {


std::pair<std::string, std::string> ownerAndName(const std::string& fullName) {
  const size_t slash = fullName.find('/');
  if (slash == std::string::npos)
    throw std::runtime_error("not an owner/name repository: " + fullName);
  return {fullName.substr(0, slash), fullName.substr(slash + 1)};
}

std::unique_ptr<forges::GithubForge> githubFor(WorkerContext& ctx, const std::string& fullName,
                                               int64_t installation) {
  auto [owner, name] = ownerAndName(fullName);
  forges::GithubForgeOptions o;
  o.apiUrl = ctx.config.githubApiUrl;
  o.owner = owner;
  o.repo = name;
  o.installationKey = std::to_string(installation);
  if (ctx.sleep) o.sleep = ctx.sleep;
  o.mutationSpacing = std::chrono::milliseconds(ctx.config.githubMutationSpacingMs);
  o.token = [&ctx, installation] {
    return ctx.githubToken ? ctx.githubToken(installation) : std::string();
  };
  return std::make_unique<forges::GithubForge>(*ctx.http, o);
}

std::string cacheName(const std::string& fullName) {
  std::string out;
  for (char c : fullName)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '+';
  return out + ".git";
}

// What an analyze job of the event's repository needs, from the webhook payload.
nlohmann::json analyzePayload(const forges::ForgeEvent& e, const nlohmann::json& payload) {
  const auto repo = payload.value("repository", nlohmann::json::object());
  return {{"repo", e.repo},
          {"installation", e.installationId},
          {"cloneUrl", repo.is_object() ? repo.value("clone_url", "") : ""},
          {"defaultBranch", repo.is_object() ? repo.value("default_branch", "main") : "main"}};
}

// Replies to a command once, even when its job runs again (a worker killed after posting):
// the reply carries a hidden marker naming the comment it answers, and is not posted when
// a comment with that marker exists.
void replyOnce(forges::GithubForge& gh, int number, int64_t commentId, const std::string& text) {
  const std::string marker = "<!-- ddd:reply " + std::to_string(commentId) + " -->";
  for (const auto& c : gh.comments(number)) {
    if (c.body.find(marker) != std::string::npos) return;
  }
  gh.comment(number, text + "\n\n" + marker);
}

void handleIssueComment(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto payload = nlohmann::json::parse(job.payload);
  const auto e = forges::normalizeGithub("issue_comment", payload, "");
  if (e.action != "created" || e.senderIsBot || e.sender == ctx.botLogin)
    return;  // never edits, bots or ddd
  const auto commands = parseCommands(e.commentBody);
  if (commands.empty()) return;
  auto gh = githubFor(ctx, e.repo, e.installationId);
  // Permission first: nothing happens for someone who may not command.
  const auto perm =
      gh->call("GET", "/repos/" + e.repo + "/collaborators/" + e.sender + "/permission");
  const std::string permission = perm.value("permission", "none");
  if (!githubMayCommand(permission)) {
    replyOnce(*gh, e.number, e.commentId,
              "@" + e.sender +
                  " thanks — only people with write access to this repository can give ddd "
                  "commands, so ddd left this one alone.");
    return;
  }
  gh->call("POST",
           "/repos/" + e.repo + "/issues/comments/" + std::to_string(e.commentId) + "/reactions",
           {{"content", "+1"}});
  for (const auto& c : commands) {
    if (c.name == "help" || c.name == "unknown" || !c.problem.empty()) {
      replyOnce(*gh, e.number, e.commentId,
                (c.problem.empty() ? std::string() : c.problem + ".\n\n") + commandHelp());
    } else if (c.name == "rerun") {
      nlohmann::json analyze = analyzePayload(e, payload);
      analyze["analyzers"] = c.args;
      store.enqueue("github.analyze", e.repo, analyze.dump(),
                    "rerun:" + std::to_string(e.commentId), static_cast<int64_t>(ctx.now()));
    } else if (c.name == "ignore") {
      replyOnce(
          *gh, e.number, e.commentId,
          "Noted: ddd will not propose `" + c.args[0] + "`" +
              (c.args.size() > 1 ? " " + c.args[1] + " updates" : std::string(" updates")) +
              " in this repository. (Add it to `dependencies.ignore` in `.github/ddd.json` to "
              "keep it so.)");
    }
  }
}

// Analyses the repository of an analyze job and brings its ddd pull requests up to date:
// each fix branch written and pushed, its pull request opened or updated, then driven
// through the merge flow (ddd's statuses, auto-merge or merge when every guard holds).
// `onlyBranches` (non-empty) limits the work to those branches, for events about them
// (a check finished, a review came in): stale pull requests are then not closed.
// The repository of an analyze / report job fetched into its bare cache and scanned at
// the default branch.
struct FetchedScan {
  std::string repoName, cloneUrl, base;
  int64_t installation = 0;
  git::RemoteAuth auth;
  git::Repository cache;
  ScanReport report;
};

FetchedScan fetchAndScan(WorkerContext& ctx, const nlohmann::json& p) {
  const std::string repoName = p.at("repo").get<std::string>();
  const int64_t installation = p.value("installation", int64_t{0});
  const std::string cloneUrl = p.at("cloneUrl").get<std::string>();
  const std::string base = p.value("defaultBranch", "main");
  const std::string token = ctx.githubToken ? ctx.githubToken(installation) : "";
  const git::RemoteAuth auth{"x-access-token", token};
  const auto cachePath = ctx.cacheDir / cacheName(repoName);
  git::Repository cache = git::fetchIntoCache(cloneUrl, cachePath, auth);
  ScanRequest scan;
  scan.repoPath = cachePath;
  scan.ref = "refs/remotes/origin/" + base;
  scan.dataDir = ctx.dataDir;
  for (const auto& a : p.value("analyzers", nlohmann::json::array()))
    scan.analyzers.push_back(a.get<std::string>());
  ScanReport report = runScan(scan);
  return FetchedScan{repoName, cloneUrl, base, installation, auth, std::move(cache), std::move(report)};
}

void analyzeAndReconcile(WorkerContext& ctx, JobStore& store, const nlohmann::json& p,
                         const std::set<std::string>& onlyBranches) {
  FetchedScan fetched = fetchAndScan(ctx, p);
  const std::string& repoName = fetched.repoName;
  const std::string& cloneUrl = fetched.cloneUrl;
  const std::string& base = fetched.base;
  const int64_t installation = fetched.installation;
  const git::RemoteAuth& auth = fetched.auth;
  git::Repository& cache = fetched.cache;
  ScanReport& report = fetched.report;
  // The scheduler's record of the repository, with the schedules its config asks for.
  store.upsertRepository(RepositoryRecord{
      repoName, "github",
      nlohmann::json{{"installation", installation}, {"cloneUrl", cloneUrl}, {"defaultBranch", base}}
          .dump(),
      report.repoConfig.value("schedules", nlohmann::json::object()).dump(), true,
      static_cast<int64_t>(ctx.now())});

  auto gh = githubFor(ctx, repoName, installation);
  // The report's "create the held-back PRs now" control lifts the caps for this run.
  const ReconcileLimits limits = p.value("control", "") == "create-held-back"
                                     ? ReconcileLimits{0, 0}
                                     : limitsFromConfig(report.repoConfig, {10, 2});
  PullRequestReconciler prs(*gh, limits, ctx.now);
  const git::Oid baseTree = cache.treeOf(report.commit);
  std::set<std::string> live;
  for (size_t i = 0; i < report.result.changes.size(); ++i) {
    const auto& change = report.result.changes[i];
    const auto& decision = report.decisions.at(i);
    live.insert(change.branch());
    if (!onlyBranches.empty() && onlyBranches.count(change.branch()) == 0) continue;
    if (decision.action == policies::Action::Skip) continue;
    if (prs.holdBackReason(change.branch())) continue;
    // The branch as the remote has it, so a person's commit there is seen.
    try {
      const git::Oid theirs = cache.resolveCommit("refs/remotes/origin/" + change.branch());
      git_reference* ref = nullptr;
      git_reference_create(&ref, cache.raw(), ("refs/heads/" + change.branch()).c_str(),
                           theirs.raw(), 1, "ddd: the remote's branch");
      git_reference_free(ref);
    } catch (const git::GitError&) {
      // No such branch on the remote yet.
    }
    git::CommitRequest commit;
    commit.branch = change.branch();
    commit.base = report.commit;
    commit.tree = git::buildTree(cache, baseTree, treeEdits(change));
    commit.message = commitMessage(change, decision);
    commit.changeId = change.id;
    commit.when = ctx.now();
    const auto written = git::commitToBranch(cache, commit);
    const bool blocked = written.outcome == git::BranchOutcome::HumanCommits;
    if (!blocked && written.outcome != git::BranchOutcome::UpToDate) {
      const auto pushed =
          git::pushBranches(cache, cloneUrl, {change.branch()}, auth, /*force=*/true);
      if (!pushed.rejected.empty()) {
        throw std::runtime_error("the push of " + change.branch() + " to " + repoName +
                                 " was rejected: " + pushed.rejected.front().second);
      }
    }
    forges::PullRequestSpec spec;
    spec.repo = repoName;
    spec.branch = change.branch();
    spec.base = base;
    spec.title = change.title;
    spec.body = renderPrBody(change, decision, report.commit.hex());
    spec.labels = labelsFor(change, decision);
    spec.reviewers = decision.reviewers;
    spec.draft = decision.action == policies::Action::Draft;
    const auto applied = prs.apply(spec, written.head.hex(), blocked, written.detail);
    if (applied.number == 0) continue;
    const bool merging = decision.action == policies::Action::Automerge ||
                         (decision.action == policies::Action::Review && decision.mergeOnApproval);
    if (!merging) continue;
    auto pr = gh->findOpenByBranch(change.branch());
    if (!pr) continue;
    MergeRequest m;
    m.pr = *pr;
    m.pushedSha = written.head.hex();
    m.humanCommits = blocked;
    m.decision = decision;
    m.releaseAgeDays = change.facts.releaseAgeDays;
    const auto outcome = advanceMerge(*gh, m);
    if (ctx.log) {
      ctx.log(repoName + " #" + std::to_string(pr->number) + " (" + change.branch() +
              "): " + toString(outcome.step) + (outcome.detail.empty() ? "" : ": " + outcome.detail));
    }
  }
  if (!onlyBranches.empty()) return;
  std::set<std::string> ran(report.analyzers.begin(), report.analyzers.end());
  prs.closeStale(live, ran, report.commit.hex());
}

void handleAnalyze(WorkerContext& ctx, JobStore& store, const Job& job) {
  analyzeAndReconcile(ctx, store, nlohmann::json::parse(job.payload), {});
}

// The weekly tech-debt report: the repository scanned, the report rendered with its open
// ddd pull requests and skipped changes, and published in its one report issue (found by
// its marker, edited in place). The weekly history for trends and forecasts travels in
// the issue itself (a hidden JSON comment), so it survives with the issue and needs no
// table: each run adds or replaces its week's point and keeps the last 12.
void handleReport(WorkerContext& ctx, const Job& job) {
  const auto p = nlohmann::json::parse(job.payload);
  FetchedScan fetched = fetchAndScan(ctx, p);
  auto gh = githubFor(ctx, fetched.repoName, fetched.installation);
  const std::time_t now = ctx.now();
  const std::string week = isoWeek(now);
  constexpr const char* kHistoryTag = "<!-- ddd:history ";

  nlohmann::json history = nlohmann::json::array();
  const std::string marker = reportMarker(fetched.repoName);
  int existingIssue = 0;
  for (const auto& issue : gh->issuesWithLabel(kReportLabel)) {
    if (issue.body.find(marker) == std::string::npos) continue;
    existingIssue = issue.number;
    const auto at = issue.body.find(kHistoryTag);
    const auto end = at == std::string::npos ? at : issue.body.find(" -->", at);
    if (end == std::string::npos) break;
    const auto parsed = nlohmann::json::parse(
        issue.body.substr(at + std::strlen(kHistoryTag), end - at - std::strlen(kHistoryTag)),
        nullptr, false);
    if (parsed.is_array()) history = parsed;
    break;
  }

  ReportInput in;
  in.repo = fetched.repoName;
  in.now = now;
  in.current = healthInputsFrom(fetched.report);
  in.analyzers = fetched.report.analyzers;
  applyReportConfig(fetched.report.repoConfig, in);
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& point : history) {
    if (!point.is_object() || point.value("week", "") >= week) continue;  // this week is redone
    kept.push_back(point);
  }
  while (kept.size() > 11) kept.erase(kept.begin());
  for (const auto& point : kept) {
    WeekPoint w;
    w.at = point.value("at", std::time_t{0});
    w.score = point.value("score", 0.0);
    if (point.contains("libyears") && point["libyears"].is_number())
      w.libyears = point["libyears"].get<double>();
    in.history.push_back(w);
  }
  addPullRequestsAndHeldBack(*gh, fetched.report,
                             limitsFromConfig(fetched.report.repoConfig, {10, 2}), ctx.now, in);
  in.bodyLimit = ctx.reportBodyLimit;
  const HealthScore score = healthScore(in.current, in.weights);
  nlohmann::json point = {{"week", week}, {"at", now}, {"score", score.total}};
  if (in.current.libyears) point["libyears"] = *in.current.libyears;
  kept.push_back(point);
  // Over the limit, the issue shows the truncated report with a pointer to the full one,
  // kept in the issue's own comments (at most 20 of them).
  const size_t kCommentLimit = std::max<size_t>(ctx.reportBodyLimit, 4096);
  ReportInput whole = in;
  whole.bodyLimit = std::numeric_limits<size_t>::max();
  std::string full = renderTechDebtReport(whole);
  if (full.size() <= in.bodyLimit) {
    full.clear();
  } else if (full.size() > 20 * (kCommentLimit - 1024)) {
    full.resize(20 * (kCommentLimit - 1024) - 200);
    full = full.substr(0, full.rfind('\n') + 1) +
           "\n_(the full report is longer still; `ddd report` prints all of it)_\n";
  }
  auto bodyWith = [&](const std::string& fullUrl) {
    in.fullReportUrl = fullUrl;
    return renderTechDebtReport(in) + "\n" + kHistoryTag + kept.dump() + " -->\n";
  };
  std::string fullUrl;
  if (existingIssue) fullUrl = publishReportParts(*gh, existingIssue, full, kCommentLimit);
  auto published = publishReport(*gh, fetched.repoName, bodyWith(fullUrl));
  if (!existingIssue && !full.empty()) {
    fullUrl = publishReportParts(*gh, published.number, full, kCommentLimit);
    publishReport(*gh, fetched.repoName, bodyWith(fullUrl));
  }
  if (ctx.log) {
    ctx.log(fetched.repoName + " report #" + std::to_string(published.number) + ": " +
            published.outcome + " (score " + std::to_string(static_cast<int>(score.total)) + ")");
  }
}

// A maintainer ticked a control of the report issue (an `issues` edited webhook): the
// same permission check as a /ddd command, then the analysis it asks for.
void handleReportControls(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto payload = nlohmann::json::parse(job.payload);
  const auto e = forges::normalizeGithub("issues", payload, "");
  if (e.action != "edited" || e.senderIsBot || e.sender == ctx.botLogin) return;
  if (e.body.find(reportMarker(e.repo)) == std::string::npos) return;  // not the report
  const auto controls = newlyCheckedControls(e.bodyBefore, e.body);
  if (controls.empty()) return;
  auto gh = githubFor(ctx, e.repo, e.installationId);
  const auto perm =
      gh->call("GET", "/repos/" + e.repo + "/collaborators/" + e.sender + "/permission");
  if (!githubMayCommand(perm.value("permission", "none"))) {
    gh->comment(e.number, "@" + e.sender +
                              " thanks — only people with write access to this repository can "
                              "use the report's controls, so ddd left them alone.");
    return;
  }
  for (const auto& control : controls) {
    nlohmann::json analyze = analyzePayload(e, payload);
    analyze["control"] = control;
    if (control.rfind("rerun:", 0) == 0) {
      analyze["analyzers"] = nlohmann::json::array({control.substr(6)});
    }
    // rerun-all, rebase-all (each analysis rebuilds the branches on the current base) and
    // create-held-back are all one analysis of the repository.
    store.enqueue("github.analyze", e.repo, analyze.dump(),
                  "control:" + job.dedupeKey + ":" + control, static_cast<int64_t>(ctx.now()));
  }
  if (ctx.log) {
    ctx.log(e.repo + " report controls by " + e.sender + ": " + std::to_string(controls.size()));
  }
}

// installation (created / deleted) and installation_repositories (added / removed): the
// scheduler's list of repositories follows. An added repository is analysed once now
// (which also records its clone URL, default branch and schedules).
void handleInstallation(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto p = nlohmann::json::parse(job.payload);
  const std::string action = p.value("action", "");
  const int64_t installation =
      p.contains("installation") && p["installation"].is_object()
          ? p["installation"].value("id", int64_t{0})
          : 0;
  const bool removing = action == "deleted" || action == "removed" || action == "suspend";
  std::vector<std::string> repos;
  for (const char* key : {"repositories", removing ? "repositories_removed" : "repositories_added"}) {
    if (!p.contains(key) || !p[key].is_array()) continue;
    for (const auto& r : p[key]) {
      if (r.is_object() && r.contains("full_name")) repos.push_back(r["full_name"].get<std::string>());
    }
  }
  const auto now = static_cast<int64_t>(ctx.now());
  for (const auto& repo : repos) {
    if (removing) {
      store.deactivateRepository(repo, now);
      continue;
    }
    // The clone URL and default branch come from GitHub (not in these payloads).
    auto gh = githubFor(ctx, repo, installation);
    const auto info = gh->call("GET", "/repos/" + repo);
    const nlohmann::json analyze = {{"repo", repo},
                                    {"installation", installation},
                                    {"cloneUrl", info.value("clone_url", "")},
                                    {"defaultBranch", info.value("default_branch", "main")}};
    store.upsertRepository(RepositoryRecord{repo, "github", analyze.dump(), "", true, now});
    store.enqueue("github.analyze", repo, analyze.dump(), "installed:" + job.dedupeKey + ":" + repo,
                  now);
  }
  if (ctx.log) {
    ctx.log("installation " + std::to_string(installation) + " " + action + ": " +
            std::to_string(repos.size()) + " repositor" + (repos.size() == 1 ? "y" : "ies"));
  }
}

// A check finished, a status changed, a review came in, or someone pushed to a pull
// request: the ddd pull requests it concerns (matched by head branch or head commit) go
// through the merge flow again, on a fresh analysis of their branch (decisions are not
// stored; the same tree gives the same decision).
void handleMergeEvent(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto payload = nlohmann::json::parse(job.payload);
  const std::string event = job.kind.substr(std::string("github.").size());
  auto e = forges::normalizeGithub(event, payload, "");
  if (event == "check_run" && e.headBranch.empty() && payload.contains("check_run")) {
    const auto& suite = payload["check_run"].value("check_suite", nlohmann::json::object());
    if (suite.is_object()) e.headBranch = suite.value("head_branch", "");
  }
  if ((event == "check_suite" || event == "check_run") && e.action != "completed") return;
  if (event == "status" && e.conclusion == "pending") return;
  if (event == "pull_request_review" && e.conclusion != "approved") return;
  if (event == "pull_request" && (e.action != "synchronize" || e.senderIsBot)) return;
  if (!e.headBranch.empty() && e.headBranch.rfind("ddd/", 0) != 0) return;
  if (e.headBranch.empty() && e.headSha.empty()) return;

  auto gh = githubFor(ctx, e.repo, e.installationId);
  std::set<std::string> branches;
  for (const auto& pr : gh->list()) {
    if (pr.state != "open" || pr.branch.rfind("ddd/", 0) != 0) continue;
    if ((!e.headBranch.empty() && pr.branch == e.headBranch) ||
        (!e.headSha.empty() && pr.headCommit == e.headSha)) {
      branches.insert(pr.branch);
    }
  }
  if (branches.empty()) return;  // not about an open ddd pull request
  analyzeAndReconcile(ctx, store, analyzePayload(e, payload), branches);
}

}  // namespace

Worker::Worker(std::shared_ptr<WorkerContext> context, std::unique_ptr<JobStore> store,
               std::string id)
    : ctx_(std::move(context)), store_(std::move(store)), id_(std::move(id)) {}

void Worker::handle(const Job& job) {
  if (job.kind == "ping") return;
  if (job.kind == "github.issue_comment") return handleIssueComment(*ctx_, *store_, job);
  if (job.kind == "github.analyze") return handleAnalyze(*ctx_, *store_, job);
  if (job.kind == "github.report") return handleReport(*ctx_, job);
  if (job.kind == "github.issues") return handleReportControls(*ctx_, *store_, job);
  if (job.kind == "github.installation" || job.kind == "github.installation_repositories") {
    return handleInstallation(*ctx_, *store_, job);
  }
  if (job.kind == "github.check_suite" || job.kind == "github.check_run" ||
      job.kind == "github.status" || job.kind == "github.pull_request_review" ||
      job.kind == "github.pull_request") {
    return handleMergeEvent(*ctx_, *store_, job);
  }
  if (job.kind.rfind("github.", 0) == 0 || job.kind.rfind("gitlab.", 0) == 0) {
    if (ctx_->log)
      ctx_->log("job " + std::to_string(job.id) + " (" + job.kind + "): no handler yet; completed");
    return;
  }
  throw std::runtime_error("no handler for jobs of kind \"" + job.kind + "\"");
}

bool Worker::runOnce() {
  auto job = store_->claim(id_, ctx_->leaseSeconds, static_cast<int64_t>(ctx_->now()));
  if (!job) return false;
  try {
    std::optional<LeaseKeeper> keeper;
    if (ctx_->openStore) {
      if (!leaseStore_) leaseStore_ = ctx_->openStore();
      keeper.emplace(*leaseStore_, job->id, id_,
                     LeaseKeeper::Options{ctx_->leaseSeconds, ctx_->now, ctx_->log});
    }
    handle(*job);
    keeper.reset();
    store_->complete(job->id, id_);
  } catch (const std::exception& e) {
    if (ctx_->log)
      ctx_->log("job " + std::to_string(job->id) + " (" + job->kind + ") failed: " + e.what());
    store_->fail(job->id, id_, e.what(), static_cast<int64_t>(ctx_->now()));
  }
  return true;
}

void Worker::runUntil(const std::atomic<bool>& stop) {
  while (!stop) {
    if (!runOnce()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace ddd::bot
