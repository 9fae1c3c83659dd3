#include "bot/run_local.h"

#include <git2/commit.h>
#include <git2/errors.h>
#include <git2/odb.h>
#include <git2/refs.h>
#include <git2/repository.h>
#include <git2/revwalk.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string_view>

#include "bot/change_writing.h"
#include "bot/pr_body.h"
#include "bot/state_store.h"
#include "forges/local_forge.h"
#include "git/branch.h"
#include "git/error.h"
#include "git/repository.h"
#include "git/tree_edit.h"
#include "policies/explain.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};
using ReferencePtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitFree<git_odb, git_odb_free>>;

// The branch a pull request targets: the checked-out branch when scanning HEAD on a
// branch, else the ref as given (a branch, a tag or a commit id).
std::string baseBranchName(const git::Repository& repo, const std::string& ref,
                           const git::Oid& commit) {
  if (ref != "HEAD") return ref;
  git_reference* raw = nullptr;
  if (git_repository_head(&raw, repo.raw()) != 0) {
    git_error_clear();
    return commit.hex();
  }
  ReferencePtr head(raw);
  if (git_reference_is_branch(head.get())) return git_reference_shorthand(head.get());
  return commit.hex();
}

// A read-only view of another object database, as an odb backend: it reads and answers
// "exists", and has neither write nor freshen, so nothing it serves is ever touched on
// disk (libgit2 "freshens" the mtime of a loose object it is asked to write again).
struct ReadOnlyBackend {
  git_odb_backend parent;
  git_odb* inner;  // owned: one reference, released in release()

  static ReadOnlyBackend* from(git_odb_backend* b) { return reinterpret_cast<ReadOnlyBackend*>(b); }

  static int read(void** data, size_t* len, git_object_t* type, git_odb_backend* b,
                  const git_oid* oid) {
    git_odb_object* raw = nullptr;
    int rc = git_odb_read(&raw, from(b)->inner, oid);
    if (rc < 0) return rc;
    std::unique_ptr<git_odb_object, GitFree<git_odb_object, git_odb_object_free>> obj(raw);
    *len = git_odb_object_size(obj.get());
    *type = git_odb_object_type(obj.get());
    *data = git_odb_backend_data_alloc(b, *len);
    if (!*data) return -1;
    std::memcpy(*data, git_odb_object_data(obj.get()), *len);
    return 0;
  }
  static int readHeader(size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* oid) {
    return git_odb_read_header(len, type, from(b)->inner, oid);
  }
  static int exists(git_odb_backend* b, const git_oid* oid) {
    return git_odb_exists(from(b)->inner, oid);
  }
  static void release(git_odb_backend* b) {
    git_odb_free(from(b)->inner);
    delete from(b);
  }
};

// Gives `repo` an object database whose writes stay in memory (libgit2's mempack) while
// reads fall through, read-only, to the repository's own objects. For dry runs: the
// fix trees can be built and compared, and nothing reaches the disk.
void keepObjectWritesInMemory(const git::Repository& repo) {
  git_odb* rawReal = nullptr;
  git::check(git_repository_odb(&rawReal, repo.raw()), "opening the object database");
  auto* proxy = new ReadOnlyBackend{};
  proxy->inner = rawReal;
  if (git_odb_init_backend(&proxy->parent, GIT_ODB_BACKEND_VERSION) != 0) {
    ReadOnlyBackend::release(&proxy->parent);
    git::check(-1, "setting up a read-only object store for --dry-run");
  }
  proxy->parent.read = &ReadOnlyBackend::read;
  proxy->parent.read_header = &ReadOnlyBackend::readHeader;
  proxy->parent.exists = &ReadOnlyBackend::exists;
  proxy->parent.free = &ReadOnlyBackend::release;

  git_odb* rawOdb = nullptr;
  if (git_odb_new(&rawOdb) != 0) {
    ReadOnlyBackend::release(&proxy->parent);
    git::check(-1, "creating an in-memory object store for --dry-run");
  }
  OdbPtr odb(rawOdb);
  if (git_odb_add_backend(odb.get(), &proxy->parent, 1) != 0) {
    ReadOnlyBackend::release(&proxy->parent);
    git::check(-1, "setting up a read-only object store for --dry-run");
  }
  git_odb_backend* mempack = nullptr;
  git::check(git_mempack_new(&mempack), "creating an in-memory object store for --dry-run");
  if (git_odb_add_backend(odb.get(), mempack, 1000) != 0) {
    mempack->free(mempack);
    git::check(-1, "adding an in-memory object store for --dry-run");
  }
  git::check(git_repository_set_odb(repo.raw(), odb.get()),
             "switching to the in-memory object store");
}

BranchStatus fromGit(git::BranchOutcome o) {
  switch (o) {
    case git::BranchOutcome::Created:
      return BranchStatus::Created;
    case git::BranchOutcome::Updated:
      return BranchStatus::Updated;
    case git::BranchOutcome::UpToDate:
      return BranchStatus::UpToDate;
    case git::BranchOutcome::HumanCommits:
      return BranchStatus::Blocked;
  }
  return BranchStatus::Blocked;
}

ChangeRecord toRecord(const ChangeOutcome& c) {
  ChangeRecord r;
  r.changeId = c.changeId;
  r.branch = c.branch;
  r.outcome = toString(c.status);
  r.action = policies::toString(c.decision.action);
  r.decisionRule = c.decision.rule;
  r.reasons = c.decision.reasons;
  r.title = c.title;
  r.prNumber = c.prNumber;
  r.headCommit = c.headCommit;
  r.detail = c.detail;
  return r;
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string indented(const std::string& text, const std::string& prefix) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += prefix + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

bool RunLocalResult::anyFailed() const {
  for (const auto& c : changes) {
    if (c.status == BranchStatus::Failed) return true;
  }
  return false;
}

const char* toString(BranchStatus s) {
  switch (s) {
    case BranchStatus::Created:
      return "created";
    case BranchStatus::Updated:
      return "updated";
    case BranchStatus::UpToDate:
      return "up to date";
    case BranchStatus::Blocked:
      return "blocked by a human commit";
    case BranchStatus::Skipped:
      return "skipped";
    case BranchStatus::WouldCreate:
      return "would create";
    case BranchStatus::WouldUpdate:
      return "would update";
    case BranchStatus::Failed:
      return "failed";
    case BranchStatus::HeldBack:
      return "held back";
  }
  return "?";
}

RunLocalResult runLocal(const RunLocalRequest& request) {
  RunLocalResult result;
  result.dryRun = request.dryRun;
  result.scan = runScan(request.scan);
  const ScanReport& scan = result.scan;
  const std::string repoKey = scan.repoPath.string();

  git::Repository repo = git::Repository::open(scan.repoPath);
  if (request.dryRun) keepObjectWritesInMemory(repo);
  const git::Oid baseTree = repo.treeOf(scan.commit);
  const std::string baseName = baseBranchName(repo, scan.ref, scan.commit);

  std::optional<StateStore> state;
  std::optional<forges::LocalForge> forge;
  std::optional<PullRequestReconciler> prs;
  if (!request.dryRun) {
    result.stateFile =
        request.stateFile ? *request.stateFile : StateStore::defaultPath(repo.gitDir());
    state.emplace(result.stateFile);
    forge.emplace(result.stateFile, repoKey);
    ReconcileLimits limits = limitsFromConfig(scan.repoConfig, request.limits);
    if (request.maxOpenOverride) limits.maxOpenPullRequests = *request.maxOpenOverride;
    if (request.maxNewPerHourOverride) limits.maxNewPerHour = *request.maxNewPerHourOverride;
    prs.emplace(*forge, limits,
                request.now ? request.now
                            : std::function<std::time_t()>([] { return std::time(nullptr); }));
    result.runId = state->beginRun(repoKey, scan.commit.hex());
  }

  // Writes one change's branch and PR (or predicts them on a dry run) into `out`;
  // records it. Throws when the change cannot be written.
  auto writeChange = [&](const analyzers::ProposedChange& change,
                         const policies::Decision& decision, ChangeOutcome& out) {
    out.changeId = change.id;
    out.branch = change.branch();
    out.title = change.title;
    out.decision = decision;
    out.body = renderPrBody(change, out.decision, scan.commit.hex());
    if (out.decision.action == policies::Action::Skip) {
      out.status = BranchStatus::Skipped;
      if (state) state->recordChange(result.runId, toRecord(out));
      return;
    }

    const git::Oid tree = git::buildTree(repo, baseTree, treeEdits(change));
    git::CommitRequest commit;
    commit.branch = out.branch;
    commit.base = scan.commit;
    commit.tree = tree;
    commit.message = commitMessage(change, out.decision);
    commit.changeId = change.id;
    commit.when = request.commitTime;
    commit.rebase = rebaseFor(scan.repoConfig, out.decision, false);
    if (request.dryRun) {
      const auto plan = git::predictBranch(repo, commit);
      out.status = plan.outcome == git::BranchOutcome::Created   ? BranchStatus::WouldCreate
                   : plan.outcome == git::BranchOutcome::Updated ? BranchStatus::WouldUpdate
                                                                 : fromGit(plan.outcome);
      out.detail = plan.detail;
      if (!plan.head.isZero()) out.headCommit = plan.head.hex();
      return;
    }
    if (auto reason = prs->holdBackReason(out.branch)) {
      out.status = BranchStatus::HeldBack;
      out.detail = *reason;
      state->recordChange(result.runId, toRecord(out));
      return;
    }
    const auto branch = git::commitToBranch(repo, commit);
    out.status = fromGit(branch.outcome);
    out.detail = branch.detail;
    out.headCommit = branch.head.hex();

    forges::PullRequestSpec spec;
    spec.repo = repoKey;
    spec.branch = out.branch;
    spec.base = baseName;
    spec.title = change.title;
    spec.body = out.body;
    spec.labels = labelsFor(change, out.decision);
    spec.draft = out.decision.action == policies::Action::Draft;
    spec.reviewers = out.decision.reviewers;
    const auto pr =
        prs->apply(spec, out.headCommit, out.status == BranchStatus::Blocked, out.detail);
    out.prNumber = pr.number;
    out.prOutcome = pr.outcome;
    state->recordChange(result.runId, toRecord(out));
  };

  try {
    for (size_t i = 0; i < scan.result.changes.size(); ++i) {
      const auto& change = scan.result.changes[i];
      ChangeOutcome out;
      try {
        writeChange(
            change,
            i < scan.decisions.size() ? scan.decisions[i] : policies::decideWithDefaults(change),
            out);
      } catch (const std::exception& e) {
        // One change that cannot be written (a checked-out branch, a hostile path in
        // an edit) must not hold back the others.
        out.status = BranchStatus::Failed;
        out.detail = e.what();
        if (state) state->recordChange(result.runId, toRecord(out));
      }
      result.changes.push_back(std::move(out));
    }
    if (prs) {
      std::set<std::string> live;
      for (const auto& c : scan.result.changes) live.insert(c.branch());
      for (const auto& c : result.changes) {
        if (c.status == BranchStatus::Skipped) live.erase(c.branch);
      }
      result.closed =
          prs->closeStale(live, std::set<std::string>(scan.analyzers.begin(), scan.analyzers.end()),
                          scan.commit.hex());
    }
    if (state) {
      state->finishRun(result.runId, scan.result.findings,
                       static_cast<int64_t>(scan.result.changes.size()));
    }
  } catch (const std::exception& e) {
    if (state) {
      try {
        state->failRun(result.runId, e.what());
      } catch (const std::exception&) {
        // The original error is the one to report.
      }
    }
    throw;
  }
  return result;
}

std::string renderRunLocal(const RunLocalResult& result) {
  const auto& scan = result.scan;
  std::string out;
  out += std::string(result.dryRun ? "dry run: " : "") + "ddd run on " + scan.repoPath.string() +
         " at " + scan.commit.shortHex() + " (" + scan.ref +
         "): " + plural(scan.result.findings.size(), "finding", "findings") + ", " +
         plural(scan.result.changes.size(), "proposed change", "proposed changes") + "\n";
  for (const auto& w : scan.result.warnings) out += "warning: " + w + "\n";

  std::map<BranchStatus, size_t> counts;
  for (const auto& c : result.changes) {
    ++counts[c.status];
    out += "\n" + c.branch + "\n";
    out += "  outcome:  " + std::string(toString(c.status));
    if (!c.headCommit.empty() && c.status != BranchStatus::Blocked) {
      out += " (" + c.headCommit.substr(0, 7) + ")";
    }
    out += "\n";
    if (c.status == BranchStatus::Blocked) {
      out +=
          "            " +
          (c.detail.empty() ? std::string("a commit not made by ddd is on the branch") : c.detail) +
          "; merge or delete the branch to let ddd update it\n";
    } else if (c.status == BranchStatus::Failed || c.status == BranchStatus::HeldBack) {
      out += "            " + c.detail + "\n";
    }
    out += policies::explainText(c.decision, "  ");
    if (c.prNumber) {
      out += "  PR:       #" + std::to_string(c.prNumber) + " " + c.prOutcome + "\n";
    } else if (result.dryRun && c.status != BranchStatus::Skipped &&
               c.status != BranchStatus::Failed) {
      out += "  PR:       would be created or updated\n";
    }
    const bool showBody =
        result.dryRun ? c.status != BranchStatus::Skipped && c.status != BranchStatus::Failed
                      : (c.prOutcome == "created" || c.prOutcome == "updated");
    if (showBody) {
      out += "  title:    " + c.title + "\n";
      out += indented(c.body, "  | ");
    }
  }

  for (const auto& c : result.closed) {
    out += "\n" + c.branch + "\n  PR:       #" + std::to_string(c.number) +
           " closed: the scan no longer proposes this change\n";
  }
  out += "\n";
  if (result.changes.empty() && result.closed.empty()) {
    out += "no proposed changes: nothing to do\n";
    return out;
  }
  const size_t upToDate = counts[BranchStatus::UpToDate];
  if (upToDate == result.changes.size() && result.closed.empty()) {
    out += upToDate == 1
               ? "the branch is up to date; nothing was written\n"
               : "all " + std::to_string(upToDate) + " branches up to date; nothing was written\n";
    return out;
  }
  std::string summary;
  auto add = [&](BranchStatus s, const char* what) {
    if (!counts[s]) return;
    summary += (summary.empty() ? "" : ", ") + plural(counts[s], "branch", "branches") + " " + what;
  };
  add(BranchStatus::Created, "created");
  add(BranchStatus::Updated, "updated");
  add(BranchStatus::UpToDate, "up to date");
  add(BranchStatus::Blocked, "blocked by human commits");
  add(BranchStatus::Skipped, "skipped");
  add(BranchStatus::WouldCreate, "would be created");
  add(BranchStatus::WouldUpdate, "would be updated");
  add(BranchStatus::Failed, "failed (see above; the run exits 3)");
  add(BranchStatus::HeldBack, "held back by the pull-request caps");
  if (!result.closed.empty()) {
    summary += (summary.empty() ? "" : ", ") +
               plural(result.closed.size(), "stale pull request", "stale pull requests") +
               " closed";
  }
  out += summary + (result.dryRun ? " (dry run: nothing was written)" : "") + "\n";
  return out;
}

}  // namespace ddd::bot
