// SARIF output in-process: structure GitHub code scanning accepts, edge cases of paths
// and locations, and fingerprints that survive unrelated edits.
#include <gtest/gtest.h>

#include "bot/report.h"
#include "bot/scan.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::kTestAnalyzer;
using ddd::testing::TestRepo;

ScanReport scanWithTestAnalyzer(const TestRepo& repo) {
  ddd::testing::registerTestAnalyzer();
  ScanRequest r;
  r.repoPath = repo.path();
  r.analyzers = {kTestAnalyzer};
  r.dataDir = ddd::testing::dataDir().string();
  return runScan(r);
}

std::string fingerprintOf(const nlohmann::json& result) {
  return result["partialFingerprints"]["primaryLocationLineHash"].get<std::string>();
}

TEST(Sarif, IsValidForCodeScanningWithFindings) {
  TestRepo repo;
  repo.commit({{"src/app.py", "a = 1\nb = OLD_API(a)\n"}, {"lib/util.py", "OLD_API(2)\n"}});
  auto report = scanWithTestAnalyzer(repo);
  auto sarif = scanToSarif(report);
  ddd::testing::expectSarifValidForCodeScanning(sarif, report.commit.hex());
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "lib/util.py");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["startColumn"], 5);
  EXPECT_EQ(results[1]["level"], "warning");
  const auto& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0]["id"], "test.old-api");
  EXPECT_EQ(rules[0]["helpUri"], "https://example.com/docs/new-api");
  EXPECT_EQ(rules[0]["shortDescription"]["text"], "OLD_API is deprecated.");
}

TEST(Sarif, IsValidWithNoFindings) {
  TestRepo repo;
  repo.commit({{"a.py", "clean\n"}});
  auto report = scanWithTestAnalyzer(repo);
  auto sarif = scanToSarif(report);
  ddd::testing::expectSarifValidForCodeScanning(sarif, report.commit.hex());
  EXPECT_TRUE(sarif["runs"][0]["results"].empty());
  EXPECT_TRUE(sarif["runs"][0]["tool"]["driver"]["rules"].empty());
}

TEST(Sarif, EncodesPathsAndClampsWholeFileFindingsToLineOne) {
  ScanReport report;
  report.repoPath = "/tmp/some repo";
  report.commit = git::Oid::fromHex("0123456789abcdef0123456789abcdef01234567");
  analyzers::Finding whole;
  whole.analyzer = "config";
  whole.rule = "config.invalid";
  whole.severity = analyzers::Severity::Error;
  whole.path = "dir with space/ä.json";
  whole.line = 0;
  whole.message = "bad config";
  analyzers::Finding info = whole;
  info.rule = "x.info";
  info.severity = analyzers::Severity::Info;
  info.path = "a#b?.py";
  info.line = 4;
  info.column = 2;
  report.result.findings = {whole, info};
  auto sarif = scanToSarif(report);
  ddd::testing::expectSarifValidForCodeScanning(sarif, report.commit.hex());
  const auto& results = sarif["runs"][0]["results"];
  const auto& loc0 = results[0]["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc0["artifactLocation"]["uri"], "dir%20with%20space/%C3%A4.json");
  EXPECT_EQ(loc0["region"]["startLine"], 1);
  EXPECT_FALSE(loc0["region"].contains("startColumn"));
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%23b%3F.py");
  EXPECT_EQ(results[1]["level"], "note");
  EXPECT_EQ(sarif["runs"][0]["versionControlProvenance"][0]["repositoryUri"],
            "file:///tmp/some%20repo/");
}

TEST(Sarif, FindingsWithoutAFileBecomeToolNotifications) {
  ScanReport report;
  report.repoPath = "/tmp/repo";
  report.commit = git::Oid::fromHex("0123456789abcdef0123456789abcdef01234567");
  analyzers::Finding failed;
  failed.analyzer = "deprecations";
  failed.rule = "deprecations.failed";
  failed.severity = analyzers::Severity::Error;
  failed.message = "the deprecations analyzer stopped: corrupt pack";
  report.result.findings = {failed};
  auto sarif = scanToSarif(report);
  ddd::testing::expectSarifValidForCodeScanning(sarif, report.commit.hex());
  EXPECT_TRUE(sarif["runs"][0]["results"].empty());
  const auto& notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["level"], "error");
  EXPECT_EQ(notes[0]["message"]["text"], failed.message);
}

TEST(Sarif, FingerprintsSurviveLineShiftsAndTellIdenticalLinesApart) {
  TestRepo repo;
  repo.commit({{"a.py", "x = OLD_API(1)\nx = OLD_API(1)\n"}});
  auto before = scanToSarif(scanWithTestAnalyzer(repo))["runs"][0]["results"];
  repo.commit({{"a.py", "import os\n\nx = OLD_API(1)\nx = OLD_API(1)\n"}});
  auto after = scanToSarif(scanWithTestAnalyzer(repo))["runs"][0]["results"];
  ASSERT_EQ(before.size(), 2u);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_NE(fingerprintOf(before[0]), fingerprintOf(before[1]));
  EXPECT_EQ(fingerprintOf(before[0]), fingerprintOf(after[0]));
  EXPECT_EQ(fingerprintOf(before[1]), fingerprintOf(after[1]));
  EXPECT_NE(after[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            before[0]["locations"][0]["physicalLocation"]["region"]["startLine"]);
}

TEST(Sarif, UsesTheOriginRemoteAsRepositoryUri) {
  TestRepo repo;
  repo.commit({{"a.py", "OLD_API(1)\n"}});
  ddd::testing::git(repo.path(), "remote add origin git@example.com:team/app.git");
  auto sarif = scanToSarif(scanWithTestAnalyzer(repo));
  EXPECT_EQ(sarif["runs"][0]["versionControlProvenance"][0]["repositoryUri"],
            "ssh://git@example.com/team/app.git");
}

}  // namespace
}  // namespace ddd::bot
