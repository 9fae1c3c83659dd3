#pragma once
// Talking to remotes: fetch a repository into a local bare cache (the worker's copy) and
// push ddd's branches back, over HTTPS with a token (GitHub installation tokens,
// GitLab access tokens) or to a path on disk (tests). The token is handed to libgit2 by
// a credentials callback — never put in the URL, never in an error message. A push is
// refused unless every ref it updates is under refs/heads/ddd/; a rejected ref (the
// remote moved on, a protected branch) is reported by name. Not thread-safe per
// repository.

#include <string>
#include <vector>

#include "git/error.h"
#include "git/oid.h"
#include "git/repository.h"

namespace ddd::git {

struct RemoteAuth {
  std::string username = "x-access-token";  // GitHub's convention; GitLab takes "oauth2"
  std::string token;                        // empty: no credentials offered
};

// Fetches every branch of `url` into refs/remotes/origin/* of the bare repository at
// `cache` (created when missing) and returns it opened. Throws GitError naming the URL
// (secrets redacted) and what failed.
Repository fetchIntoCache(const std::string& url, const std::filesystem::path& cache,
                          const RemoteAuth& auth);

struct PushResult {
  std::vector<std::string> updated;                           // refs the remote accepted
  std::vector<std::pair<std::string, std::string>> rejected;  // ref, the remote's reason
};

// Pushes local branches (short names, all under ddd/) to the same names on `url`.
// `force` lets a branch move to a commit that does not contain the remote's tip (ddd
// rebuilds its branches on a new base; the caller checks for human commits first).
PushResult pushBranches(const Repository& repo, const std::string& url,
                        const std::vector<std::string>& branches, const RemoteAuth& auth,
                        bool force);

}  // namespace ddd::git
