// The generated runbooks: golden outputs for two real-looking operations trees
// (tests/fixtures/runbooks/<name>/repo -> expected/), regeneration that keeps human
// edits and is idempotent, broken markers left alone, and a human rollback section
// that answers a missing-rollback finding. DDD_UPDATE_GOLDEN=1 rewrites the goldens.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzers/runbooks/analyzer.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::runbooks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Files = std::map<std::string, std::optional<std::string>>;

struct RunbookRun {
  AnalysisResult result;
  const ProposedChange* change() const {
    for (const auto& c : result.changes) {
      if (c.id == "runbooks/maintenance") return &c;
    }
    return nullptr;
  }
  std::optional<std::string> edited(const std::string& path) const {
    if (const ProposedChange* c = change()) {
      for (const auto& e : c->edits) {
        if (e.path == path) return e.newContent;
      }
    }
    return std::nullopt;
  }
};

RunbookRun runOn(testing::TestRepo& repo, const Files& files, const json& config = json::object(),
          const std::string& name = "shop") {
  const git::Oid head = repo.commit(files);
  GitSourceTree tree(repo.path(), head, ScanLimits{1 << 20, 2});
  AnalyzerContext context;
  context.repoName = name;
  context.config = config;
  context.now = 1767225600;  // 2026-01-01T00:00:00Z: the calendar's DTSTAMP and first runs
  RunbooksAnalyzer analyzer;
  return RunbookRun{analyzer.run(tree, context)};
}

Files readTree(const fs::path& root) {
  Files files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    files[fs::relative(entry.path(), root).generic_string()] = testing::readFile(entry.path());
  }
  return files;
}

class RunbooksGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(RunbooksGolden, GeneratedRunbooksMatchTheGoldenFiles) {
  const fs::path dir = testing::sourceDir() / "tests" / "fixtures" / "runbooks" / GetParam();
  const Files files = readTree(dir / "repo");
  json config = json::object();
  if (auto it = files.find(".ddd.json"); it != files.end()) config = json::parse(*it->second).value("runbooks", json::object());
  testing::TestRepo repo;
  const RunbookRun run = runOn(repo, files, config, GetParam());
  ASSERT_NE(run.change(), nullptr);
  const bool update = std::getenv("DDD_UPDATE_GOLDEN") != nullptr;
  std::set<std::string> expected;
  if (fs::exists(dir / "expected")) {
    for (const auto& [path, content] : readTree(dir / "expected")) expected.insert(path);
  }
  for (const FileEdit& e : run.change()->edits) {
    ASSERT_TRUE(e.newContent);
    const fs::path golden = dir / "expected" / e.path;
    if (update) testing::writeFile(golden, *e.newContent);
    ASSERT_TRUE(fs::exists(golden)) << golden << " missing; run with DDD_UPDATE_GOLDEN=1";
    EXPECT_EQ(*e.newContent, testing::readFile(golden)) << e.path;
    expected.erase(e.path);
  }
  EXPECT_TRUE(expected.empty()) << "golden files no longer generated: " << *expected.begin();
  // The share of checklist items that carry a cited fact, reported for the record.
  const json& checklist = run.result.details["checklist"];
  std::cout << "[ golden " << GetParam() << " ] cited " << checklist["cited"] << ", TODO "
            << checklist["todo"] << ", cited share " << checklist["citedShare"] << "\n";
  EXPECT_GT(checklist["cited"].get<int>(), checklist["todo"].get<int>());
  // Every cited item names a file of the fixture.
  for (const FileEdit& e : run.change()->edits) {
    std::istringstream lines(*e.newContent);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("- [ ] ", 0) != 0 || line.find("**TODO:**") != std::string::npos) continue;
      const size_t tick = line.rfind(" — `");
      if (tick == std::string::npos) continue;
      const std::string cite = line.substr(tick + 6, line.size() - tick - 7);
      const std::string path = cite.substr(0, cite.rfind(':'));
      EXPECT_TRUE(files.count(path) != 0) << "cites a file that does not exist: " << line;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RunbooksGolden, ::testing::Values("nginx-role", "orders-platform"));

const Files kService = {
    {"api/app.py", "@app.get('/healthz')\ndef h():\n    return 'ok'\nREQUEST_TIMEOUT = 30\n"},
    {"api/migrations/versions/001_init.py",
     "down_revision = None\ndef upgrade():\n    op.create_table('t')\ndef downgrade():\n    pass\n"},
};

TEST(RunbooksWriter, RegenerationKeepsHumanEditsAndIsIdempotent) {
  testing::TestRepo repo;
  const RunbookRun first = runOn(repo, kService);
  const auto generated = first.edited("docs/runbooks/api.md");
  ASSERT_TRUE(generated);
  EXPECT_NE(generated->find("Call `GET /healthz` on the service; expect a 2xx answer — `api/app.py:1`"),
            std::string::npos)
      << *generated;
  ASSERT_TRUE(first.edited("docs/runbooks/README.md"));

  // A person adds notes outside the markers and scribbles inside one region.
  std::string edited = *generated;
  edited.insert(0, "Owner: team api (human line)\n");
  const std::string daily = "<!-- ddd:begin daily -->\n";
  edited.insert(edited.find(daily) + daily.size(), "scribble inside the region\n");
  edited += "\nA human paragraph at the end.\n";
  const RunbookRun second = runOn(repo, {{"docs/runbooks/api.md", edited},
                                  {"docs/runbooks/README.md", *first.edited("docs/runbooks/README.md")}});
  const auto regenerated = second.edited("docs/runbooks/api.md");
  ASSERT_TRUE(regenerated);
  EXPECT_EQ(regenerated->rfind("Owner: team api (human line)\n", 0), 0u);
  EXPECT_EQ(regenerated->find("scribble inside the region"), std::string::npos);
  EXPECT_NE(regenerated->find("\nA human paragraph at the end.\n"), std::string::npos);
  // The committed runbook now counts as runbook docs, so the summary may change; the
  // human text around the regions may not.
  const std::string notes = "## Notes\n\nHuman notes and `## Rollback: <name>` sections go here (outside the markers).\n";
  EXPECT_NE(regenerated->find(notes + "\nA human paragraph at the end.\n"), std::string::npos);

  // Committed as regenerated: nothing left to change, no change proposed.
  const RunbookRun third = runOn(repo, {{"docs/runbooks/api.md", *regenerated}});
  EXPECT_EQ(third.change(), nullptr);
}

TEST(RunbooksWriter, TheCalendarIsRewrittenOnlyWhenASchedulesChanges) {
  testing::TestRepo repo;
  Files files = kService;
  files["ops/crontab"] = "0 3 * * * /usr/local/bin/backup-api.sh\n";
  const RunbookRun first = runOn(repo, files);
  const auto ics = first.edited("docs/runbooks/maintenance.ics");
  ASSERT_TRUE(ics);
  EXPECT_NE(ics->find("RRULE:FREQ=DAILY;BYHOUR=3;BYMINUTE=0\r\n"), std::string::npos) << *ics;
  Files generated;
  for (const auto& e : first.change()->edits) generated[e.path] = e.newContent;
  // Committed, then scanned again a day later: only DTSTAMP would differ, so nothing changes.
  const git::Oid head = repo.commit(generated);
  GitSourceTree tree(repo.path(), head, ScanLimits{1 << 20, 2});
  AnalyzerContext later;
  later.repoName = "shop";
  later.now = 1767225600 + 86400;
  RunbooksAnalyzer analyzer;
  const AnalysisResult again = analyzer.run(tree, later);
  for (const auto& c : again.changes) {
    for (const auto& e : c.edits) ADD_FAILURE() << "changed again: " << e.path << "\n" << *e.newContent;
  }
  // A changed schedule rewrites it.
  const RunbookRun changed = runOn(repo, {{"ops/crontab", "0 4 * * 1 /usr/local/bin/backup-api.sh\n"}});
  const auto ics2 = changed.edited("docs/runbooks/maintenance.ics");
  ASSERT_TRUE(ics2);
  EXPECT_NE(ics2->find("RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=4;BYMINUTE=0\r\n"), std::string::npos) << *ics2;
}

TEST(RunbooksWriter, BrokenMarkersLeaveTheFileAloneWithAWarning) {
  testing::TestRepo repo;
  const std::string broken = "# Runbook: api\n<!-- ddd:begin daily -->\nmy own text\n## Notes\n";
  Files files = kService;
  files["docs/runbooks/api.md"] = broken;
  const RunbookRun run = runOn(repo, files);
  EXPECT_FALSE(run.edited("docs/runbooks/api.md"));
  EXPECT_TRUE(run.edited("docs/runbooks/README.md"));
  bool warned = false;
  for (const auto& w : run.result.warnings) {
    warned = warned || w == "docs/runbooks/api.md: broken ddd markers (line 2: ddd:begin daily has no "
                            "ddd:end); the file is left alone — fix the markers to have it regenerated";
  }
  EXPECT_TRUE(warned);
  bool finding = false;
  for (const auto& f : run.result.findings) finding = finding || (f.rule == "runbooks.broken-markers" && f.path == "docs/runbooks/api.md");
  EXPECT_TRUE(finding);
}

TEST(RunbooksWriter, AHumanRollbackSectionAnswersTheFinding) {
  testing::TestRepo repo;
  const RunbookRun before = runOn(repo, kService);
  ASSERT_EQ(before.result.findings.size(), 1u);
  const auto page = before.edited("docs/runbooks/api.md");
  ASSERT_TRUE(page);
  EXPECT_NE(page->find("**TODO:** no rollback path"), std::string::npos);
  const RunbookRun after = runOn(repo, {{"docs/runbooks/api.md",
                                  *page + "\n## Rollback: 001_init\n\nRestore last night's dump with ops/restore.sh.\n"}});
  EXPECT_TRUE(after.result.findings.empty());
  const auto updated = after.edited("docs/runbooks/api.md");
  ASSERT_TRUE(updated);
  EXPECT_NE(updated->find("Follow the documented rollback — `docs/runbooks/api.md:"), std::string::npos);
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
