// The scan pipeline in-process, with the test-only analyzer: selection, merging,
// ordering, stats, progress, and what it refuses.
#include <gtest/gtest.h>

#include "bot/errors.h"
#include "bot/report.h"
#include "bot/scan.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::kTestAnalyzer;
using ddd::testing::TestRepo;

ScanRequest requestFor(const TestRepo& repo) {
  ddd::testing::registerTestAnalyzer();
  ScanRequest r;
  r.repoPath = repo.path();
  r.analyzers = {kTestAnalyzer};
  r.dataDir = ddd::testing::dataDir().string();
  return r;
}

TEST(ScanPipeline, MergesAndSortsTheAnalyzersResults) {
  TestRepo repo;
  repo.commit({{"src/b.py", "x = OLD_API(1)\n"},
               {"src/a.py", "import os\n\ny = OLD_API(2) + OLD_API(3)\n"},
               {"README.md", "nothing to see\n"}});
  auto report = runScan(requestFor(repo));
  ASSERT_EQ(report.result.findings.size(), 3u);
  EXPECT_EQ(report.result.findings[0].path, "src/a.py");
  EXPECT_EQ(report.result.findings[0].line, 3u);
  EXPECT_EQ(report.result.findings[0].column, 5u);
  EXPECT_EQ(report.result.findings[1].column, 18u);
  EXPECT_EQ(report.result.findings[2].path, "src/b.py");
  ASSERT_EQ(report.result.changes.size(), 1u);
  EXPECT_EQ(report.result.changes[0].edits.size(), 2u);
  EXPECT_EQ(report.analyzers, std::vector<std::string>{kTestAnalyzer});
  EXPECT_EQ(report.stats.files, 3u);
  EXPECT_GT(report.stats.bytes, 0u);
  EXPECT_EQ(report.commit, repo.repo().resolveCommit("HEAD"));
}

// An analyzer that stops (here on a broken config section) is a finding, the others
// still run, and it does not count as having run (its pull requests are not stale).
TEST(ScanPipeline, AFailedAnalyzerIsAFindingAndDoesNotCountAsRun) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"},
               {"package.json", R"({"dependencies": {"lodash": "^4.0.0"}})"},
               {".ddd.json", R"({"dependencies": {"ignore": "lodash"}})"}});
  auto request = requestFor(repo);
  request.analyzers = {kTestAnalyzer, "dependencies"};
  const auto report = runScan(request);
  EXPECT_EQ(report.analyzers, std::vector<std::string>{kTestAnalyzer});
  bool failed = false;
  for (const auto& f : report.result.findings) {
    failed = failed || (f.rule == "dependencies.failed" &&
                        f.message.find("dependencies.ignore must be a list") != std::string::npos);
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(report.result.changes.size(), 1u);  // the test analyzer's change
}

TEST(ScanPipeline, ReadsTheCommittedTreeNotTheWorkTree) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  ddd::testing::writeFile(repo.path() / "a.py", "clean now\n");
  ddd::testing::writeFile(repo.path() / "new.py", "OLD_API(2)\nOLD_API(3)\n");
  auto report = runScan(requestFor(repo));
  ASSERT_EQ(report.result.findings.size(), 1u);
  EXPECT_EQ(report.result.findings[0].path, "a.py");
}

TEST(ScanPipeline, ScansAnOlderRefWhenAsked) {
  TestRepo repo;
  auto first = repo.commit({{"a.py", "OLD_API(1)\n"}});
  repo.commit({{"a.py", "fixed\n"}});
  auto request = requestFor(repo);
  request.ref = first.hex();
  auto report = runScan(request);
  EXPECT_EQ(report.commit, first);
  EXPECT_EQ(report.result.findings.size(), 1u);
}

TEST(ScanPipeline, ReportsProgressWithTotals) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}, {"b.py", "b\n"}, {"c.py", "c\n"}});
  auto request = requestFor(repo);
  uint64_t lastDone = 0, lastTotal = 0;
  request.progress = [&](uint64_t done, uint64_t total, uint64_t) {
    lastDone = done;
    lastTotal = total;
  };
  runScan(request);
  EXPECT_EQ(lastTotal, 3u);
  EXPECT_EQ(lastDone, 3u);
}

TEST(ScanPipeline, RejectsUnknownAnalyzersNamingThem) {
  TestRepo repo;
  repo.commit({{"a.py", "a\n"}});
  auto request = requestFor(repo);
  request.analyzers = {"no-such-analyzer"};
  try {
    runScan(request);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown analyzer 'no-such-analyzer'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(kTestAnalyzer), std::string::npos) << e.what();
  }
}

TEST(ScanPipeline, RejectsEmptyRepositoriesAndUnknownRefs) {
  TestRepo empty;
  EXPECT_THROW(runScan(requestFor(empty)), UsageError);
  TestRepo repo;
  repo.commit({{"a.py", "a\n"}});
  auto request = requestFor(repo);
  request.ref = "no-such-branch";
  try {
    runScan(request);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-branch"), std::string::npos) << e.what();
  }
}

TEST(ScanPipeline, CountsSkippedFilesByReason) {
  TestRepo repo;
  repo.addSymlink("link.py", "a.py");
  repo.commit({{"a.py", "OLD_API(1)\n"},
               {"big.py", std::string(5000, 'x') + "OLD_API(2)\n"},
               {"blob.bin", std::string("\x7f"
                                        "ELF\0\0\0OLD_API(3)",
                                        17)}});
  auto request = requestFor(repo);
  request.maxFileBytes = 4096;
  auto report = runScan(request);
  EXPECT_EQ(report.result.findings.size(), 1u);
  EXPECT_EQ(report.stats.files, 1u);
  EXPECT_EQ(report.stats.skipped, 3u);
  EXPECT_EQ(report.stats.skippedByReason.at("tooLarge"), 1u);
  EXPECT_EQ(report.stats.skippedByReason.at("binary"), 1u);
  EXPECT_EQ(report.stats.skippedByReason.at("symlink"), 1u);
}

TEST(ScanPipeline, IgnorePathsHideFilesFromEveryAnalyzer) {
  TestRepo repo;
  repo.commit({{".github/ddd.json", "{\"ignorePaths\": [\"vendor/**\", \"*.gen.py\"]}\n"},
               {"vendor/lib/x.py", "OLD_API(1)\n"},
               {"src/api.gen.py", "OLD_API(2)\n"},
               {"src/a.py", "OLD_API(3)\n"}});
  auto report = runScan(requestFor(repo));
  EXPECT_EQ(report.configPath, ".github/ddd.json");
  ASSERT_EQ(report.result.findings.size(), 1u);
  EXPECT_EQ(report.result.findings[0].path, "src/a.py");
  EXPECT_EQ(report.stats.skippedByReason.at("ignored"), 2u);
  EXPECT_EQ(report.stats.skipped, 2u);
}

TEST(ScanPipeline, ConfigMaxFileBytesAppliesUnlessTheFlagOverridesIt) {
  TestRepo repo;
  repo.commit({{".ddd.json", "{\"maxFileBytes\": 100}\n"},
               {"big.py", std::string(150, '#') + "\nOLD_API(1)\n"},
               {"small.py", "OLD_API(2)\n"}});
  auto report = runScan(requestFor(repo));
  ASSERT_EQ(report.result.findings.size(), 1u);
  EXPECT_EQ(report.result.findings[0].path, "small.py");
  EXPECT_EQ(report.stats.skippedByReason.at("tooLarge"), 1u);

  auto request = requestFor(repo);
  request.maxFileBytes = 4096;
  EXPECT_EQ(runScan(request).result.findings.size(), 2u);
}

TEST(ScanPipeline, ConfigChoosesTheAnalyzers) {
  // Every analyzer the schema names is built in now, so the config can only choose among
  // them (an unknown name is a schema error, reported as config.invalid).
  TestRepo repo;
  repo.commit({{".ddd.json", "{\"analyzers\": [\"runbooks\", \"deprecations\"]}\n"},
               {"a.py", "OLD_API(1)\n"}});
  auto request = requestFor(repo);
  request.analyzers.clear();
  auto report = runScan(request);
  EXPECT_EQ(report.analyzers, (std::vector<std::string>{"runbooks", "deprecations"}));
  for (const auto& w : report.result.warnings) {
    EXPECT_EQ(w.find("which this ddd does not have"), std::string::npos) << w;
  }
  EXPECT_TRUE(report.result.details.contains("runbooks"));
}

TEST(ScanPipeline, InvalidConfigBecomesAFindingAndTheScanGoesOnWithDefaults) {
  TestRepo repo;
  repo.commit({{".github/ddd.json", "{\"ignorePaths\": [\"src/**\"], \"maxFileBytes\": -3}\n"},
               {"src/a.py", "OLD_API(1)\n"}});
  auto report = runScan(requestFor(repo));
  ASSERT_EQ(report.result.findings.size(), 2u);
  const auto& config = report.result.findings[0];
  EXPECT_EQ(config.analyzer, "config");
  EXPECT_EQ(config.rule, "config.invalid");
  EXPECT_EQ(config.severity, analyzers::Severity::Error);
  EXPECT_EQ(config.path, ".github/ddd.json");
  EXPECT_NE(config.message.find("maxFileBytes"), std::string::npos) << config.message;
  EXPECT_EQ(report.result.findings[1].path, "src/a.py");  // ignorePaths was not applied
  ASSERT_FALSE(report.result.warnings.empty());
  EXPECT_NE(report.result.warnings[0].find("invalid repository config"), std::string::npos);
}

TEST(TextReport, GroupsFindingsByPathAndEndsWithASummary) {
  TestRepo repo;
  repo.commit({{"src/b.py", "x = OLD_API(1)\n"}, {"src/a.py", "OLD_API(2)\nOLD_API(3)\n"}});
  auto text = renderText(runScan(requestFor(repo)));
  auto a = text.find("src/a.py\n  1:1  warning  test.old-api  OLD_API is deprecated.");
  auto b = text.find("src/b.py\n  1:5  warning  test.old-api");
  ASSERT_NE(a, std::string::npos) << text;
  ASSERT_NE(b, std::string::npos) << text;
  EXPECT_LT(a, b);
  EXPECT_NE(text.find("ddd/test/old-api  Replace OLD_API with NEW_API  (2 files, automerge)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("3 findings (3 warning) in 2 files, 1 proposed change; scanned 2 files"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace ddd::bot
