#include "forges/local_forge.h"

#include <gtest/gtest.h>

#include "forges/sqlite_db.h"
#include "tests/support/test_repo.h"

namespace ddd::forges {
namespace {

using ddd::testing::TempDir;

PullRequestSpec spec(const std::string& branch, const std::string& title) {
  PullRequestSpec s;
  s.repo = "/repos/app";
  s.branch = branch;
  s.base = "main";
  s.title = title;
  s.body = "## What changes\n\nSomething.\n<!-- ddd:change id=x version=1 -->\n";
  s.labels = {"ddd", "automerge"};
  return s;
}

TEST(LocalForge, NumbersPullRequestsFromOnePerRepository) {
  TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  auto first = forge.create(spec("ddd/deprecations/python", "Fix Python"), "aaaa");
  auto second = forge.create(spec("ddd/deprecations/go", "Fix Go"), "bbbb");
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(second.number, 2);
  EXPECT_EQ(first.state, "open");
  EXPECT_EQ(first.branch, "ddd/deprecations/python");
  EXPECT_EQ(first.headCommit, "aaaa");
  EXPECT_EQ(first.labels, (std::vector<std::string>{"ddd", "automerge"}));
  EXPECT_NE(first.id, second.id);

  LocalForge other(dir.path() / "state.sqlite", "/repos/other");
  EXPECT_EQ(other.create(spec("ddd/deprecations/python", "Fix"), "cccc").number, 1);
  EXPECT_EQ(forge.list().size(), 2u);
  EXPECT_EQ(other.list().size(), 1u);
}

TEST(LocalForge, FindsTheOpenPullRequestOfABranch) {
  TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  EXPECT_FALSE(forge.findOpenByBranch("ddd/deprecations/python"));
  forge.create(spec("ddd/deprecations/python", "Fix Python"), "aaaa");
  auto found = forge.findOpenByBranch("ddd/deprecations/python");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->number, 1);
  EXPECT_EQ(found->title, "Fix Python");
  EXPECT_FALSE(forge.findOpenByBranch("ddd/deprecations/go"));

  forge.setState(1, "merged");
  EXPECT_FALSE(forge.findOpenByBranch("ddd/deprecations/python"));
  // A new PR for the same branch after the old one was merged gets the next number.
  EXPECT_EQ(forge.create(spec("ddd/deprecations/python", "Fix Python again"), "dddd").number, 2);
}

TEST(LocalForge, UpdateReplacesTextLabelsDraftAndHead) {
  TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  forge.create(spec("ddd/deprecations/python", "Fix Python"), "aaaa");
  auto s = spec("ddd/deprecations/python", "Fix Python (2 files)");
  s.body = "new body";
  s.labels = {"ddd"};
  s.draft = true;
  auto updated = forge.update(1, s, "bbbb");
  EXPECT_EQ(updated.number, 1);
  EXPECT_EQ(updated.title, "Fix Python (2 files)");
  EXPECT_EQ(updated.body, "new body");
  EXPECT_EQ(updated.headCommit, "bbbb");
  EXPECT_TRUE(updated.draft);
  EXPECT_EQ(updated.labels, std::vector<std::string>{"ddd"});
  EXPECT_EQ(forge.list().size(), 1u);
}

TEST(LocalForge, RefusesASecondOpenPullRequestForABranch) {
  TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  forge.create(spec("ddd/x", "X"), "aaaa");
  try {
    forge.create(spec("ddd/x", "X again"), "bbbb");
    FAIL() << "expected ForgeError";
  } catch (const ForgeError& e) {
    EXPECT_NE(std::string(e.what()).find("already open for branch ddd/x"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(forge.list().size(), 1u);  // the failed write left nothing behind
}

TEST(LocalForge, RejectsUnknownNumbersAndStates) {
  TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  EXPECT_THROW(forge.update(7, spec("ddd/x", "X"), "aaaa"), ForgeError);
  forge.create(spec("ddd/x", "X"), "aaaa");
  EXPECT_THROW(forge.setState(1, "reopened"), ForgeError);
  EXPECT_EQ(forge.list().front().state, "open");
}

TEST(LocalForge, KeepsRecordsAcrossReopeningInWalMode) {
  TempDir dir;
  const auto file = dir.path() / "state.sqlite";
  {
    LocalForge forge(file, "/repos/app");
    forge.create(spec("ddd/x", "X"), "aaaa");
  }
  LocalForge again(file, "/repos/app");
  ASSERT_EQ(again.list().size(), 1u);
  EXPECT_EQ(again.list().front().title, "X");

  SqliteDb db(file);
  auto mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  // The local forge leaves PRAGMA user_version to the state store sharing the file.
  EXPECT_EQ(db.userVersion(), 0);
}

TEST(SqliteDb, TransactionRollsBackWhenNotCommitted) {
  TempDir dir;
  SqliteDb db(dir.path() / "t.sqlite");
  db.exec("CREATE TABLE t (v INTEGER)");
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
  }
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  auto st = db.prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "2");
}

TEST(SqliteDb, ErrorsNameTheFile) {
  TempDir dir;
  try {
    SqliteDb db(dir.path() / "missing-dir" / "t.sqlite");
    FAIL() << "expected SqliteError";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("missing-dir"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ddd::forges

namespace ddd::forges {
namespace {

TEST(LocalForge, CommentsCloseReviewersAndCreationTime) {
  ddd::testing::TempDir dir;
  LocalForge forge(dir.path() / "state.sqlite", "/repos/app");
  auto s = spec("ddd/deps/npm-lodash", "Update lodash");
  s.reviewers = {"alice", "org/platform"};
  const auto before = std::time(nullptr);
  auto pr = forge.create(s, "aaaa");
  EXPECT_GE(pr.createdAt, before - 1);
  EXPECT_LE(pr.createdAt, std::time(nullptr) + 1);
  EXPECT_EQ(pr.reviewers, s.reviewers);
  forge.comment(pr.number, "first <!-- ddd:blocked -->");
  forge.comment(pr.number, "second");
  auto cs = forge.comments(pr.number);
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].body, "first <!-- ddd:blocked -->");
  EXPECT_EQ(cs[1].author, "ddd");
  forge.close(pr.number, "no longer needed");
  EXPECT_FALSE(forge.findOpenByBranch("ddd/deps/npm-lodash"));
  EXPECT_EQ(forge.list()[0].state, "closed");
  EXPECT_EQ(forge.comments(pr.number).back().body, "no longer needed");
  EXPECT_THROW(forge.comment(99, "x"), ForgeError);
}

}  // namespace
}  // namespace ddd::forges
