// Fetching into a bare cache and pushing ddd's branches, against bare repositories on
// disk (the same libgit2 transport code as HTTPS, minus the network).
#include "git/remote.h"

#include <gtest/gtest.h>

#include "git/branch.h"
#include "git/error.h"
#include "git/tree_edit.h"
#include "tests/support/test_repo.h"

namespace ddd::git {
namespace {

using ddd::testing::TempDir;
using ddd::testing::TestRepo;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct Remote {
  TempDir dir;
  std::string url() const { return (dir.path() / "remote.git").string(); }
  Remote() { ddd::testing::runCommand("git init -q --bare " + url()); }
  std::string tip(const std::string& branch) const {
    return trimmed(
        ddd::testing::runCommand("git -C " + url() + " rev-parse refs/heads/" + branch + " 2>&1")
            .output);
  }
};

Oid dddCommit(const Repository& repo, const Oid& base, const std::string& content) {
  CommitRequest req;
  req.branch = "ddd/deps/x";
  req.base = base;
  req.tree = buildTree(repo, repo.treeOf(base), {{"a.txt", content, 0}});
  req.message = "Update x";
  req.changeId = "deps/x";
  req.when = 1700000000;
  return commitToBranch(repo, req).head;
}

TEST(Remote, PushesDddBranchesAndOnlyThose) {
  TestRepo local;
  auto base = local.commit({{"a.txt", "1\n"}});
  Remote remote;
  const Oid head = dddCommit(local.repo(), base, "2\n");
  auto r = pushBranches(local.repo(), remote.url(), {"ddd/deps/x"}, {}, false);
  EXPECT_EQ(r.updated, std::vector<std::string>{"refs/heads/ddd/deps/x"});
  EXPECT_TRUE(r.rejected.empty());
  EXPECT_EQ(remote.tip("ddd/deps/x"), head.hex());
  EXPECT_THROW(pushBranches(local.repo(), remote.url(), {"main"}, {}, false), GitError);
  EXPECT_THROW(pushBranches(local.repo(), remote.url(), {"ddd/../main"}, {}, false), GitError);
}

TEST(Remote, ARebuiltBranchNeedsForce) {
  TestRepo local;
  auto base = local.commit({{"a.txt", "1\n"}});
  Remote remote;
  dddCommit(local.repo(), base, "2\n");
  pushBranches(local.repo(), remote.url(), {"ddd/deps/x"}, {}, false);
  // The base moved on: ddd rebuilds its branch on the new base (not a fast-forward).
  auto base2 = local.commit({{"b.txt", "new\n"}}, "more");
  const Oid rebuilt = dddCommit(local.repo(), base2, "3\n");
  try {
    auto r = pushBranches(local.repo(), remote.url(), {"ddd/deps/x"}, {}, false);
    EXPECT_FALSE(r.rejected.empty());
  } catch (const GitError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot push to"), std::string::npos) << e.what();
  }
  EXPECT_NE(remote.tip("ddd/deps/x"), rebuilt.hex());
  auto forced = pushBranches(local.repo(), remote.url(), {"ddd/deps/x"}, {}, true);
  EXPECT_TRUE(forced.rejected.empty());
  EXPECT_EQ(remote.tip("ddd/deps/x"), rebuilt.hex());
}

TEST(Remote, FetchesIntoABareCacheAgainAndAgain) {
  TestRepo upstream;
  auto c1 = upstream.commit({{"a.txt", "1\n"}});
  TempDir cacheDir;
  const auto cache = cacheDir.path() / "cache.git";
  auto repo = fetchIntoCache(upstream.path().string(), cache, {});
  EXPECT_TRUE(repo.isBare());
  EXPECT_EQ(repo.resolveCommit("refs/remotes/origin/main"), c1);
  auto c2 = upstream.commit({{"a.txt", "2\n"}}, "second");
  auto again = fetchIntoCache(upstream.path().string(), cache, {});
  EXPECT_EQ(again.resolveCommit("refs/remotes/origin/main"), c2);
  try {
    fetchIntoCache("https://user:SECRET@127.0.0.1:1/none.git", cacheDir.path() / "x.git",
                   {"x", "TOKEN"});
    FAIL();
  } catch (const GitError& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("TOKEN"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ddd::git
