#include "git/error.h"

#include <git2/errors.h>

namespace ddd::git {

int check(int rc, const std::string& context) {
  if (rc >= 0) return rc;
  const git_error* e = git_error_last();
  std::string message = context;
  message += ": ";
  message += (e && e->message) ? e->message : "unknown libgit2 error (code " + std::to_string(rc) + ")";
  throw GitError(message);
}

}  // namespace ddd::git
