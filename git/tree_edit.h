#pragma once
// Building a new tree from a base tree plus edits, in memory (git_tree_create_updated):
// no work tree, no index, no checkout involved.

#include <optional>
#include <string>
#include <vector>

#include "git/oid.h"
#include "git/repository.h"

namespace ddd::git {

struct TreeEdit {
  std::string path;                    // repository-relative
  std::optional<std::string> content;  // new content; nullopt removes the file
  uint32_t mode = 0100644;             // for added/modified files; existing mode kept when 0
};

// Writes the blobs and returns the id of the new tree. Paths may be nested; missing
// directories are created. Throws GitError naming the path on failure (e.g. a path
// that escapes the tree, or a directory where a file is expected).
Oid buildTree(const Repository& repo, const Oid& baseTree, const std::vector<TreeEdit>& edits);

}  // namespace ddd::git
