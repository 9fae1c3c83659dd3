#pragma once
// Errors of the git layer. Every libgit2 failure becomes a GitError whose message
// names what was being done and to what (path, ref, object), followed by libgit2's
// own description. The git layer reports errors by exception, never by return code.

#include <stdexcept>
#include <string>

namespace ddd::git {

class GitError : public std::runtime_error {
 public:
  explicit GitError(const std::string& what) : std::runtime_error(what) {}
};

// Throws GitError("<context>: <libgit2 last error>") when rc < 0; returns rc otherwise.
int check(int rc, const std::string& context);

}  // namespace ddd::git
