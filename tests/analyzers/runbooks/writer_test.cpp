// The generated runbooks: golden outputs for two real-looking operations trees
// (tests/fixtures/runbooks/<name>/repo -> expected/), one page per cadence with a section
// per component, regeneration that keeps human edits and is idempotent, a calendar that
// depends on the schedules only, broken markers left alone, and a human rollback section
// that answers a missing-rollback finding. DDD_UPDATE_GOLDEN=1 rewrites the goldens.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzers/runbooks/analyzer.h"
#include "analyzers/runbooks/file_input.h"
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

Files generatedFiles(const RunbookRun& run) {
  Files out;
  if (const ProposedChange* c = run.change()) {
    for (const auto& e : c->edits) out[e.path] = e.newContent;
  }
  return out;
}

TEST(RunbooksWriter, OnePagePerCadenceWithASectionPerComponent) {
  testing::TestRepo repo;
  Files files = kService;
  files["worker/tasks.py"] = "QUEUE_DEPTH_THRESHOLD = 500\n";
  files[".github/CODEOWNERS"] = "/api/ @team-api\n";
  files[".github/workflows/ci.yml"] = "on: push\njobs:\n  test:\n    steps:\n      - run: pytest\n";
  const RunbookRun run = runOn(repo, files);
  ASSERT_NE(run.change(), nullptr);
  std::set<std::string> paths;
  for (const auto& e : run.change()->edits) paths.insert(e.path);
  // Nothing quarterly or annual: no quarterly.md; no schedule: no calendar.
  EXPECT_EQ(paths, (std::set<std::string>{"docs/runbooks/README.md", "docs/runbooks/daily.md", "docs/runbooks/monthly.md",
                                          "docs/runbooks/rollback.md", "docs/runbooks/weekly.md"}));
  const std::string daily = *run.edited("docs/runbooks/daily.md");
  // Repository-wide checks (CI here) get a section of their own where they apply; a page
  // without any (daily here) has none.
  EXPECT_EQ(daily.find("<!-- ddd:begin repository-wide -->"), std::string::npos);
  const std::string weekly = *run.edited("docs/runbooks/weekly.md");
  EXPECT_NE(weekly.find("<!-- ddd:begin repository-wide -->\n## Repository-wide\n"), std::string::npos) << weekly;
  EXPECT_NE(weekly.find("Validate changes with `CI pipeline .github/workflows/ci.yml` — `.github/workflows/ci.yml:1`"),
            std::string::npos);
  // ... and a component does not ask for what the repository already has.
  EXPECT_EQ(weekly.find("**TODO:** how a change to this component is validated"), std::string::npos) << weekly;
  for (const char* id : {"overview", "api", "worker"}) {
    EXPECT_NE(daily.find("<!-- ddd:begin " + std::string(id) + " -->\n"), std::string::npos) << id << "\n" << daily;
    EXPECT_NE(daily.find("<!-- ddd:end " + std::string(id) + " -->\n"), std::string::npos) << id;
  }
  // Each section: time, access, checklist, expected results, escalation.
  const std::string api = daily.substr(daily.find("<!-- ddd:begin api -->"));
  for (const char* part : {"## Component: api", "**Time required:**", "**Access required:**", "**Checklist**",
                           "**Expected results:**", "**Escalation triggers**"}) {
    EXPECT_NE(api.find(part), std::string::npos) << part << "\n" << api;
  }
  EXPECT_NE(api.find("- [ ] Call `GET /healthz` on the service; expect a 2xx answer — `api/app.py:1`"), std::string::npos);
  // The repository's CODEOWNERS is who a component escalates to.
  EXPECT_NE(api.find("tell the owners of `/api/`: `@team-api` — `.github/CODEOWNERS:1`"), std::string::npos) << api;
  const std::string worker = daily.substr(daily.find("<!-- ddd:begin worker -->"));
  EXPECT_NE(worker.find("Check `QUEUE_DEPTH_THRESHOLD` against its threshold `500` — `worker/tasks.py:1`"), std::string::npos);
  EXPECT_NE(worker.find("**TODO:** the command or URL that shows this component is healthy"), std::string::npos);
  // Timeouts are reviewed monthly, the migration's way back is in rollback.md.
  EXPECT_NE(run.edited("docs/runbooks/monthly.md")->find("Review timeout `REQUEST_TIMEOUT` = `30`"), std::string::npos);
  const std::string rollback = *run.edited("docs/runbooks/rollback.md");
  for (const char* part : {"### Alembic migration: 001_init", "**Pre-flight**", "**Validation**", "**Rollback**",
                           "**TODO:** no rollback path"}) {
    EXPECT_NE(rollback.find(part), std::string::npos) << part << "\n" << rollback;
  }
  EXPECT_NE(rollback.find("No operation that needs a rollback path was found for this component."), std::string::npos);
  // Per-page and per-component counts in the details.
  const json& checklist = run.result.details["checklist"];
  EXPECT_EQ(checklist["files"].size(), 4u) << checklist.dump(1);
  EXPECT_GT(checklist["components"]["api"]["cited"].get<int>(), 0) << checklist.dump(1);
  int sum = 0;
  for (const auto& [name, counts] : checklist["components"].items()) sum += counts["cited"].get<int>() + counts["todo"].get<int>();
  EXPECT_EQ(checklist["cited"].get<int>() + checklist["todo"].get<int>(), sum);
  EXPECT_TRUE(checklist["components"].contains("(repository-wide)")) << checklist.dump(1);

  // A certificate makes a quarterly page and a renewal event in the calendar.
  const RunbookRun withCert = runOn(repo, {{"api/ssl/mkcert.sh", "#!/bin/sh\nopenssl req -x509 -days 825 -out api.pem\n"}});
  const auto quarterly = withCert.edited("docs/runbooks/quarterly.md");
  ASSERT_TRUE(quarterly);
  EXPECT_NE(quarterly->find("Check the expiry of `openssl certificate`"), std::string::npos) << *quarterly;
  EXPECT_NE(quarterly->find("(valid 825 days) — `api/ssl/mkcert.sh:2`"), std::string::npos) << *quarterly;
  const auto ics = withCert.edited("docs/runbooks/maintenance.ics");
  ASSERT_TRUE(ics);
  EXPECT_NE(ics->find("DTSTART;VALUE=DATE:20240101\r\nRRULE:FREQ=DAILY;INTERVAL=825\r\n"), std::string::npos) << *ics;
}

TEST(RunbooksWriter, RegenerationKeepsHumanEditsAndIsIdempotent) {
  testing::TestRepo repo;
  const RunbookRun first = runOn(repo, kService);
  const auto generated = first.edited("docs/runbooks/daily.md");
  ASSERT_TRUE(generated);
  EXPECT_NE(generated->find("Call `GET /healthz` on the service; expect a 2xx answer — `api/app.py:1`"),
            std::string::npos)
      << *generated;

  // A person adds notes outside the markers and scribbles inside one region.
  std::string edited = *generated;
  edited.insert(0, "Owner: team api (human line)\n");
  const std::string region = "<!-- ddd:begin api -->\n";
  ASSERT_NE(edited.find(region), std::string::npos);
  edited.insert(edited.find(region) + region.size(), "scribble inside the region\n");
  edited += "\nA human paragraph at the end.\n";
  Files committed = generatedFiles(first);
  committed["docs/runbooks/daily.md"] = edited;
  const RunbookRun second = runOn(repo, committed);
  const auto regenerated = second.edited("docs/runbooks/daily.md");
  ASSERT_TRUE(regenerated);
  EXPECT_EQ(regenerated->rfind("Owner: team api (human line)\n", 0), 0u);
  EXPECT_EQ(regenerated->find("scribble inside the region"), std::string::npos);
  const std::string notes = "## Notes\n\nHuman notes go here (outside the markers); regeneration keeps them.\n";
  EXPECT_NE(regenerated->find(notes + "\nA human paragraph at the end.\n"), std::string::npos);
  // Only the page a person touched changes: the others were committed as generated.
  EXPECT_EQ(second.change()->edits.size(), 1u);

  // Committed as regenerated: nothing left to change, no change proposed.
  const RunbookRun third = runOn(repo, {{"docs/runbooks/daily.md", *regenerated}});
  EXPECT_EQ(third.change(), nullptr);
}

TEST(RunbooksWriter, TheCalendarIsAPureFunctionOfTheSchedules) {
  testing::TestRepo repo;
  Files files = kService;
  files["ops/crontab"] = "0 3 * * * /usr/local/bin/backup-api.sh\n";
  files["ops/logrotate.d/api"] = "/var/log/api/*.log {\n  weekly\n  rotate 4\n}\n";
  files["ops/api-sync.timer"] = "[Timer]\nOnBootSec=2min\nOnUnitActiveSec=6h\n";
  files["ops/api-sync.service"] = "[Service]\nExecStart=/usr/local/bin/api-sync\n";
  const RunbookRun first = runOn(repo, files);
  const auto ics = first.edited("docs/runbooks/maintenance.ics");
  ASSERT_TRUE(ics);
  EXPECT_NE(ics->find("RRULE:FREQ=DAILY;BYHOUR=3;BYMINUTE=0\r\n"), std::string::npos) << *ics;
  // logrotate and the interval timer are events too (from an unknown start).
  EXPECT_NE(ics->find("DTSTART;VALUE=DATE:20240101\r\nRRULE:FREQ=WEEKLY\r\n"), std::string::npos) << *ics;
  EXPECT_NE(ics->find("DTSTART:20240101T000000Z\r\nRRULE:FREQ=HOURLY;INTERVAL=6\r\n"), std::string::npos) << *ics;
  // The details list the RRULEs too.
  size_t withRule = 0;
  for (const auto& s : first.result.details["schedules"]) withRule += s.contains("rrule") || s.contains("cron") ? 1 : 0;
  EXPECT_EQ(withRule, 3u) << first.result.details["schedules"].dump(1);
  // Committed, then scanned again a month later: nothing changes.
  const git::Oid head = repo.commit(generatedFiles(first));
  GitSourceTree tree(repo.path(), head, ScanLimits{1 << 20, 2});
  AnalyzerContext later;
  later.repoName = "shop";
  later.now = 1767225600 + 86400 * 30;
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

TEST(RunbooksWriter, ASectionOfAComponentThatWentAwaySaysSo) {
  testing::TestRepo repo;
  Files files = kService;
  files["worker/tasks.py"] = "QUEUE_DEPTH_THRESHOLD = 500\n";
  const RunbookRun first = runOn(repo, files);
  Files committed = generatedFiles(first);
  committed["worker/tasks.py"] = std::nullopt;  // the component is removed
  const RunbookRun second = runOn(repo, committed);
  const auto daily = second.edited("docs/runbooks/daily.md");
  ASSERT_TRUE(daily);
  const size_t begin = daily->find("<!-- ddd:begin worker -->\n");
  ASSERT_NE(begin, std::string::npos);
  EXPECT_EQ(daily->substr(begin, daily->find("<!-- ddd:end worker -->") - begin),
            "<!-- ddd:begin worker -->\n_ddd no longer generates this section: its component or the facts it listed "
            "are gone from the repository. Delete it, markers included._\n");
  EXPECT_EQ(daily->find("QUEUE_DEPTH_THRESHOLD"), std::string::npos);
  // Once committed, nothing changes again.
  const RunbookRun third = runOn(repo, generatedFiles(second));
  EXPECT_EQ(third.change(), nullptr);

  // The same for a whole page: the certificate that made quarterly.md goes away.
  const RunbookRun withCert = runOn(repo, {{"api/mkcert.sh", "openssl req -x509 -days 90 -out api.pem\n"}});
  ASSERT_TRUE(withCert.edited("docs/runbooks/quarterly.md"));
  Files next = generatedFiles(withCert);
  next["api/mkcert.sh"] = std::nullopt;
  const RunbookRun gone = runOn(repo, next);
  const auto quarterly = gone.edited("docs/runbooks/quarterly.md");
  ASSERT_TRUE(quarterly);
  EXPECT_EQ(quarterly->find("openssl"), std::string::npos) << *quarterly;
  EXPECT_NE(quarterly->find("<!-- ddd:begin api -->\n_ddd no longer generates this section"), std::string::npos) << *quarterly;
  EXPECT_EQ(quarterly->rfind("# Quarterly and annual maintenance\n", 0), 0u) << "human text outside the markers stays";
  EXPECT_EQ(runOn(repo, generatedFiles(gone)).change(), nullptr);
}

TEST(RunbooksWriter, FactsFromNonUtf8FilesBecomeValidUtf8) {
  testing::TestRepo repo;
  Files files = kService;
  files["api/legacy.py"] = std::string("DISK_USAGE_THRESHOLD = 90\n"
                                       "def f():\n    raise RuntimeError('caf\xe9 disk \xff full')\n");
  const RunbookRun run = runOn(repo, files);
  const auto daily = run.edited("docs/runbooks/daily.md");
  ASSERT_TRUE(daily);
  EXPECT_NE(daily->find("Check `DISK_USAGE_THRESHOLD` against its threshold `90` — `api/legacy.py:1`"), std::string::npos)
      << *daily;
  EXPECT_NE(daily->find("`caf? disk ? full`"), std::string::npos) << *daily;
  for (const auto& e : run.change()->edits) {
    EXPECT_EQ(text::validUtf8(*e.newContent), *e.newContent) << e.path;
  }
}

TEST(RunbooksWriter, BrokenMarkersLeaveTheFileAloneWithAWarning) {
  testing::TestRepo repo;
  const std::string broken = "# Daily maintenance\n<!-- ddd:begin api -->\nmy own text\n## Notes\n";
  Files files = kService;
  files["docs/runbooks/daily.md"] = broken;
  const RunbookRun run = runOn(repo, files);
  EXPECT_FALSE(run.edited("docs/runbooks/daily.md"));
  EXPECT_TRUE(run.edited("docs/runbooks/weekly.md"));
  EXPECT_TRUE(run.edited("docs/runbooks/README.md"));
  bool warned = false;
  for (const auto& w : run.result.warnings) {
    warned = warned || w == "docs/runbooks/daily.md: broken ddd markers (line 2: ddd:begin api has no "
                            "ddd:end); the file is left alone — fix the markers to have it regenerated";
  }
  EXPECT_TRUE(warned);
  bool finding = false;
  for (const auto& f : run.result.findings) finding = finding || (f.rule == "runbooks.broken-markers" && f.path == "docs/runbooks/daily.md");
  EXPECT_TRUE(finding);
}

TEST(RunbooksWriter, APerComponentPageOfAnEarlierDddIsLeftAloneWithAWarning) {
  testing::TestRepo repo;
  Files files = kService;
  const std::string legacy = "# Runbook: api\n\n<!-- ddd:begin summary -->\nold\n<!-- ddd:end summary -->\n\nmy notes\n";
  files["docs/runbooks/api.md"] = legacy;
  const RunbookRun run = runOn(repo, files);
  EXPECT_FALSE(run.edited("docs/runbooks/api.md"));
  bool warned = false;
  for (const auto& w : run.result.warnings) {
    warned = warned || w.rfind("docs/runbooks/api.md: a per-component runbook from an earlier ddd", 0) == 0;
  }
  EXPECT_TRUE(warned);
}

TEST(RunbooksWriter, AHumanRollbackSectionAnswersTheFinding) {
  testing::TestRepo repo;
  const RunbookRun before = runOn(repo, kService);
  ASSERT_EQ(before.result.findings.size(), 1u);
  const auto page = before.edited("docs/runbooks/rollback.md");
  ASSERT_TRUE(page);
  EXPECT_NE(page->find("**TODO:** no rollback path"), std::string::npos);
  const RunbookRun after = runOn(repo, {{"docs/runbooks/rollback.md",
                                  *page + "\n## Rollback: 001_init\n\nRestore last night's dump with ops/restore.sh.\n"}});
  EXPECT_TRUE(after.result.findings.empty());
  const auto updated = after.edited("docs/runbooks/rollback.md");
  ASSERT_TRUE(updated);
  EXPECT_NE(updated->find("Follow the documented rollback — `docs/runbooks/rollback.md:"), std::string::npos);
  EXPECT_NE(updated->find("Restore last night's dump with ops/restore.sh."), std::string::npos);
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
