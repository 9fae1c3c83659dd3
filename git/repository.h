#pragma once
// Repository: an open libgit2 repository (RAII). Not thread-safe: each thread that
// reads objects concurrently opens its own Repository on the same path (opening is
// cheap; libgit2 shares nothing mutable between handles).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "git/oid.h"

struct git_repository;

namespace ddd::git {

// Initialises libgit2 once per process (git_libgit2_init); safe to call repeatedly.
void ensureLibgit2();

class Repository {
 public:
  // Opens the repository at `path` (a work tree, a .git dir, or a bare repo). Does not
  // search parent directories. Throws GitError "not a git repository: PATH" otherwise.
  static Repository open(const std::filesystem::path& path);
  // Creates a new repository (for tests and tools). Throws GitError.
  static Repository init(const std::filesystem::path& path, bool bare = false);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  git_repository* raw() const { return repo_.get(); }
  // The .git directory (or the repository itself when bare).
  std::filesystem::path gitDir() const;
  // The directory the repository was opened from (work tree or bare dir).
  const std::filesystem::path& path() const { return path_; }
  bool isBare() const;
  // True when HEAD points at a branch that has no commit yet (a fresh repository).
  bool headUnborn() const;

  // Resolves `spec` (HEAD, a branch, a tag, a full or abbreviated id, anything
  // git rev-parse accepts) to a commit. Throws GitError naming `spec`:
  // "unborn HEAD", "unknown ref", "not a commit".
  Oid resolveCommit(const std::string& spec) const;
  // The tree of `commit`.
  Oid treeOf(const Oid& commit) const;
  // Commit id a local branch (short name, e.g. "ddd/foo") points at, if it exists.
  std::optional<Oid> branchTip(const std::string& shortName) const;

 private:
  struct Deleter {
    void operator()(git_repository* r) const;
  };
  Repository(git_repository* r, std::filesystem::path path);
  std::unique_ptr<git_repository, Deleter> repo_;
  std::filesystem::path path_;
};

}  // namespace ddd::git
