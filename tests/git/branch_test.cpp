#include "git/branch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <git2.h>

#include <filesystem>
#include <map>

#include "git/error.h"
#include "git/handles.h"
#include "git/tree_edit.h"
#include "tests/support/test_repo.h"

namespace ddd::git {
namespace {

using ::testing::HasSubstr;
using testing::readFile;
using testing::TestRepo;

constexpr std::time_t kPinned = 1700000000;

CommitRequest requestFor(TestRepo& work, const Oid& base, const std::string& content) {
  CommitRequest req;
  req.branch = "ddd/deprecations/python";
  req.base = base;
  req.tree = buildTree(work.repo(), work.repo().treeOf(base), {{"app.py", content}});
  req.message = "Replace deprecated calls";
  req.changeId = "deprecations/python";
  return req;
}

std::string messageOf(const Repository& repo, const Oid& id) {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo.raw(), id.raw()), "test lookup");
  detail::CommitHandle commit(raw);
  return git_commit_message(raw);
}

Oid parentOf(const Repository& repo, const Oid& id) {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, repo.raw(), id.raw()), "test lookup");
  detail::CommitHandle commit(raw);
  EXPECT_EQ(git_commit_parentcount(raw), 1u);
  return Oid(*git_commit_parent_id(raw, 0));
}

TEST(Branch, CreatesBranchUnderDddOnly) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  const std::string headBefore = readFile(work.path() / ".git/HEAD");
  const std::string indexBefore = readFile(work.path() / ".git/index");

  CommitRequest req = requestFor(work, base, "new\n");
  BranchResult result = commitToBranch(work.repo(), req);
  EXPECT_EQ(result.outcome, BranchOutcome::Created);
  EXPECT_STREQ(toString(result.outcome), "created");
  EXPECT_EQ(work.repo().branchTip("ddd/deprecations/python"), result.head);
  EXPECT_EQ(work.repo().treeOf(result.head), req.tree);
  EXPECT_EQ(parentOf(work.repo(), result.head), base);
  EXPECT_EQ(messageOf(work.repo(), result.head),
            "Replace deprecated calls\n\nDdd-Change-Id: deprecations/python\n");
  // HEAD, index and work tree untouched.
  EXPECT_EQ(readFile(work.path() / ".git/HEAD"), headBefore);
  EXPECT_EQ(readFile(work.path() / ".git/index"), indexBefore);
  EXPECT_EQ(readFile(work.path() / "app.py"), "old\n");
  EXPECT_EQ(work.repo().resolveCommit("HEAD"), base);

  for (std::string name : {"main", "feature/x", "ddd/", "ddd", "dddx/y", "ddd/bad..name",
                           "ddd/with space", "ddd/x.lock"}) {
    req.branch = name;
    EXPECT_THAT([&] { commitToBranch(work.repo(), req); }, ::testing::Throws<GitError>())
        << name;
  }
  EXPECT_EQ(work.repo().branchTip("main"), base);  // main never moved
}

TEST(Branch, RerunWithSameTreeIsUpToDate) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  BranchResult first = commitToBranch(work.repo(), req);
  ASSERT_EQ(first.outcome, BranchOutcome::Created);

  req.when = 0;  // a different commit time would give a different commit, were one made
  BranchResult second = commitToBranch(work.repo(), req);
  EXPECT_EQ(second.outcome, BranchOutcome::UpToDate);
  EXPECT_EQ(second.head, first.head);
  EXPECT_EQ(work.repo().branchTip(req.branch), first.head);
}

TEST(Branch, UpdatesBranchWhenTheTreeChanges) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  BranchResult first = commitToBranch(work.repo(), requestFor(work, base, "new\n"));
  CommitRequest changed = requestFor(work, base, "newer\n");
  BranchResult second = commitToBranch(work.repo(), changed);
  EXPECT_EQ(second.outcome, BranchOutcome::Updated);
  EXPECT_NE(second.head, first.head);
  EXPECT_EQ(parentOf(work.repo(), second.head), base);  // replaced, not stacked
  EXPECT_EQ(work.repo().treeOf(second.head), changed.tree);
}

TEST(Branch, MovesBranchWhenBaseAdvances) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  BranchResult first = commitToBranch(work.repo(), requestFor(work, base, "new\n"));
  Oid advanced = work.commit({{"other.txt", "more\n"}}, "unrelated human work");

  CommitRequest req = requestFor(work, advanced, "new\n");
  BranchResult moved = commitToBranch(work.repo(), req);
  EXPECT_EQ(moved.outcome, BranchOutcome::Updated);
  EXPECT_NE(moved.head, first.head);
  EXPECT_EQ(parentOf(work.repo(), moved.head), advanced);
  EXPECT_EQ(work.repo().branchTip(req.branch), moved.head);
  EXPECT_EQ(commitToBranch(work.repo(), req).outcome, BranchOutcome::UpToDate);
}

// Rebase::Conflicted keeps a branch whose change still applies as it is: the base moved
// on in other files; once the base touches the changed file (or the change itself
// differs), the branch is rebuilt on the new base.
TEST(Branch, ConflictedRebaseKeepsABranchWhileItsChangeStillApplies) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}, {"lib.py", "x\n"}});
  BranchResult first = commitToBranch(work.repo(), requestFor(work, base, "new\n"));
  Oid advanced = work.commit({{"other.txt", "more\n"}}, "unrelated human work");
  CommitRequest req = requestFor(work, advanced, "new\n");
  req.rebase = CommitRequest::Rebase::Conflicted;
  BranchResult kept = commitToBranch(work.repo(), req);
  EXPECT_EQ(kept.outcome, BranchOutcome::UpToDate);
  EXPECT_EQ(kept.head, first.head);
  EXPECT_EQ(work.repo().branchTip(req.branch), first.head);
  EXPECT_EQ(predictBranch(work.repo(), req).outcome, BranchOutcome::UpToDate);

  // A different change: rebuilt on the new base.
  CommitRequest other = requestFor(work, advanced, "newer\n");
  other.rebase = CommitRequest::Rebase::Conflicted;
  BranchResult rebuilt = commitToBranch(work.repo(), other);
  EXPECT_EQ(rebuilt.outcome, BranchOutcome::Updated);
  EXPECT_EQ(parentOf(work.repo(), rebuilt.head), advanced);

  // The base changes the file the branch changes: the same edit computed on the new base
  // is another content, so the branch is rebuilt (a merge would have conflicted).
  Oid touched = work.commit({{"app.py", "old, edited by a person\n"}}, "edit app.py");
  CommitRequest onTouched = requestFor(work, touched, "newer\n");
  onTouched.tree = buildTree(work.repo(), work.repo().treeOf(touched),
                             {{"app.py", "newer, edited by a person\n"}});
  onTouched.rebase = CommitRequest::Rebase::Conflicted;
  BranchResult moved = commitToBranch(work.repo(), onTouched);
  EXPECT_EQ(moved.outcome, BranchOutcome::Updated);
  EXPECT_EQ(parentOf(work.repo(), moved.head), touched);
}

TEST(Branch, RefusesToMoveBranchWithHumanCommit) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  BranchResult first = commitToBranch(work.repo(), req);

  // A maintainer adds a commit on top of the bot's branch.
  Oid humanTree = buildTree(work.repo(), req.tree, {{"app.py", "new, reviewed\n"}});
  Identity human{"Ada Maintainer", "ada@example.com"};
  Oid humanCommit = createCommit(work.repo(), first.head, humanTree, "Tweak the fix", human, 0);
  git_reference* raw = nullptr;
  check(git_reference_create(&raw, work.repo().raw(), "refs/heads/ddd/deprecations/python",
                             humanCommit.raw(), 1, "test"),
        "moving branch in test");
  detail::ReferenceHandle ref(raw);

  CommitRequest again = requestFor(work, base, "different\n");
  BranchResult result = commitToBranch(work.repo(), again);
  EXPECT_EQ(result.outcome, BranchOutcome::HumanCommits);
  EXPECT_EQ(result.head, humanCommit);
  EXPECT_THAT(result.detail, HasSubstr(humanCommit.shortHex()));
  EXPECT_THAT(result.detail, HasSubstr("Ada Maintainer <ada@example.com>"));
  EXPECT_THAT(result.detail, HasSubstr("Tweak the fix"));
  EXPECT_EQ(work.repo().branchTip(again.branch), humanCommit);  // still there

  // Same email but no trailer is not the bot either.
  Oid lookalike = createCommit(work.repo(), base, req.tree, "no trailer", Identity{}, 0);
  check(git_reference_create(&raw, work.repo().raw(), "refs/heads/ddd/other", lookalike.raw(), 1,
                             "test"),
        "creating branch in test");
  detail::ReferenceHandle other(raw);
  again.branch = "ddd/other";
  EXPECT_EQ(commitToBranch(work.repo(), again).outcome, BranchOutcome::HumanCommits);
  EXPECT_EQ(work.repo().branchTip("ddd/other"), lookalike);
}

TEST(Branch, IdenticalInputsGiveIdenticalCommitIds) {
  TestRepo one;
  TestRepo two;
  // Pin the base commits too: both repositories must hold the very same history.
  auto pinnedBase = [](TestRepo& work) {
    Oid tree = buildTree(work.repo(), Oid(), {{"app.py", "old\n"}});
    return createCommit(work.repo(), Oid(), tree, "base", Identity{"H", "h@example.com"}, kPinned);
  };
  Oid baseOne = pinnedBase(one);
  Oid baseTwo = pinnedBase(two);
  ASSERT_EQ(baseOne, baseTwo);

  CommitRequest reqOne = requestFor(one, baseOne, "new\n");
  CommitRequest reqTwo = requestFor(two, baseTwo, "new\n");
  reqOne.when = reqTwo.when = kPinned;
  BranchResult a = commitToBranch(one.repo(), reqOne);
  BranchResult b = commitToBranch(two.repo(), reqTwo);
  EXPECT_EQ(a.outcome, BranchOutcome::Created);
  EXPECT_EQ(a.head, b.head);
  EXPECT_EQ(createCommit(one.repo(), baseOne, reqOne.tree, "m", Identity{}, kPinned),
            createCommit(two.repo(), baseTwo, reqTwo.tree, "m", Identity{}, kPinned));
}

TEST(Branch, NeverMovesACheckedOutBranch) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  BranchResult first = commitToBranch(work.repo(), req);
  check(git_repository_set_head(work.repo().raw(), "refs/heads/ddd/deprecations/python"),
        "checking out in test");
  EXPECT_THAT([&] { commitToBranch(work.repo(), requestFor(work, base, "other\n")); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("is checked out")));
  EXPECT_EQ(work.repo().branchTip(req.branch), first.head);
}

// Every file under .git except the logs: what a read-only call must leave as it was.
std::map<std::string, std::string> gitDirSnapshot(const std::filesystem::path& gitDir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(gitDir)) {
    if (!entry.is_regular_file()) continue;
    files[std::filesystem::relative(entry.path(), gitDir).string()] = readFile(entry.path());
  }
  return files;
}

TEST(PredictBranch, SaysWhatCommitToBranchWouldDoAndWritesNothing) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  const CommitRequest req = requestFor(work, base, "new\n");
  const CommitRequest changed = requestFor(work, base, "newer\n");
  const std::filesystem::path gitDir = work.repo().gitDir();

  auto before = gitDirSnapshot(gitDir);
  BranchResult predicted = predictBranch(work.repo(), req);
  EXPECT_EQ(predicted.outcome, BranchOutcome::Created);
  EXPECT_TRUE(predicted.head.isZero());
  EXPECT_EQ(gitDirSnapshot(gitDir), before);
  const BranchResult created = commitToBranch(work.repo(), req);
  EXPECT_EQ(created.outcome, predicted.outcome);

  before = gitDirSnapshot(gitDir);
  predicted = predictBranch(work.repo(), req);
  EXPECT_EQ(predicted.outcome, BranchOutcome::UpToDate);
  EXPECT_EQ(predicted.head, created.head);
  predicted = predictBranch(work.repo(), changed);
  EXPECT_EQ(predicted.outcome, BranchOutcome::Updated);
  EXPECT_EQ(predicted.head, created.head);  // the tip it would move from
  EXPECT_EQ(gitDirSnapshot(gitDir), before);
  EXPECT_EQ(commitToBranch(work.repo(), changed).outcome, BranchOutcome::Updated);
}

TEST(PredictBranch, NeedsNoTreeInTheObjectDatabase) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  commitToBranch(work.repo(), req);
  req.tree = Oid::fromHex("0123456789abcdef0123456789abcdef01234567");  // nowhere on disk
  EXPECT_EQ(predictBranch(work.repo(), req).outcome, BranchOutcome::Updated);
  req.branch = "ddd/elsewhere";
  EXPECT_EQ(predictBranch(work.repo(), req).outcome, BranchOutcome::Created);
}

TEST(PredictBranch, ReportsAHumanCommitAsCommitToBranchDoes) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  BranchResult first = commitToBranch(work.repo(), req);
  Oid humanTree = buildTree(work.repo(), req.tree, {{"app.py", "new, reviewed\n"}});
  Oid humanCommit = createCommit(work.repo(), first.head, humanTree, "Tweak the fix",
                                 Identity{"Ada Maintainer", "ada@example.com"}, 0);
  git_reference* raw = nullptr;
  check(git_reference_create(&raw, work.repo().raw(), "refs/heads/ddd/deprecations/python",
                             humanCommit.raw(), 1, "test"),
        "moving branch in test");
  detail::ReferenceHandle ref(raw);

  const BranchResult predicted = predictBranch(work.repo(), req);
  EXPECT_EQ(predicted.outcome, BranchOutcome::HumanCommits);
  EXPECT_EQ(predicted.head, humanCommit);
  EXPECT_THAT(predicted.detail, HasSubstr("Ada Maintainer <ada@example.com>"));
  const BranchResult actual = commitToBranch(work.repo(), req);
  EXPECT_EQ(actual.outcome, predicted.outcome);
  EXPECT_EQ(actual.detail, predicted.detail);
}

TEST(PredictBranch, ThrowsWhereCommitToBranchWouldRefuse) {
  TestRepo work;
  Oid base = work.commit({{"app.py", "old\n"}});
  CommitRequest req = requestFor(work, base, "new\n");
  commitToBranch(work.repo(), req);
  check(git_repository_set_head(work.repo().raw(), "refs/heads/ddd/deprecations/python"),
        "checking out in test");
  // Up to date: nothing would move, so a checked-out branch is no problem.
  EXPECT_EQ(predictBranch(work.repo(), req).outcome, BranchOutcome::UpToDate);
  EXPECT_THAT([&] { predictBranch(work.repo(), requestFor(work, base, "other\n")); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("is checked out")));
  req.branch = "main";
  EXPECT_THAT([&] { predictBranch(work.repo(), req); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("only creates or moves branches")));
  req.branch = "ddd/x";
  req.changeId = "two\nlines";
  EXPECT_THAT([&] { predictBranch(work.repo(), req); },
              ::testing::ThrowsMessage<GitError>(HasSubstr("line break")));
}

}  // namespace
}  // namespace ddd::git
