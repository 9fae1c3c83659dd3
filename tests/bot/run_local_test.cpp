// `ddd run --local` in-process, with the test-only analyzer: branches written beside
// the work tree, idempotent reruns, human commits, dry runs and the recorded drafts.
#include "bot/run_local.h"

#include <gtest/gtest.h>

#include "bot/state_store.h"
#include "forges/local_forge.h"
#include "git/branch.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;
using ddd::testing::git;
using ddd::testing::kTestAnalyzer;
using ddd::testing::TestRepo;

const char* kBranch = "ddd/test/old-api";

RunLocalRequest requestFor(const TestRepo& repo, bool dryRun = false) {
  ddd::testing::registerTestAnalyzer();
  RunLocalRequest r;
  r.scan.repoPath = repo.path();
  r.scan.analyzers = {kTestAnalyzer};
  r.scan.dataDir = ddd::testing::dataDir().string();
  r.dryRun = dryRun;
  return r;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Every file under .git with its size and modification time, to prove nothing changed.
std::string gitDirSnapshot(const fs::path& repo) {
  std::string out;
  for (const auto& e : fs::recursive_directory_iterator(repo / ".git")) {
    out += e.path().string();
    if (e.is_regular_file()) {
      out += ' ';
      out.append(std::to_string(e.file_size()));
      out += ' ';
      out.append(std::to_string(e.last_write_time().time_since_epoch().count()));
    }
    out += "\n";
  }
  return out;
}

TEST(RunLocal, CreatesBranchesWithoutTouchingWorkTreeIndexOrHead) {
  TestRepo repo;
  auto head = repo.commit({{"src/a.py", "x = OLD_API(1)\n"}, {"src/b.py", "clean\n"}});
  // Uncommitted state of every kind: a modified file, a staged file, an untracked file.
  ddd::testing::writeFile(repo.path() / "src/b.py", "edited but not committed\n");
  ddd::testing::writeFile(repo.path() / "staged.py", "OLD_API(9)\n");
  git(repo.path(), "add staged.py");
  ddd::testing::writeFile(repo.path() / "untracked.txt", "x\n");
  const auto statusBefore = git(repo.path(), "status --porcelain");
  const auto indexBefore = git(repo.path(), "ls-files --stage");

  auto result = runLocal(requestFor(repo));

  ASSERT_EQ(result.changes.size(), 1u);
  const auto& change = result.changes[0];
  EXPECT_EQ(change.branch, kBranch);
  EXPECT_EQ(change.status, BranchStatus::Created);
  EXPECT_EQ(change.decision.action, policies::Action::Automerge);
  EXPECT_EQ(change.prNumber, 1);
  EXPECT_EQ(change.prOutcome, "created");

  EXPECT_EQ(git(repo.path(), "status --porcelain"), statusBefore);
  EXPECT_EQ(git(repo.path(), "ls-files --stage"), indexBefore);
  EXPECT_EQ(trimmed(git(repo.path(), "rev-parse HEAD")), head.hex());
  EXPECT_EQ(trimmed(git(repo.path(), "symbolic-ref HEAD")), "refs/heads/main");
  EXPECT_EQ(ddd::testing::readFile(repo.path() / "src/b.py"), "edited but not committed\n");

  EXPECT_EQ(git(repo.path(), std::string("show ") + kBranch + ":src/a.py"), "x = NEW_API(1)\n");
  EXPECT_EQ(git(repo.path(), std::string("show ") + kBranch + ":src/b.py"), "clean\n");
  // The staged file is not part of the scanned commit, so the branch does not have it.
  EXPECT_NE(ddd::testing::runCommand("git -C " + ddd::testing::shellQuote(repo.path().string()) +
                                     " cat-file -e " + kBranch + ":staged.py")
                .exitCode,
            0);
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch + "^")), head.hex());
  EXPECT_EQ(trimmed(git(repo.path(), std::string("log -1 --format=%an ") + kBranch)), "ddd-bot");
  EXPECT_TRUE(fs::exists(repo.path() / ".git" / "ddd" / "state.sqlite"));
  EXPECT_EQ(result.stateFile, repo.path() / ".git" / "ddd" / "state.sqlite");

  auto text = renderRunLocal(result);
  EXPECT_NE(text.find(std::string(kBranch) + "\n  outcome:  created"), std::string::npos) << text;
  EXPECT_NE(text.find("PR:       #1 created"), std::string::npos) << text;
  EXPECT_NE(text.find("Why this PR will be merged automatically"), std::string::npos) << text;
  EXPECT_NE(text.find("1 branch created"), std::string::npos) << text;
}

TEST(RunLocal, RerunIsUpToDateAndMakesNoCommits) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  auto first = runLocal(requestFor(repo));
  const auto tip = trimmed(git(repo.path(), std::string("rev-parse ") + kBranch));
  const auto commits = git(repo.path(), "rev-list --all");

  auto second = runLocal(requestFor(repo));
  ASSERT_EQ(second.changes.size(), 1u);
  EXPECT_EQ(second.changes[0].status, BranchStatus::UpToDate);
  EXPECT_EQ(second.changes[0].prOutcome, "up to date");
  EXPECT_EQ(second.changes[0].prNumber, first.changes[0].prNumber);
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)), tip);
  EXPECT_EQ(git(repo.path(), "rev-list --all"), commits);
  auto text = renderRunLocal(second);
  EXPECT_NE(text.find("the branch is up to date; nothing was written"), std::string::npos) << text;

  forges::LocalForge forge(second.stateFile, second.scan.repoPath.string());
  EXPECT_EQ(forge.list().size(), 1u);
}

TEST(RunLocal, RerunAfterNewCommitMovesBranchAndUpdatesThePullRequest) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  auto first = runLocal(requestFor(repo));
  const std::string firstBody = first.changes.at(0).body;
  auto newHead = repo.commit({{"b.py", "OLD_API(2)\n"}}, "more code");

  auto second = runLocal(requestFor(repo));
  ASSERT_EQ(second.changes.size(), 1u);
  EXPECT_EQ(second.changes[0].status, BranchStatus::Updated);
  EXPECT_EQ(second.changes[0].prOutcome, "updated");
  EXPECT_EQ(second.changes[0].prNumber, first.changes[0].prNumber);
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch + "^")), newHead.hex());
  EXPECT_EQ(git(repo.path(), std::string("show ") + kBranch + ":b.py"), "NEW_API(2)\n");
  forges::LocalForge forge(second.stateFile, second.scan.repoPath.string());
  auto pr = forge.findOpenByBranch(kBranch);
  ASSERT_TRUE(pr);
  EXPECT_EQ(pr->headCommit, second.changes[0].headCommit);
  EXPECT_EQ(pr->body, second.changes[0].body);
  EXPECT_NE(pr->body, firstBody);  // new fingerprint and base commit
}

// The base moves on in files the change doesn't touch: the branch stays as it is (its
// change still applies), unless the repository asks for rebuilding behind the base.
TEST(RunLocal, ABranchFollowsItsBaseOnlyWhenItsChangeNoLongerApplies) {
  TestRepo repo;
  const std::string review = R"({"name": "r", "match": {"paths": "*.py"}, "action": "review"})";
  repo.commit({{"a.py", "OLD_API(1)\n"}, {".ddd.json", "{\"policies\": [" + review + "]}"}});
  auto first = runLocal(requestFor(repo));
  ASSERT_EQ(first.changes.size(), 1u);
  ASSERT_EQ(first.changes[0].decision.action, policies::Action::Review);
  const std::string tip = trimmed(git(repo.path(), std::string("rev-parse ") + kBranch));
  repo.commit({{"README.md", "docs\n"}}, "unrelated");
  auto second = runLocal(requestFor(repo));
  ASSERT_EQ(second.changes.size(), 1u);
  EXPECT_EQ(second.changes[0].status, BranchStatus::UpToDate);
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)), tip);

  repo.commit({{".ddd.json", "{\"pullRequests\": {\"rebaseWhen\": \"behind-base\"}, "
                              "\"policies\": [" + review + "]}"}},
              "config");
  auto third = runLocal(requestFor(repo));
  EXPECT_EQ(third.changes.at(0).status, BranchStatus::Updated);
  EXPECT_NE(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)), tip);
}

TEST(RunLocal, HumanCommitOnBranchIsNeverOverwritten) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  runLocal(requestFor(repo));
  // A maintainer pushes a commit of their own onto the bot's branch.
  const auto botTip =
      git::Oid::fromHex(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)));
  git::Identity jane{"Jane Maintainer", "jane@example.com"};
  auto human =
      git::createCommit(repo.repo(), botTip, repo.repo().treeOf(botTip), "tweak the fix", jane, 0);
  git(repo.path(), std::string("update-ref refs/heads/") + kBranch + " " + human.hex());
  repo.commit({{"b.py", "OLD_API(2)\n"}}, "more code");

  auto result = runLocal(requestFor(repo));
  ASSERT_EQ(result.changes.size(), 1u);
  const auto& change = result.changes[0];
  EXPECT_EQ(change.status, BranchStatus::Blocked);
  EXPECT_NE(change.detail.find("Jane Maintainer"), std::string::npos) << change.detail;
  EXPECT_NE(change.detail.find(human.shortHex()), std::string::npos) << change.detail;
  EXPECT_EQ(change.prOutcome, "left alone");
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)), human.hex());

  forges::LocalForge forge(result.stateFile, result.scan.repoPath.string());
  auto pr = forge.findOpenByBranch(kBranch);
  ASSERT_TRUE(pr);
  EXPECT_EQ(pr->headCommit, botTip.hex());  // the PR's head was not moved

  auto text = renderRunLocal(result);
  EXPECT_NE(text.find("blocked by a human commit"), std::string::npos) << text;
  EXPECT_NE(text.find("Jane Maintainer"), std::string::npos) << text;

  // A dry run predicts the same.
  auto dry = runLocal(requestFor(repo, true));
  EXPECT_EQ(dry.changes[0].status, BranchStatus::Blocked);
}

TEST(RunLocal, DryRunWritesNothing) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  const auto before = gitDirSnapshot(repo.path());

  auto result = runLocal(requestFor(repo, true));
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].status, BranchStatus::WouldCreate);
  EXPECT_TRUE(result.stateFile.empty());
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "ddd"));
  EXPECT_EQ(gitDirSnapshot(repo.path()), before);
  auto text = renderRunLocal(result);
  EXPECT_NE(text.find("would create"), std::string::npos) << text;
  EXPECT_NE(text.find("nothing was written"), std::string::npos) << text;
  EXPECT_NE(text.find("<!-- ddd:change id=test/old-api"), std::string::npos) << text;

  // After a real run, a dry run sees the branch up to date, still writing nothing.
  runLocal(requestFor(repo));
  const auto afterRun = gitDirSnapshot(repo.path());
  auto again = runLocal(requestFor(repo, true));
  EXPECT_EQ(again.changes[0].status, BranchStatus::UpToDate);
  EXPECT_EQ(gitDirSnapshot(repo.path()), afterRun);
}

TEST(RunLocal, PrDraftRecordedInState) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n# unsafe\n"}});
  auto state = repo.path() / "elsewhere.sqlite";
  auto request = requestFor(repo);
  request.stateFile = state;
  auto result = runLocal(request);
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "ddd"));
  ASSERT_TRUE(fs::exists(state));

  forges::LocalForge forge(state, result.scan.repoPath.string());
  auto prs = forge.list();
  ASSERT_EQ(prs.size(), 1u);
  EXPECT_EQ(prs[0].number, 1);
  EXPECT_EQ(prs[0].title, "Replace OLD_API with NEW_API");
  EXPECT_EQ(prs[0].branch, kBranch);
  EXPECT_EQ(prs[0].base, "main");
  EXPECT_NE(prs[0].body.find("## What changes"), std::string::npos);
  EXPECT_NE(prs[0].body.find("## Rollback"), std::string::npos);
  EXPECT_NE(prs[0].body.find("Why this PR needs review"), std::string::npos) << prs[0].body;
  EXPECT_NE(prs[0].body.find("not every edit comes from a rule marked safe"), std::string::npos);
  EXPECT_NE(prs[0].body.find("<!-- ddd:change id=test/old-api version="), std::string::npos);
  EXPECT_EQ(std::find(prs[0].labels.begin(), prs[0].labels.end(), "automerge"),
            prs[0].labels.end());

  StateStore store(state);
  auto runs = store.runs(result.scan.repoPath.string());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].status, "ok");
  EXPECT_EQ(runs[0].commit, result.scan.commit.hex());
  EXPECT_EQ(runs[0].findings, 1);
  EXPECT_EQ(runs[0].changes, 1);
  EXPECT_FALSE(runs[0].finished.empty());
  auto changes = store.changesOfRun(runs[0].id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, "review");
  EXPECT_EQ(changes[0].decisionRule, "defaults.unsafe-rule");
  EXPECT_EQ(changes[0].outcome, "created");
  EXPECT_EQ(changes[0].prNumber, 1);
  EXPECT_FALSE(changes[0].reasons.empty());
  EXPECT_EQ(store.lastFindings(result.scan.repoPath.string()).size(), 1u);
}

TEST(RunLocal, AChangeThatCannotBeWrittenIsReportedFailedAndTheRunGoesOn) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  auto first = runLocal(requestFor(repo));
  repo.commit({{"b.py", "OLD_API(2)\n"}}, "more code");
  const auto tip = trimmed(git(repo.path(), std::string("rev-parse ") + kBranch));
  git(repo.path(), std::string("checkout -q ") + kBranch);  // ddd never moves a checked-out branch

  auto request = requestFor(repo);
  request.scan.ref = "main";
  auto result = runLocal(request);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_TRUE(result.anyFailed());
  EXPECT_EQ(result.changes[0].status, BranchStatus::Failed);
  EXPECT_NE(result.changes[0].detail.find("checked out"), std::string::npos)
      << result.changes[0].detail;
  EXPECT_EQ(result.changes[0].prNumber, 0);
  EXPECT_EQ(trimmed(git(repo.path(), std::string("rev-parse ") + kBranch)), tip);
  const std::string text = renderRunLocal(result);
  EXPECT_NE(text.find("outcome:  failed"), std::string::npos) << text;
  EXPECT_NE(text.find("1 branch failed"), std::string::npos) << text;

  StateStore store(first.stateFile);
  auto runs = store.runs(first.scan.repoPath.string());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].status, "ok");
  auto changes = store.changesOfRun(runs[1].id);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].outcome, "failed");
  EXPECT_NE(changes[0].detail.find("checked out"), std::string::npos) << changes[0].detail;
}

TEST(RunLocal, DryRunPredictsAFailureWithoutWriting) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  runLocal(requestFor(repo));
  repo.commit({{"b.py", "OLD_API(2)\n"}}, "more code");
  git(repo.path(), std::string("checkout -q ") + kBranch);
  auto request = requestFor(repo, /*dryRun=*/true);
  request.scan.ref = "main";
  const auto before = gitDirSnapshot(repo.path());
  auto result = runLocal(request);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].status, BranchStatus::Failed);
  EXPECT_EQ(gitDirSnapshot(repo.path()), before);
}

TEST(RunLocal, NoChangesMeansNothingToDo) {
  TestRepo repo;
  repo.commit({{"a.py", "clean\n"}});
  auto result = runLocal(requestFor(repo));
  EXPECT_TRUE(result.changes.empty());
  EXPECT_NE(renderRunLocal(result).find("no proposed changes: nothing to do"), std::string::npos);
  EXPECT_EQ(git(repo.path(), "branch --list 'ddd/*'"), "");
}

}  // namespace
}  // namespace ddd::bot
