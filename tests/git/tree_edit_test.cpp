#include "git/tree_edit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "git/branch.h"
#include "git/error.h"
#include "git/tree_walk.h"
#include "tests/support/test_repo.h"

namespace ddd::git {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::readFile;
using testing::TestRepo;

std::map<std::string, std::string> contentsOf(const Repository& repo, const Oid& tree) {
  ScanCounters counters;
  BlobReader reader(repo.path());
  std::map<std::string, std::string> out;
  for (const auto& f : listFiles(repo, tree, counters)) out[f.path] = reader.readAll(f.blob);
  return out;
}

TEST(TreeEdit, BuildsNestedTreeInMemoryWithoutTouchingWorkTreeOrIndex) {
  TestRepo work;
  Oid head = work.commit({{"src/main.py", "print(1)\n"}, {"README.md", "hello\n"}});
  const std::string indexBefore = readFile(work.path() / ".git/index");
  const std::string headRefBefore = readFile(work.path() / ".git/HEAD");

  Oid tree = buildTree(work.repo(), work.repo().treeOf(head),
                       {{"src/main.py", "print(2)\n"}, {"a/b/c/new.txt", "new\n"}});
  Oid commit = createCommit(work.repo(), head, tree, "edit", Identity{}, 0);

  EXPECT_EQ(contentsOf(work.repo(), tree),
            (std::map<std::string, std::string>{{"README.md", "hello\n"},
                                                {"a/b/c/new.txt", "new\n"},
                                                {"src/main.py", "print(2)\n"}}));
  EXPECT_EQ(work.repo().treeOf(commit), tree);
  // Work tree, index and HEAD are exactly as before.
  EXPECT_EQ(readFile(work.path() / "src/main.py"), "print(1)\n");
  EXPECT_FALSE(fs::exists(work.path() / "a"));
  EXPECT_EQ(readFile(work.path() / ".git/index"), indexBefore);
  EXPECT_EQ(readFile(work.path() / ".git/HEAD"), headRefBefore);
  EXPECT_EQ(work.repo().resolveCommit("HEAD"), head);
  auto status = testing::runCommand("git -C " + work.path().string() + " status --porcelain");
  EXPECT_EQ(status.exitCode, 0);
  EXPECT_EQ(status.output, "");
}

TEST(TreeEdit, RemovesFiles) {
  TestRepo work;
  Oid head = work.commit({{"keep.txt", "k\n"}, {"old/gone.txt", "g\n"}});
  Oid tree = buildTree(work.repo(), work.repo().treeOf(head), {{"old/gone.txt", std::nullopt}});
  EXPECT_EQ(contentsOf(work.repo(), tree),
            (std::map<std::string, std::string>{{"keep.txt", "k\n"}}));
  EXPECT_THAT([&] { buildTree(work.repo(), work.repo().treeOf(head), {{"nope.txt", std::nullopt}}); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("cannot remove 'nope.txt'")));
}

TEST(TreeEdit, KeepsExistingModeWhenModeIsZero) {
  TestRepo work;
  Oid head = work.commit({{"run.sh", "echo 1\n"}});
  Oid exec = buildTree(work.repo(), work.repo().treeOf(head), {{"run.sh", "echo 1\n", 0100755}});
  Oid kept = buildTree(work.repo(), exec, {{"run.sh", "echo 2\n", 0}, {"new.sh", "x\n", 0}});
  ScanCounters counters;
  auto files = listFiles(work.repo(), kept, counters);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "new.sh");
  EXPECT_EQ(files[0].mode, 0100644u);
  EXPECT_EQ(files[1].path, "run.sh");
  EXPECT_EQ(files[1].mode, 0100755u);
}

TEST(TreeEdit, SameEditsGiveTheSameTree) {
  TestRepo work;
  Oid head = work.commit({{"a.txt", "a\n"}});
  Oid base = work.repo().treeOf(head);
  EXPECT_EQ(buildTree(work.repo(), base, {{"b/c.txt", "c\n"}, {"a.txt", "A\n"}}),
            buildTree(work.repo(), base, {{"a.txt", "A\n"}, {"b/c.txt", "c\n"}}));
  EXPECT_EQ(buildTree(work.repo(), base, {}), base);
}

TEST(TreeEdit, BuildsFromAnEmptyBase) {
  TestRepo work;
  Oid tree = buildTree(work.repo(), Oid(), {{"x/y.txt", "y\n"}});
  EXPECT_EQ(contentsOf(work.repo(), tree), (std::map<std::string, std::string>{{"x/y.txt", "y\n"}}));
}

TEST(TreeEdit, RejectsEscapingPaths) {
  TestRepo work;
  Oid head = work.commit({{"a.txt", "a\n"}, {"dir/b.txt", "b\n"}});
  Oid base = work.repo().treeOf(head);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"/etc/passwd", "absolute"},
      {"../outside.txt", "'..' component"},
      {"dir/../../x", "'..' component"},
      {"./a.txt", "'.' component"},
      {".git/config", ".git directory"},
      {"sub/.GIT/hooks/pre-commit", ".git directory"},
      {"dir//b.txt", "empty component"},
      {"dir/", "empty component"},
      {"", "empty"},
      {std::string("a\0b", 3), "NUL"},
      {"a.txt/inner", "is a file in the base tree"},
      {"dir", "is a directory"},
  };
  for (const auto& [path, why] : bad) {
    EXPECT_THAT([&] { buildTree(work.repo(), base, {{path, "x\n"}}); },
                ::testing::ThrowsMessage<GitError>(HasSubstr(why)))
        << "path: " << path;
  }
  EXPECT_THAT([&] { buildTree(work.repo(), base, {{"a.txt", "1"}, {"a.txt", "2"}}); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("edited twice")));
  EXPECT_THAT([&] { buildTree(work.repo(), base, {{"a.txt", "1", 040000}}); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("not a file mode")));
}

}  // namespace
}  // namespace ddd::git
