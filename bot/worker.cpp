#include "bot/worker.h"

#include <git2/refs.h>

#include <chrono>
#include <set>
#include <thread>

#include "bot/change_writing.h"
#include "bot/commands.h"
#include "bot/pr_body.h"
#include "bot/reconcile.h"
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

constexpr int64_t kLeaseSeconds = 300;

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
    gh->comment(e.number,
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
      gh->comment(e.number,
                  (c.problem.empty() ? std::string() : c.problem + ".\n\n") + commandHelp());
    } else if (c.name == "rerun") {
      const auto& repo = payload["repository"];
      nlohmann::json analyze = {{"repo", e.repo},
                                {"installation", e.installationId},
                                {"cloneUrl", repo.value("clone_url", "")},
                                {"defaultBranch", repo.value("default_branch", "main")},
                                {"analyzers", c.args}};
      store.enqueue("github.analyze", e.repo, analyze.dump(),
                    "rerun:" + std::to_string(e.commentId), static_cast<int64_t>(ctx.now()));
    } else if (c.name == "ignore") {
      gh->comment(
          e.number,
          "Noted: ddd will not propose `" + c.args[0] + "`" +
              (c.args.size() > 1 ? " " + c.args[1] + " updates" : std::string(" updates")) +
              " in this repository. (Add it to `dependencies.ignore` in `.github/ddd.json` to "
              "keep it so.)");
    }
  }
}

void handleAnalyze(WorkerContext& ctx, const Job& job) {
  const auto p = nlohmann::json::parse(job.payload);
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

  auto gh = githubFor(ctx, repoName, installation);
  PullRequestReconciler prs(*gh, {10, 2}, ctx.now);
  const git::Oid baseTree = cache.treeOf(report.commit);
  std::set<std::string> live;
  for (size_t i = 0; i < report.result.changes.size(); ++i) {
    const auto& change = report.result.changes[i];
    const auto& decision = report.decisions.at(i);
    live.insert(change.branch());
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
    prs.apply(spec, written.head.hex(), blocked, written.detail);
  }
  std::set<std::string> ran(report.analyzers.begin(), report.analyzers.end());
  prs.closeStale(live, ran, report.commit.hex());
}

}  // namespace

Worker::Worker(std::shared_ptr<WorkerContext> context, std::unique_ptr<JobStore> store,
               std::string id)
    : ctx_(std::move(context)), store_(std::move(store)), id_(std::move(id)) {}

void Worker::handle(const Job& job) {
  if (job.kind == "ping") return;
  if (job.kind == "github.issue_comment") return handleIssueComment(*ctx_, *store_, job);
  if (job.kind == "github.analyze") return handleAnalyze(*ctx_, job);
  if (job.kind.rfind("github.", 0) == 0 || job.kind.rfind("gitlab.", 0) == 0) {
    if (ctx_->log)
      ctx_->log("job " + std::to_string(job.id) + " (" + job.kind + "): no handler yet; completed");
    return;
  }
  throw std::runtime_error("no handler for jobs of kind \"" + job.kind + "\"");
}

bool Worker::runOnce() {
  auto job = store_->claim(id_, kLeaseSeconds, static_cast<int64_t>(ctx_->now()));
  if (!job) return false;
  try {
    handle(*job);
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
