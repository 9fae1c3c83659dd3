#include "bot/state_store.h"

#include <gtest/gtest.h>

#include "forges/local_forge.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;
using ddd::testing::TempDir;

analyzers::Finding finding(const std::string& path, uint32_t line) {
  analyzers::Finding f;
  f.analyzer = "deprecations";
  f.rule = "python.datetime-utcnow";
  f.severity = analyzers::Severity::Error;
  f.path = path;
  f.line = line;
  f.column = 3;
  f.message = "datetime.utcnow() is deprecated";
  f.changeId = "deprecations/python";
  return f;
}

TEST(StateStore, CreatesItsDirectoryAndMigratesToTheCurrentSchema) {
  TempDir dir;
  auto file = StateStore::defaultPath(dir.path() / ".git");
  EXPECT_EQ(file, dir.path() / ".git" / "ddd" / "state.sqlite");
  StateStore store(file);
  EXPECT_TRUE(fs::exists(file));
  EXPECT_EQ(store.schemaVersion(), StateStore::kSchemaVersion);
  auto mode = store.db().prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  StateStore reopened(file);  // migrating again is a no-op
  EXPECT_EQ(reopened.schemaVersion(), StateStore::kSchemaVersion);
}

TEST(StateStore, RefusesAFileFromANewerDdd) {
  TempDir dir;
  auto file = dir.path() / "state.sqlite";
  {
    forges::SqliteDb db(file);
    db.setUserVersion(StateStore::kSchemaVersion + 5);
  }
  try {
    StateStore store(file);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this ddd understands"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
}

TEST(StateStore, RecordsRunsChangesAndTheLastFindingsPerRepository) {
  TempDir dir;
  StateStore store(dir.path() / "state.sqlite");
  auto run1 = store.beginRun("/repo/a", "1111");
  EXPECT_EQ(store.runs("/repo/a").front().status, "running");
  ChangeRecord c;
  c.changeId = "deprecations/python";
  c.branch = "ddd/deprecations/python";
  c.outcome = "created";
  c.action = "automerge";
  c.decisionRule = "defaults.safe-deprecation-fix";
  c.reasons = {"all 2 edits come from rules marked safe"};
  c.title = "Replace deprecated Python APIs";
  c.prNumber = 1;
  c.headCommit = "abcd";
  store.recordChange(run1, c);
  store.finishRun(run1, {finding("a.py", 1), finding("b.py", 2)}, 1);

  auto run2 = store.beginRun("/repo/a", "2222");
  store.finishRun(run2, {finding("c.py", 9)}, 0);
  store.finishRun(store.beginRun("/repo/b", "3333"), {}, 0);

  auto runs = store.runs("/repo/a");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].findings, 2);
  EXPECT_EQ(runs[0].changes, 1);
  EXPECT_EQ(runs[0].status, "ok");
  EXPECT_EQ(runs[1].commit, "2222");
  auto last = store.lastFindings("/repo/a");
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].path, "c.py");
  EXPECT_EQ(last[0].line, 9u);
  EXPECT_EQ(last[0].severity, analyzers::Severity::Error);
  EXPECT_TRUE(store.lastFindings("/repo/b").empty());

  auto changes = store.changesOfRun(run1);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].reasons, c.reasons);
  EXPECT_EQ(changes[0].prNumber, 1);
  EXPECT_TRUE(store.changesOfRun(run2).empty());
}

TEST(StateStore, AFailedRunKeepsThePreviousFindings) {
  TempDir dir;
  StateStore store(dir.path() / "state.sqlite");
  store.finishRun(store.beginRun("/repo", "1111"), {finding("a.py", 1)}, 0);
  auto run = store.beginRun("/repo", "2222");
  store.failRun(run, "disk full");
  auto runs = store.runs("/repo");
  EXPECT_EQ(runs.back().status, "failed: disk full");
  EXPECT_FALSE(runs.back().finished.empty());
  ASSERT_EQ(store.lastFindings("/repo").size(), 1u);
  EXPECT_EQ(store.lastFindings("/repo")[0].path, "a.py");
}

TEST(StateStore, SharesItsFileWithTheLocalForge) {
  TempDir dir;
  auto file = dir.path() / "state.sqlite";
  StateStore store(file);
  forges::LocalForge forge(file, "/repo");
  forges::PullRequestSpec spec;
  spec.branch = "ddd/x";
  spec.base = "main";
  spec.title = "X";
  forge.create(spec, "abcd");
  store.finishRun(store.beginRun("/repo", "1111"), {}, 1);
  EXPECT_EQ(StateStore(file).schemaVersion(), StateStore::kSchemaVersion);
  EXPECT_EQ(forges::LocalForge(file, "/repo").list().size(), 1u);
}

}  // namespace
}  // namespace ddd::bot
