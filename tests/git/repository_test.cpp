#include "git/repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <git2.h>

#include "git/error.h"
#include "git/handles.h"
#include "tests/support/test_repo.h"

namespace ddd::git {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestRepo;

template <typename Fn>
std::string errorOf(Fn&& fn) {
  try {
    fn();
  } catch (const GitError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Repository, OpensWorkTreeAndBareRepo) {
  TestRepo work;
  Oid first = work.commit({{"README.md", "hello\n"}});

  Repository opened = Repository::open(work.path());
  EXPECT_FALSE(opened.isBare());
  EXPECT_EQ(opened.resolveCommit("HEAD"), first);
  EXPECT_EQ(opened.gitDir(), work.path() / ".git/");
  EXPECT_EQ(Repository::open(work.path() / ".git").resolveCommit("main"), first);

  TempDir bareDir;
  auto clone = testing::runCommand("git clone -q --bare " + work.path().string() + " " +
                                   (bareDir.path() / "bare.git").string());
  ASSERT_EQ(clone.exitCode, 0) << clone.output;
  Repository bare = Repository::open(bareDir.path() / "bare.git");
  EXPECT_TRUE(bare.isBare());
  EXPECT_EQ(bare.resolveCommit("HEAD"), first);
  EXPECT_EQ(bare.treeOf(first), opened.treeOf(first));
}

TEST(Repository, RejectsNonRepository) {
  TempDir plain;
  EXPECT_THAT(errorOf([&] { Repository::open(plain.path()); }),
              HasSubstr("not a git repository: " + plain.path().string()));
  EXPECT_THAT(errorOf([&] { Repository::open(plain.path() / "missing"); }),
              HasSubstr("not a git repository"));
}

TEST(Repository, DoesNotSearchParentDirectories) {
  TestRepo work;
  work.commit({{"src/main.c", "int main;\n"}});
  EXPECT_THAT(errorOf([&] { Repository::open(work.path() / "src"); }),
              HasSubstr("not a git repository: " + (work.path() / "src").string()));
}

TEST(Repository, ReportsUnbornHead) {
  TestRepo empty;
  EXPECT_TRUE(empty.repo().headUnborn());
  EXPECT_THAT(errorOf([&] { empty.repo().resolveCommit("HEAD"); }),
              HasSubstr("unborn HEAD: repository " + empty.path().string() + " has no commits yet"));
  EXPECT_THAT(errorOf([&] { empty.repo().resolveCommit("main"); }), HasSubstr("unborn HEAD"));
  EXPECT_FALSE(empty.repo().branchTip("main").has_value());
}

TEST(Repository, RejectsUnknownRef) {
  TestRepo work;
  work.commit({{"a.txt", "a\n"}});
  EXPECT_THAT(errorOf([&] { work.repo().resolveCommit("no-such-branch"); }),
              HasSubstr("unknown ref 'no-such-branch' in " + work.path().string()));
  EXPECT_THAT(errorOf([&] { work.repo().resolveCommit("0123456789abcdef0123456789abcdef01234567"); }),
              HasSubstr("unknown ref"));
}

TEST(Repository, RejectsRefsThatAreNotCommits) {
  TestRepo work;
  Oid commit = work.commit({{"a.txt", "a\n"}});
  const std::string treeHex = work.repo().treeOf(commit).hex();
  EXPECT_THAT(errorOf([&] { work.repo().resolveCommit(treeHex); }),
              HasSubstr("'" + treeHex + "' is not a commit"));
  EXPECT_THAT(errorOf([&] { work.repo().resolveCommit("HEAD:a.txt"); }),
              HasSubstr("'HEAD:a.txt' is not a commit"));
}

TEST(Repository, ResolvesTagsAndShortIds) {
  TestRepo work;
  Oid first = work.commit({{"a.txt", "1\n"}});
  Oid second = work.commit({{"a.txt", "2\n"}});
  auto tag = testing::runCommand("cd " + work.path().string() +
                                 " && git -c user.name=T -c user.email=t@example.com tag -a v1 -m v1 " +
                                 first.hex() + " && git tag light " + second.hex());
  ASSERT_EQ(tag.exitCode, 0) << tag.output;

  Repository repo = Repository::open(work.path());
  EXPECT_EQ(repo.resolveCommit("v1"), first);  // annotated tag peeled to its commit
  EXPECT_EQ(repo.resolveCommit("light"), second);
  EXPECT_EQ(repo.resolveCommit(first.shortHex(10)), first);
  EXPECT_EQ(repo.resolveCommit("HEAD~1"), first);
  EXPECT_EQ(repo.resolveCommit(second.hex()), second);
  EXPECT_EQ(repo.branchTip("main"), second);
  EXPECT_FALSE(repo.branchTip("ddd/none").has_value());
}

TEST(Oid, ParsesAndPrintsHex) {
  Oid zero;
  EXPECT_TRUE(zero.isZero());
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  Oid parsed = Oid::fromHex(hex);
  EXPECT_EQ(parsed.hex(), hex);
  EXPECT_EQ(parsed.shortHex(), "0123456");
  EXPECT_FALSE(parsed.isZero());
  EXPECT_EQ(Oid::fromHex("0123456789ABCDEF0123456789ABCDEF01234567"), parsed);
  EXPECT_THAT(errorOf([] { Oid::fromHex("xyz"); }), HasSubstr("not an object id: 'xyz'"));
  EXPECT_THAT(errorOf([] { Oid::fromHex(std::string(40, 'g')); }), HasSubstr("not an object id"));
}

TEST(GitError, CheckNamesTheContext) {
  ensureLibgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open(&raw, "/nonexistent/ddd/path");
  EXPECT_THAT(errorOf([&] { check(rc, "opening /nonexistent/ddd/path"); }),
              HasSubstr("opening /nonexistent/ddd/path: "));
  EXPECT_EQ(check(3, "positive codes pass through"), 3);
}

}  // namespace
}  // namespace ddd::git
