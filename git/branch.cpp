#include "git/branch.h"

#include <git2.h>

#include <cctype>
#include <map>
#include <utility>
#include <string_view>

#include "git/error.h"
#include "git/handles.h"

namespace ddd::git {

namespace {

constexpr std::string_view kBranchPrefix = "ddd/";
constexpr std::string_view kTrailer = "Ddd-Change-Id:";

bool hasChangeIdTrailer(const char* message) {
  std::string_view text = message ? message : "";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (text.substr(start, end - start).starts_with(kTrailer)) return true;
    start = end + 1;
  }
  return false;
}

bool madeByBot(const git_commit* commit, const Identity& bot) {
  const git_signature* author = git_commit_author(commit);
  const git_signature* committer = git_commit_committer(commit);
  return author && committer && bot.email == author->email && bot.email == committer->email &&
         hasChangeIdTrailer(git_commit_message(commit));
}

std::string summaryOf(const git_commit* commit) {
  const char* summary = git_commit_summary(const_cast<git_commit*>(commit));
  return summary ? summary : "";
}

std::string messageWithTrailer(const CommitRequest& req) {
  std::string changeId = req.changeId.empty() ? req.branch.substr(kBranchPrefix.size()) : req.changeId;
  if (changeId.find_first_of("\r\n") != std::string::npos) {
    throw GitError("change id for branch " + req.branch + " contains a line break");
  }
  std::string message = req.message;
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  if (message.empty()) message = "ddd: " + changeId;
  message += "\n\n";
  message += kTrailer;
  message += ' ';
  message += changeId;
  message += '\n';
  return message;
}

void checkBranchName(const std::string& branch) {
  if (!std::string_view(branch).starts_with(kBranchPrefix) || branch.size() == kBranchPrefix.size()) {
    throw GitError("refusing to write branch '" + branch +
                   "': ddd only creates or moves branches under ddd/");
  }
  int valid = 0;
  check(git_reference_name_is_valid(&valid, ("refs/heads/" + branch).c_str()),
        "checking branch name " + branch);
  if (!valid) {
    throw GitError("invalid branch name '" + branch +
                   "' (see git check-ref-format; no spaces, '..', '~', '^', ':' or '.lock')");
  }
}

detail::CommitHandle lookupCommit(const Repository& repo, const Oid& id, const std::string& what) {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo.raw(), id.raw()),
        "cannot read " + what + " " + id.hex() + " in " + repo.path().string());
  return detail::CommitHandle(raw);
}

// The first commit on `tip` but not in `req.base` that the bot did not make, described
// for people ("commit 1a2b3c4 by Ann <ann@x> ("Fix") is on ddd/x and not from ddd; ..."),
// or empty when every such commit is the bot's.
using DiffHandle = detail::Handle<git_diff, git_diff_free>;

// The change from tree `from` to tree `to`: each touched path with its new blob and mode
// (a deletion has a zero id).
std::map<std::string, std::pair<Oid, uint32_t>> changeBetween(const Repository& repo,
                                                              const Oid& from, const Oid& to) {
  git_tree* rawFrom = nullptr;
  git_tree* rawTo = nullptr;
  check(git_tree_lookup(&rawFrom, repo.raw(), from.raw()), "cannot read a tree");
  detail::TreeHandle fromTree(rawFrom);
  check(git_tree_lookup(&rawTo, repo.raw(), to.raw()), "cannot read a tree");
  detail::TreeHandle toTree(rawTo);
  git_diff* rawDiff = nullptr;
  check(git_diff_tree_to_tree(&rawDiff, repo.raw(), fromTree.get(), toTree.get(), nullptr),
        "cannot compare two trees");
  DiffHandle diff(rawDiff);
  std::map<std::string, std::pair<Oid, uint32_t>> out;
  for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    const char* path = d->new_file.path ? d->new_file.path : d->old_file.path;
    out[path] = {Oid(d->new_file.id), static_cast<uint32_t>(d->new_file.mode)};
    if (d->old_file.path && d->new_file.path && std::string_view(d->old_file.path) != path) {
      out[d->old_file.path] = {Oid(), 0};  // a rename also removes the old path
    }
  }
  return out;
}

// With Rebase::Conflicted: the bot commit `tip` (parent `oldBase`) makes the same change
// the request makes on `req.base`, and `oldBase` is an ancestor of `req.base`.
bool sameChangeOnOlderBase(const Repository& repo, const CommitRequest& req, git_commit* tip) {
  if (req.rebase != CommitRequest::Rebase::Conflicted || git_commit_parentcount(tip) != 1) {
    return false;
  }
  const Oid oldBase(*git_commit_parent_id(tip, 0));
  if (git_graph_descendant_of(repo.raw(), req.base.raw(), oldBase.raw()) != 1) {
    git_error_clear();
    return false;
  }
  git_commit* rawOld = nullptr;
  check(git_commit_lookup(&rawOld, repo.raw(), oldBase.raw()), "cannot read a branch's base");
  detail::CommitHandle oldBaseCommit(rawOld);
  git_commit* rawNew = nullptr;
  check(git_commit_lookup(&rawNew, repo.raw(), req.base.raw()), "cannot read the base");
  detail::CommitHandle newBaseCommit(rawNew);
  return changeBetween(repo, Oid(*git_commit_tree_id(oldBaseCommit.get())),
                       Oid(*git_commit_tree_id(tip))) ==
         changeBetween(repo, Oid(*git_commit_tree_id(newBaseCommit.get())), req.tree);
}

std::string firstHumanCommit(const Repository& repo, const CommitRequest& req, const Oid& tip) {
  const std::string where = repo.path().string();
  git_revwalk* rawWalk = nullptr;
  check(git_revwalk_new(&rawWalk, repo.raw()), "cannot walk history in " + where);
  detail::RevwalkHandle walk(rawWalk);
  check(git_revwalk_push(walk.get(), tip.raw()),
        "cannot walk branch " + req.branch + " in " + where);
  if (!req.base.isZero()) {
    check(git_revwalk_hide(walk.get(), req.base.raw()),
          "cannot walk from base " + req.base.hex() + " in " + where);
  }
  git_oid next;
  int rc = 0;
  while ((rc = git_revwalk_next(&next, walk.get())) == 0) {
    detail::CommitHandle commit = lookupCommit(repo, Oid(next), "commit");
    if (madeByBot(commit.get(), req.identity)) continue;
    const git_signature* author = git_commit_author(commit.get());
    return "commit " + Oid(next).shortHex() + " by " +
           (author ? std::string(author->name) + " <" + author->email + ">"
                   : std::string("an unknown author")) +
           " (\"" + summaryOf(commit.get()) + "\") is on " + req.branch +
           " and not from ddd; the branch is left alone";
  }
  if (rc != GIT_ITEROVER) check(rc, "cannot walk branch " + req.branch + " in " + where);
  git_error_clear();
  return {};
}

// True when HEAD is a symbolic ref to `refName` (the branch is checked out).
bool checkedOut(const Repository& repo, const std::string& refName) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo.raw(), "HEAD") != 0) return false;
  detail::ReferenceHandle head(raw);
  const char* target = git_reference_symbolic_target(head.get());
  return target && refName == target;
}

}  // namespace

const char* toString(BranchOutcome o) {
  switch (o) {
    case BranchOutcome::Created:
      return "created";
    case BranchOutcome::Updated:
      return "updated";
    case BranchOutcome::UpToDate:
      return "up to date";
    case BranchOutcome::HumanCommits:
      return "has human commits";
  }
  return "unknown";
}

Oid createCommit(const Repository& repo, const Oid& base, const Oid& tree,
                 const std::string& message, const Identity& who, std::time_t when) {
  const std::string where = repo.path().string();
  git_signature* rawSig = nullptr;
  if (when != 0) {
    check(git_signature_new(&rawSig, who.name.c_str(), who.email.c_str(), when, 0),
          "invalid commit identity '" + who.name + " <" + who.email + ">'");
  } else {
    check(git_signature_now(&rawSig, who.name.c_str(), who.email.c_str()),
          "invalid commit identity '" + who.name + " <" + who.email + ">'");
  }
  detail::SignatureHandle signature(rawSig);

  git_tree* rawTree = nullptr;
  check(git_tree_lookup(&rawTree, repo.raw(), tree.raw()),
        "cannot read tree " + tree.hex() + " in " + where);
  detail::TreeHandle treeHandle(rawTree);

  detail::CommitHandle parent;
  if (!base.isZero()) parent = lookupCommit(repo, base, "base commit");
  const git_commit* parents[] = {parent.get()};

  git_oid out;
  check(git_commit_create(&out, repo.raw(), nullptr, signature.get(), signature.get(), "UTF-8",
                          message.c_str(), treeHandle.get(), parent ? 1 : 0, parents),
        "cannot create a commit of tree " + tree.hex() + " in " + where);
  return Oid(out);
}

BranchResult predictBranch(const Repository& repo, const CommitRequest& req) {
  checkBranchName(req.branch);
  messageWithTrailer(req);  // throws for a change id commitToBranch would refuse
  const std::string where = repo.path().string();
  const std::string refName = "refs/heads/" + req.branch;

  git_reference* rawRef = nullptr;
  int rc = git_reference_lookup(&rawRef, repo.raw(), refName.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return {BranchOutcome::Created, Oid(), {}};
  }
  check(rc, "cannot read branch " + req.branch + " in " + where);
  detail::ReferenceHandle ref(rawRef);
  if (git_reference_type(ref.get()) != GIT_REFERENCE_DIRECT) {
    throw GitError("branch " + req.branch + " in " + where +
                   " is a symbolic ref; ddd only moves plain branches (delete it to let ddd "
                   "recreate it)");
  }
  const Oid tip(*git_reference_target(ref.get()));
  std::string human = firstHumanCommit(repo, req, tip);
  if (!human.empty()) return {BranchOutcome::HumanCommits, tip, std::move(human)};

  detail::CommitHandle tipCommit = lookupCommit(repo, tip, "branch tip");
  if (git_commit_parentcount(tipCommit.get()) == 1 &&
      Oid(*git_commit_parent_id(tipCommit.get(), 0)) == req.base &&
      Oid(*git_commit_tree_id(tipCommit.get())) == req.tree) {
    return {BranchOutcome::UpToDate, tip, {}};
  }
  if (sameChangeOnOlderBase(repo, req, tipCommit.get())) return {BranchOutcome::UpToDate, tip, {}};
  if (checkedOut(repo, refName)) {
    throw GitError("branch " + req.branch + " is checked out in " + where +
                   "; ddd never moves a checked-out branch (check out another branch and run "
                   "again)");
  }
  return {BranchOutcome::Updated, tip, {}};
}

BranchResult commitToBranch(const Repository& repo, const CommitRequest& req) {
  const BranchResult plan = predictBranch(repo, req);
  if (plan.outcome == BranchOutcome::HumanCommits || plan.outcome == BranchOutcome::UpToDate) {
    return plan;
  }
  const std::string where = repo.path().string();
  const std::string refName = "refs/heads/" + req.branch;
  const Oid commit =
      createCommit(repo, req.base, req.tree, messageWithTrailer(req), req.identity, req.when);
  git_reference* written = nullptr;
  int rc = 0;
  if (plan.outcome == BranchOutcome::Created) {
    rc = git_reference_create(&written, repo.raw(), refName.c_str(), commit.raw(), 0,
                              ("ddd: create " + req.branch).c_str());
    detail::ReferenceHandle owned(written);
    if (rc == GIT_EEXISTS) {
      throw GitError("branch " + req.branch + " in " + where +
                     " appeared while ddd was creating it; run again");
    }
    check(rc, "cannot create branch " + req.branch + " in " + where);
    return {BranchOutcome::Created, commit, {}};
  }
  rc = git_reference_create_matching(&written, repo.raw(), refName.c_str(), commit.raw(), 1,
                                     plan.head.raw(), ("ddd: update " + req.branch).c_str());
  detail::ReferenceHandle owned(written);
  if (rc == GIT_EMODIFIED) {
    throw GitError("branch " + req.branch + " in " + where +
                   " moved while ddd was updating it; nothing was changed, run again");
  }
  check(rc, "cannot move branch " + req.branch + " in " + where);
  return {BranchOutcome::Updated, commit, {}};
}

}  // namespace ddd::git
