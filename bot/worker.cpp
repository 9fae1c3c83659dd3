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
#include "bot/config_report.h"
#include "bot/forge_session.h"
#include "bot/gitlab_projects.h"
#include "bot/jobs/lease_keeper.h"
#include "bot/merge_flow.h"
#include "bot/pr_body.h"
#include "bot/report_local.h"
#include "bot/report_publish.h"
#include "bot/tech_debt_report.h"
#include "bot/reconcile.h"
#include "bot/registry_client.h"
#include "bot/report_state.h"
#include "bot/scan.h"
#include "forges/github/github_forge.h"
#include "forges/gitlab/gitlab_forge.h"
#include "forges/webhooks/events.h"
#include "git/branch.h"
#include "git/error.h"
#include "git/remote.h"
#include "git/repository.h"
#include "git/tree_edit.h"

namespace ddd::bot {
namespace {

std::string cacheName(const std::string& fullName) {
  std::string out;
  for (char c : fullName)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '+';
  return out + ".git";
}

// The forge of a job kind: "gitlab.note" -> "gitlab".
std::string forgeOf(const std::string& kind) { return kind.substr(0, kind.find('.')); }

// A job's webhook event: the payload as the forge sent it, normalised, and (GitLab) the
// X-Gitlab-Event-UUID the receiver stored with it.
struct IncomingEvent {
  forges::ForgeEvent e;
  nlohmann::json payload;
  std::string eventUuid;
  RepositoryRef repository() const { return RepositoryRef::of(e, eventUuid); }
};

IncomingEvent readEvent(const Job& job) {
  const std::string forge = forgeOf(job.kind);
  const std::string event = job.kind.substr(forge.size() + 1);
  IncomingEvent in;
  nlohmann::json stored = nlohmann::json::parse(job.payload);
  if (forge == "gitlab") {
    // Wrapped by the receiver (gitlabJobPayload); a bare GitLab payload has object_kind.
    if (stored.is_object() && !stored.contains("object_kind") && stored.contains("payload")) {
      in.eventUuid = stored.value("eventUuid", "");
      in.payload = std::move(stored["payload"]);
    } else {
      in.payload = std::move(stored);
    }
    in.e = forges::normalizeGitlab(event, in.payload, in.eventUuid);
  } else {
    in.payload = std::move(stored);
    in.e = forges::normalizeGithub(event, in.payload, "");
  }
  return in;
}

// The head branch of pull request `e.number` (GitHub's comment payloads don't carry it).
std::string pullRequestBranch(ForgeSession& session, const forges::ForgeEvent& e) {
  if (!e.headBranch.empty()) return e.headBranch;
  for (const auto& pr : session.forge().list()) {
    if (pr.number == e.number) return pr.branch;
  }
  return "";
}

// A /ddd command in a new comment (GitHub issue_comment, GitLab note on a merge request
// or an issue). Permission first: nothing happens for someone who may not command but a
// polite refusal; then a 👍 and the commands, with their replies in one comment.
void handleCommand(WorkerContext& ctx, JobStore& store, const Job& job) {
  const IncomingEvent in = readEvent(job);
  const forges::ForgeEvent& e = in.e;
  const auto commands = commandsIn(e).commands;  // none for edits, bots, system notes
  if (commands.empty() || e.sender == ctx.botLogin) return;  // nor from ddd itself
  auto session = openForgeSession(ctx, in.repository());
  if (session->isSelf(e.sender)) return;
  // The project's path, looked up when the hook named the project by id only.
  const std::string& repo = session->repository().repo;
  const Thread thread{e.number, e.onPullRequest};
  const std::string replyKey = std::to_string(e.commentId);
  if (!session->mayCommand(e)) {
    replyOnce(*session, thread, replyKey,
              "@" + e.sender + " thanks — only people with " + session->whoMayCommand() +
                  " can give ddd commands, so ddd left this one alone.");
    return;
  }
  session->acknowledge(e);
  std::vector<std::string> replies;
  for (const auto& c : commands) {
    if (c.name == "help" || c.name == "unknown" || !c.problem.empty()) {
      replies.push_back((c.problem.empty() ? std::string() : c.problem + ".\n\n") + commandHelp());
    } else if (c.name == "rerun") {
      nlohmann::json analyze = session->repository().toJson();
      analyze["analyzers"] = c.args;
      // On a ddd pull request: recompute that change (and update its branch) only.
      const std::string branch = e.onPullRequest ? pullRequestBranch(*session, e) : "";
      if (branch.rfind("ddd/", 0) == 0) analyze["branches"] = nlohmann::json::array({branch});
      store.enqueue(e.forge + ".analyze", session->repository().queueKey(), analyze.dump(),
                    (e.forge == "github" ? "rerun:" : e.forge + ":rerun:") + replyKey,
                    static_cast<int64_t>(ctx.now()));
    } else if (c.name == "ignore" || c.name == "unignore") {
      // Recorded in the store (the next analyses read it), then the dependency
      // analysis runs again so pull requests it no longer proposes are closed.
      const std::string& dependency = c.args[0];
      const auto now = static_cast<int64_t>(ctx.now());
      if (c.name == "ignore") {
        nlohmann::json existing;
        for (const auto& recorded : store.ignores(repo)) {
          if (recorded.first == dependency)
            existing = nlohmann::json::parse(recorded.second, nullptr, false);
        }
        const auto rule = ignoreRule(c, e.sender, existing);
        store.setIgnore(repo, dependency, rule.dump(), now);
        replies.push_back("Noted: ddd will not propose " + describeIgnoreRule(rule) +
                          " in this repository any more (`/ddd unignore " + dependency +
                          "` undoes it). To keep it in the repository itself, add it to "
                          "`dependencies.ignore` in `.github/ddd.json` or `.ddd.json`.");
      } else if (store.removeIgnore(repo, dependency)) {
        replies.push_back("Done: ddd proposes updates of `" + dependency + "` again.");
      } else {
        replies.push_back("ddd had nothing recorded for `" + dependency +
                          "` (an entry in the repository's ddd config stays until it is "
                          "removed there).");
        continue;
      }
      nlohmann::json analyze = session->repository().toJson();
      analyze["analyzers"] = nlohmann::json::array({"dependencies"});
      store.enqueue(e.forge + ".analyze", session->repository().queueKey(), analyze.dump(),
                    e.forge + ":" + c.name + ":" + replyKey + ":" + dependency, now);
    }
  }
  if (replies.empty()) return;
  std::string text;
  for (const auto& r : replies) text += (text.empty() ? "" : "\n\n---\n\n") + r;
  replyOnce(*session, thread, replyKey, text);
}

// The repository of an analyze / report job fetched into its bare cache and scanned at
// the default branch (`p["analyzers"]`: only those, when given).
struct FetchedScan {
  std::string repoName, cloneUrl, base;
  git::RemoteAuth auth;
  git::Repository cache;
  ScanReport report;
};

FetchedScan fetchAndScan(WorkerContext& ctx, ForgeSession& session, JobStore& store,
                         const nlohmann::json& p) {
  const RepositoryRef& repo = session.repository();
  if (repo.cloneUrl.empty())
    throw std::runtime_error("no clone URL for " + repo.repo + " in the job or its event");
  const git::RemoteAuth auth = session.gitAuth();
  // GitHub's caches keep their names; other forges' are prefixed (same paths may exist).
  const auto cachePath =
      ctx.cacheDir / cacheName(repo.forge == "github" ? repo.repo : repo.forge + "/" + repo.repo);
  git::Repository cache = git::fetchIntoCache(repo.cloneUrl, cachePath, auth);
  ScanRequest scan;
  scan.repoPath = cachePath;
  scan.ref = "refs/remotes/origin/" + repo.defaultBranch;
  scan.dataDir = ctx.dataDir;
  for (const auto& a : p.value("analyzers", nlohmann::json::array()))
    scan.analyzers.push_back(a.get<std::string>());
  std::optional<RegistryClient> registry;
  // Registry answers kept in the serve state store between jobs, on a connection of
  // their own (look-ups run on the scan's threads; the cache serialises them).
  std::unique_ptr<JobStore> cacheStore;
  std::optional<RegistryResponseCache> registryCache;
  if (ctx.registryHttp) {
    registry.emplace(*ctx.registryHttp, ctx.registryBudget);
    scan.registry = &*registry;
    try {
      if (ctx.openStore) cacheStore = ctx.openStore();
    } catch (const std::exception& e) {
      if (ctx.log) ctx.log(std::string("registry answers are not cached: ") + e.what());
    }
    if (cacheStore) {
      RegistryCacheOptions options;
      options.warn = [&ctx](const std::string& w) {
        if (ctx.log) ctx.log("warning: " + w);
      };
      registryCache.emplace(*cacheStore, options);
      registry->setCache(&*registryCache);
    }
  }
  // What maintainers said with `/ddd ignore`.
  for (const auto& recorded : store.ignores(repo.repo)) {
    auto rule = nlohmann::json::parse(recorded.second, nullptr, false);
    if (rule.is_object()) scan.dependencyIgnores.push_back(std::move(rule));
  }
  ScanReport report = runScan(scan);
  return FetchedScan{repo.repo, repo.cloneUrl,    repo.defaultBranch,
                     auth,      std::move(cache), std::move(report)};
}

// Analyses the repository of an analyze job and brings its ddd pull requests up to date:
// each fix branch written and pushed, its pull request opened or updated, then driven
// through the merge flow (ddd's statuses, auto-merge or merge when every guard holds).
// `onlyBranches` (non-empty) limits the work to those branches, for events about them
// (a check finished, a review came in, a rerun on a ddd pull request): stale pull
// requests are then not closed. The same path for every forge.
void analyzeAndReconcile(WorkerContext& ctx, JobStore& store, ForgeSession& session,
                         const nlohmann::json& p, const std::set<std::string>& onlyBranches) {
  FetchedScan fetched = fetchAndScan(ctx, session, store, p);
  const std::string& repoName = fetched.repoName;
  const std::string& cloneUrl = fetched.cloneUrl;
  const std::string& base = fetched.base;
  const git::RemoteAuth& auth = fetched.auth;
  git::Repository& cache = fetched.cache;
  ScanReport& report = fetched.report;
  // The scheduler's record of the repository, with the schedules its config asks for
  // (without the event being handled: scheduled work handles none).
  RepositoryRef record = session.repository();
  record.eventUuid.clear();
  store.upsertRepository(RepositoryRecord{
      repoName, record.forge,
      record.forge == "gitlab"
          ? gitlabRecordPayload(record.toJson(), listsGitlabProject(ctx.config.gitlabProjects,
                                                                    record.repo, record.projectId))
          : record.toJson().dump(),
      report.repoConfig.value("schedules", nlohmann::json::object()).dump(), true,
      static_cast<int64_t>(ctx.now())});

  forges::Forge* gh = &session.forge();
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
    commit.rebase = rebaseFor(report.repoConfig, decision, p.value("control", "") == "rebase-all");
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
  // A full analysis (every analyzer the config asks for) says whether the config works.
  if (p.value("analyzers", nlohmann::json::array()).empty()) {
    const auto said = publishConfigProblems(session.forge(), repoName, report);
    if (ctx.log && said.outcome != "none" && said.outcome != "unchanged") {
      ctx.log(repoName + " config issue #" + std::to_string(said.number) + ": " + said.outcome);
    }
  }
  std::set<std::string> ran(report.analyzers.begin(), report.analyzers.end());
  prs.closeStale(live, ran, report.commit.hex());
}

// An analyze job (a rerun, a report control, a newly installed repository, the
// scheduler): "branches" limits it to those ddd branches.
void handleAnalyze(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto p = nlohmann::json::parse(job.payload);
  auto session = openForgeSession(ctx, RepositoryRef::fromJson(forgeOf(job.kind), p));
  std::set<std::string> branches;
  for (const auto& b : p.value("branches", nlohmann::json::array())) {
    if (b.is_string()) branches.insert(b.get<std::string>());
  }
  analyzeAndReconcile(ctx, store, *session, p, branches);
}

// The weekly tech-debt report: the repository scanned, the report rendered with its open
// ddd pull requests and skipped changes, and published in its one report issue (found by
// its marker, edited in place). The weekly history for trends and forecasts travels in
// the issue itself (a hidden JSON comment), so it survives with the issue and needs no
// table: each run adds or replaces its week's point and keeps the last 12.
void handleReport(WorkerContext& ctx, JobStore& store, const Job& job) {
  const auto p = nlohmann::json::parse(job.payload);
  auto session = openForgeSession(ctx, RepositoryRef::fromJson(forgeOf(job.kind), p));
  FetchedScan fetched = fetchAndScan(ctx, *session, store, p);
  forges::Forge* gh = &session->forge();
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
  // Parts in comments are GitHub's way past its 65,536-character bodies; GitLab takes
  // descriptions of up to 1,000,000 characters, so its report stays in the issue.
  auto* github = dynamic_cast<forges::GithubForge*>(gh);
  in.bodyLimit =
      github ? ctx.reportBodyLimit : std::max<size_t>(ctx.reportBodyLimit, 1000000 - 4096);
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
  if (existingIssue && github)
    fullUrl = publishReportParts(*github, existingIssue, full, kCommentLimit);
  auto published = publishReport(*gh, fetched.repoName, bodyWith(fullUrl));
  if (!existingIssue && !full.empty() && github) {
    fullUrl = publishReportParts(*github, published.number, full, kCommentLimit);
    publishReport(*gh, fetched.repoName, bodyWith(fullUrl));
  }
  if (ctx.log) {
    ctx.log(fetched.repoName + " report #" + std::to_string(published.number) + ": " +
            published.outcome + " (score " + std::to_string(static_cast<int>(score.total)) + ")");
  }
}

// A maintainer ticked a control of the report issue (GitHub `issues` edited, GitLab
// Issue Hook update): the same permission check as a /ddd command, then the analysis it
// asks for.
void handleReportControls(WorkerContext& ctx, JobStore& store, const Job& job) {
  const IncomingEvent in = readEvent(job);
  const forges::ForgeEvent& e = in.e;
  if (e.action != "edited" || e.senderIsBot || e.sender == ctx.botLogin) return;
  // A hook naming the project by id only has its marker's start checked here, the whole
  // marker once the session knows the path.
  const std::string marker = reportMarker(e.repo);
  if (e.body.find(e.repo.empty() ? marker.substr(0, marker.find("repo=") + 5) : marker) ==
      std::string::npos)
    return;  // not the report
  const auto controls = newlyCheckedControls(e.bodyBefore, e.body);
  if (controls.empty()) return;
  auto session = openForgeSession(ctx, in.repository());
  const std::string& repo = session->repository().repo;
  if (e.body.find(reportMarker(repo)) == std::string::npos) return;
  if (session->isSelf(e.sender)) return;
  if (!session->mayCommand(e)) {
    replyOnce(*session, Thread{e.number, false}, "controls " + job.dedupeKey,
              "@" + e.sender + " thanks — only people with " + session->whoMayCommand() +
                  " can use the report's controls, so ddd left them alone.");
    return;
  }
  for (const auto& control : controls) {
    nlohmann::json analyze = session->repository().toJson();
    analyze["control"] = control;
    if (control.rfind("rerun:", 0) == 0) {
      analyze["analyzers"] = nlohmann::json::array({control.substr(6)});
    }
    // rerun-all, rebase-all (each analysis rebuilds the branches on the current base) and
    // create-held-back are all one analysis of the repository.
    store.enqueue(e.forge + ".analyze", session->repository().queueKey(), analyze.dump(),
                  "control:" + job.dedupeKey + ":" + control, static_cast<int64_t>(ctx.now()));
  }
  if (ctx.log) {
    ctx.log(repo + " report controls by " + e.sender + ": " + std::to_string(controls.size()));
  }
}

// installation (created / deleted) and installation_repositories (added / removed): the
// scheduler's list of repositories follows. An added repository is analysed once now
// (which also records its clone URL, default branch and schedules).
void handleInstallation(WorkerContext& ctx, JobStore& store, const Job& job) {
  const forges::ForgeEvent e = readEvent(job).e;
  const int64_t installation = e.installationId;
  const bool removing = e.action == "deleted" || e.action == "removed" || e.action == "suspend";
  const std::vector<std::string>& repos = e.repositories;
  const auto now = static_cast<int64_t>(ctx.now());
  for (const auto& repo : repos) {
    if (removing) {
      store.deactivateRepository(repo, now);
      continue;
    }
    // The clone URL and default branch come from GitHub (not in these payloads).
    auto gh = openGithubForge(ctx, repo, installation);
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
    ctx.log("installation " + std::to_string(installation) + " " + e.action + ": " +
            std::to_string(repos.size()) + " repositor" + (repos.size() == 1 ? "y" : "ies"));
  }
}

// Whether an event may move a ddd pull request through the merge flow: a check or a
// pipeline finished, a status settled, a maintainer approved, or someone pushed to it.
bool movesMergeFlow(const forges::ForgeEvent& e) {
  if (e.forge == "github") {
    if (e.kind == "check_suite" || e.kind == "check_run") return e.action == "completed";
    if (e.kind == "status") return e.conclusion != "pending";
    if (e.kind == "pull_request_review") return e.conclusion == "approved";
    if (e.kind == "pull_request") return e.headMoved && !e.senderIsBot;
    return false;
  }
  // A running pipeline is when GitLab can take over the merge (auto_merge needs one).
  if (e.kind == "pipeline")
    return e.conclusion == "success" || e.conclusion == "failed" || e.conclusion == "running";
  if (e.kind == "merge_request") {
    // "approval": one person approved; "approved": every rule of the project is met.
    // Merged and closed merge requests need nothing here: a merge pushes to the default
    // branch (the push hook analyses the repository again).
    return (e.headMoved && !e.senderIsBot) || e.action == "approved" || e.action == "approval";
  }
  return false;
}

// A check finished, a status changed, a review came in, or someone pushed to a pull
// request (GitHub checks, statuses, reviews, pushes; GitLab pipelines running or done,
// merge request updates and approvals): the ddd pull requests it concerns (matched by head branch or
// head commit) go through the merge flow again, on a fresh analysis of their branch
// (decisions are not stored; the same tree gives the same decision).
void handleMergeEvent(WorkerContext& ctx, JobStore& store, const Job& job) {
  IncomingEvent in = readEvent(job);
  forges::ForgeEvent& e = in.e;
  if (!movesMergeFlow(e)) return;
  if (!e.headBranch.empty() && e.headBranch.rfind("ddd/", 0) != 0) return;
  if (e.headBranch.empty() && e.headSha.empty()) return;

  auto session = openForgeSession(ctx, in.repository());
  // ddd's own push to its branch (GitLab reports it as a merge request update).
  if (e.headMoved && session->isSelf(e.sender)) return;
  std::set<std::string> branches;
  if (!e.headBranch.empty()) {
    // One filtered look-up, not the list of every pull request the project ever had.
    if (auto pr = session->forge().findOpenByBranch(e.headBranch)) branches.insert(pr->branch);
  } else {
    for (const auto& pr : session->forge().list()) {
      if (pr.state == "open" && pr.branch.rfind("ddd/", 0) == 0 && pr.headCommit == e.headSha)
        branches.insert(pr.branch);
    }
  }
  if (branches.empty()) return;  // not about an open ddd pull request
  analyzeAndReconcile(ctx, store, *session, session->repository().toJson(), branches);
}

// The numeric id a GitLab schedule record's payload names (0 for none).
int64_t recordProjectId(const RepositoryRecord& r) {
  const auto p = nlohmann::json::parse(r.payload, nullptr, false);
  return p.is_object() && p.value("projectId", nlohmann::json()).is_number_integer()
             ? p["projectId"].get<int64_t>()
             : 0;
}

// Whether GitLab project `e` is on the schedule, by path or id.
bool gitlabProjectScheduled(JobStore& store, const forges::ForgeEvent& e) {
  for (const auto& r : store.repositories(true)) {
    if (r.forge == "gitlab" && (r.repo == e.repo || (e.repoId > 0 && recordProjectId(r) == e.repoId)))
      return true;
  }
  return false;
}

// GitLab as ddd's token sees project `e`; nullopt when it can't (404 / 403).
std::optional<forges::GitlabProject> visibleGitlabProject(WorkerContext& ctx,
                                                          const IncomingEvent& in) {
  if (ctx.config.gitlabToken.empty())
    throw std::runtime_error("no GitLab access token to look project " + in.e.repo +
                             " up: set DDD_GITLAB_TOKEN_FILE (or gitlabTokenFile)");
  forges::GitlabForgeOptions o;
  o.apiUrl = ctx.config.gitlabApiUrl;
  o.project = in.e.repoId > 0 ? std::to_string(in.e.repoId) : in.e.repo;
  o.token = ctx.config.gitlabToken;
  o.eventUuid = in.eventUuid;
  return forges::GitlabForge(*ctx.http, o).projectIfVisible();
}

// GitLab system hooks about a whole project. Destroyed: it leaves the schedule. Created,
// renamed or transferred: when ddd's token can see it (system hooks tell about every
// project of the instance), it is recorded as the refresh records projects
// (recordGitlabProjects: a project new to the schedule is analysed once; a renamed one
// moves to its new path and leaves the old; an empty repository waits for a push).
void handleProjectEvent(WorkerContext& ctx, JobStore& store, const Job& job) {
  const IncomingEvent in = readEvent(job);
  const forges::ForgeEvent& e = in.e;
  const auto now = static_cast<int64_t>(ctx.now());
  if (e.kind == "project_destroy") {
    size_t left = 0;
    for (const auto& r : store.repositories(true)) {
      if (r.forge == "gitlab" &&
          (r.repo == e.repo || (e.repoId > 0 && recordProjectId(r) == e.repoId)))
        left += store.deactivateRepository(r.repo, now) ? 1 : 0;
    }
    if (ctx.log) ctx.log("GitLab project " + e.repo + " deleted: " + std::to_string(left) + " left the schedule");
    return;
  }
  const auto project = visibleGitlabProject(ctx, in);
  if (!project) {
    if (ctx.log) ctx.log("GitLab project " + e.repo + " (" + e.kind + ") is not visible to ddd's token; left alone");
    return;
  }
  const auto synced = recordGitlabProjects(store, {*project}, false, ctx.config.gitlabProjects, now);
  if (ctx.log) {
    std::string line = "GitLab project " + project->path + " (" + e.kind +
                       (e.previousRepo.empty() ? "" : " from " + e.previousRepo) + "): " +
                       std::to_string(synced.joined) + " joined, " + std::to_string(synced.left) + " left";
    for (const auto& w : synced.warnings) line += "; " + w;
    ctx.log(line);
  }
}

// A push to the default branch (GitHub push, GitLab Push Hook): the repository is
// analysed again — new fixes proposed, open ddd pull requests rebuilt on the new base,
// stale ones closed. Pushes to other branches, tags and deletions are left alone.
void handlePush(WorkerContext& ctx, JobStore& store, const Job& job) {
  const IncomingEvent in = readEvent(job);
  const forges::ForgeEvent& e = in.e;
  if (e.ref.rfind("refs/heads/", 0) != 0) return;  // tags
  if (!e.defaultBranch.empty() && e.ref != "refs/heads/" + e.defaultBranch) return;
  if (e.headSha.find_first_not_of('0') == std::string::npos) return;  // the branch was deleted
  if (e.defaultBranch.empty() && e.forge != "gitlab") return;
  // A system hook tells about every project's pushes: one ddd does not serve yet is
  // analysed only when its token can see it.
  RepositoryRef ref = in.repository();
  if (e.forge == "gitlab" && !gitlabProjectScheduled(store, e)) {
    const auto project = visibleGitlabProject(ctx, in);
    if (!project) {
      if (ctx.log) ctx.log("push to GitLab project " + e.repo + ": not visible to ddd's token; left alone");
      return;
    }
    // What the look-up said, so the session does not ask again.
    ref.projectId = project->id;
    if (ref.repo.empty()) ref.repo = project->path;
    if (ref.cloneUrl.empty()) ref.cloneUrl = project->cloneUrl;
    if (ref.defaultBranch.empty())
      ref.defaultBranch = project->defaultBranch.empty() ? "main" : project->defaultBranch;
  }
  // GitLab looks the default branch up when the hook left it out.
  auto session = openForgeSession(ctx, ref);
  if (e.ref != "refs/heads/" + session->repository().defaultBranch) return;
  analyzeAndReconcile(ctx, store, *session, session->repository().toJson(), {});
}

// A GitLab job whose hook named its project by path only is keyed by that path
// (forges::queueKey); the project's other jobs are keyed by its id. Moved to the id's key
// before it runs, so it never runs beside them: false when one of them is running (the
// job waits in the queue under the id's key) or the job is no longer this worker's.
bool keyedByProjectId(WorkerContext& ctx, JobStore& store, const Job& job,
                      const std::string& owner) {
  if (job.kind.rfind("gitlab.", 0) != 0 || job.repo.empty() ||
      job.repo.starts_with(forges::kGitlabProjectKeyPrefix))
    return true;
  int64_t id = 0;
  const std::string event = job.kind.substr(7);
  if (event == "analyze" || event == "report") {
    const auto p = nlohmann::json::parse(job.payload, nullptr, false);
    if (p.is_object() && p.value("projectId", nlohmann::json()).is_number_integer())
      id = p["projectId"].get<int64_t>();
  } else {
    id = readEvent(job).e.repoId;  // jobs stored before projects were keyed by id
  }
  if (id <= 0) {
    if (ctx.config.gitlabToken.empty() || !ctx.http) return true;  // the handler says why
    forges::GitlabForgeOptions o;
    o.apiUrl = ctx.config.gitlabApiUrl;
    o.project = job.repo;
    o.token = ctx.config.gitlabToken;
    id = forges::GitlabForge(*ctx.http, o).project().id;
  }
  return store.moveToRepository(job.id, owner, forges::gitlabProjectKey(id),
                                static_cast<int64_t>(ctx.now()));
}

}  // namespace

Worker::Worker(std::shared_ptr<WorkerContext> context, std::unique_ptr<JobStore> store,
               std::string id)
    : ctx_(std::move(context)), store_(std::move(store)), id_(std::move(id)) {}

void Worker::handle(const Job& job) {
  if (job.kind == "ping") return;
  const std::string forge = forgeOf(job.kind);
  const std::string event = job.kind.substr(std::min(job.kind.size(), forge.size() + 1));
  if (forge == "github" || forge == "gitlab") {
    // The same handlers for both forges; the events differ only in name.
    const bool github = forge == "github";
    if (event == "analyze") return handleAnalyze(*ctx_, *store_, job);
    if (event == "report") return handleReport(*ctx_, *store_, job);
    if (event == "push") return handlePush(*ctx_, *store_, job);
    if (event == (github ? "issue_comment" : "note")) return handleCommand(*ctx_, *store_, job);
    if (event == (github ? "issues" : "issue")) return handleReportControls(*ctx_, *store_, job);
    static const std::set<std::string> kMergeEvents = {
        "github.check_suite",         "github.check_run",    "github.status",
        "github.pull_request_review", "github.pull_request", "gitlab.merge_request",
        "gitlab.pipeline"};
    if (kMergeEvents.count(job.kind)) return handleMergeEvent(*ctx_, *store_, job);
    if (!github && (event == "project_create" || event == "project_destroy" ||
                    event == "project_rename" || event == "project_transfer")) {
      return handleProjectEvent(*ctx_, *store_, job);
    }
    if (job.kind == "github.installation" || job.kind == "github.installation_repositories") {
      return handleInstallation(*ctx_, *store_, job);
    }
    if (ctx_->log)
      ctx_->log("job " + std::to_string(job.id) + " (" + job.kind + "): no handler; completed");
    return;
  }
  throw std::runtime_error("no handler for jobs of kind \"" + job.kind + "\"");
}

bool Worker::runOnce() {
  auto job = store_->claim(id_, ctx_->leaseSeconds, static_cast<int64_t>(ctx_->now()));
  if (!job) return false;
  try {
    if (!keyedByProjectId(*ctx_, *store_, *job, id_)) {
      if (ctx_->log)
        ctx_->log("job " + std::to_string(job->id) + " (" + job->kind + ", " + job->repo +
                  ") waits for the project's running job");
      return true;
    }
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
