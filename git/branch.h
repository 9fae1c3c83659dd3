#pragma once
// Committing and moving bot branches safely. Only branches under `ddd/` are ever
// created or moved, and a branch is moved only when every commit on it that is not
// in the base was made by the bot: a human's commit is never discarded.

#include <ctime>
#include <string>

#include "git/oid.h"
#include "git/repository.h"

namespace ddd::git {

struct Identity {
  std::string name = "ddd-bot";
  std::string email = "ddd-bot@users.noreply.localhost";
};

struct CommitRequest {
  std::string branch;   // full short name, must start with "ddd/"
  Oid base;             // the commit the change was computed on (parent of the new commit)
  Oid tree;             // the tree the branch should hold
  std::string message;  // commit message; a "Ddd-Change-Id: <id>" trailer is appended
  std::string changeId;
  Identity identity;
  // Commit time; 0 = now. Tests pin it to get identical commits.
  std::time_t when = 0;
  // When the base moved on since the branch's bot commit was made: `BehindBase` rebuilds
  // the branch on the new base; `Conflicted` keeps it while it makes exactly the same
  // change (the same paths to the same contents) and its old base is an ancestor of the
  // new one, so a merge is clean and no check reruns for nothing.
  enum class Rebase { BehindBase, Conflicted } rebase = Rebase::BehindBase;
};

enum class BranchOutcome {
  Created,       // the branch did not exist
  Updated,       // the branch moved to a new bot commit
  UpToDate,      // the branch already holds this tree on this base (or, with
                 // Rebase::Conflicted, the same change on an older base): nothing written
  HumanCommits,  // a non-bot commit is on the branch: left alone, reported
};
const char* toString(BranchOutcome o);

struct BranchResult {
  BranchOutcome outcome;
  Oid head;            // the branch tip after the call
  std::string detail;  // for HumanCommits: who and which commit
};

// Creates or moves `req.branch` to a commit of `req.tree` on top of `req.base`.
// Never touches the work tree, the index or HEAD. Throws GitError when the branch
// name is outside ddd/, the branch is a symbolic ref, the branch would have to move
// while it is checked out, or a git operation fails; nothing is half-written (the ref
// is updated last, in one step, and only if it still points where it was read).
BranchResult commitToBranch(const Repository& repo, const CommitRequest& req);

// What commitToBranch(repo, req) would do, decided by the same checks, without
// writing anything (no object, no ref): `outcome` is the one it would return (Created
// and Updated mean "would create", "would update"), `head` the branch's current tip
// (zero when it does not exist), `detail` as commitToBranch's. `req.tree` need not be
// in the object database. Throws the GitErrors commitToBranch throws before writing.
BranchResult predictBranch(const Repository& repo, const CommitRequest& req);

// A commit of `tree` with parent `base`, not referenced by any branch.
Oid createCommit(const Repository& repo, const Oid& base, const Oid& tree,
                 const std::string& message, const Identity& who, std::time_t when);

}  // namespace ddd::git
