#include "git/remote.h"

#include <git2.h>

#include <filesystem>

#include "git/error.h"

namespace ddd::git {
namespace {

struct RemoteFree {
  void operator()(git_remote* r) const { git_remote_free(r); }
};

std::string redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  const size_t slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + "***" + url.substr(at);
}

int credentials(git_credential** out, const char*, const char*, unsigned int allowed,
                void* payload) {
  const auto* auth = static_cast<const RemoteAuth*>(payload);
  if (!auth || auth->token.empty() || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT))
    return GIT_PASSTHROUGH;
  return git_credential_userpass_plaintext_new(out, auth->username.c_str(), auth->token.c_str());
}

struct PushState {
  PushResult* result;
};

int pushUpdate(const char* ref, const char* status, void* payload) {
  auto* st = static_cast<PushState*>(payload);
  if (status) {
    st->result->rejected.emplace_back(ref, status);
  } else {
    st->result->updated.emplace_back(ref);
  }
  return 0;
}

}  // namespace

Repository fetchIntoCache(const std::string& url, const std::filesystem::path& cache,
                          const RemoteAuth& auth) {
  ensureLibgit2();
  std::error_code ec;
  Repository repo = std::filesystem::exists(cache / "HEAD", ec) ? Repository::open(cache)
                                                                : Repository::init(cache, true);
  git_remote* raw = nullptr;
  check(git_remote_create_anonymous(&raw, repo.raw(), url.c_str()),
        "cannot use the remote " + redacted(url));
  std::unique_ptr<git_remote, RemoteFree> remote(raw);
  git_fetch_options opts;
  git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
  opts.callbacks.credentials = credentials;
  opts.callbacks.payload = const_cast<RemoteAuth*>(&auth);
  opts.prune = GIT_FETCH_PRUNE;
  const char* refspec = "+refs/heads/*:refs/remotes/origin/*";
  git_strarray specs{const_cast<char**>(&refspec), 1};
  check(git_remote_fetch(remote.get(), &specs, &opts, "ddd: fetch"),
        "cannot fetch " + redacted(url) +
            " (check the URL and that the token may read the repository)");
  return repo;
}

PushResult pushBranches(const Repository& repo, const std::string& url,
                        const std::vector<std::string>& branches, const RemoteAuth& auth,
                        bool force) {
  ensureLibgit2();
  std::vector<std::string> specs;
  for (const auto& b : branches) {
    if (b.rfind("ddd/", 0) != 0 || b.find("..") != std::string::npos) {
      throw GitError("ddd pushes only its own branches (ddd/...), not \"" + b + "\"");
    }
    specs.push_back(std::string(force ? "+" : "") + "refs/heads/" + b + ":refs/heads/" + b);
  }
  PushResult result;
  if (specs.empty()) return result;
  git_remote* raw = nullptr;
  check(git_remote_create_anonymous(&raw, repo.raw(), url.c_str()),
        "cannot use the remote " + redacted(url));
  std::unique_ptr<git_remote, RemoteFree> remote(raw);
  std::vector<char*> ptrs;
  for (auto& s : specs) ptrs.push_back(s.data());
  git_strarray refspecs{ptrs.data(), ptrs.size()};
  git_push_options opts;
  git_push_options_init(&opts, GIT_PUSH_OPTIONS_VERSION);
  // One payload for both callbacks: the credentials and where results go.
  struct Both {
    const RemoteAuth* auth;
    PushState state;
  } both{&auth, PushState{&result}};
  opts.callbacks.payload = &both;
  opts.callbacks.credentials = [](git_credential** out, const char* u, const char* user,
                                  unsigned int allowed, void* payload) {
    return credentials(out, u, user, allowed,
                       const_cast<RemoteAuth*>(static_cast<Both*>(payload)->auth));
  };
  opts.callbacks.push_update_reference = [](const char* ref, const char* status, void* payload) {
    return pushUpdate(ref, status, &static_cast<Both*>(payload)->state);
  };
  check(git_remote_push(remote.get(), &refspecs, &opts), "cannot push to " + redacted(url));
  return result;
}

}  // namespace ddd::git
