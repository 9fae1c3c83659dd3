// The deprecations analyzer end to end: config, edits, grouping into changes, PR texts.

#include <gtest/gtest.h>

#include "analyzers/analyzer.h"
#include "analyzers/deprecations/analyzer.h"
#include "analyzers/deprecations/register.h"
#include "tests/analyzers/deprecations_support.h"

namespace ddd::analyzers::deprecations {
namespace {

using nlohmann::json;
using namespace ddd::testing::deprecations;

const FileEdit* editOf(const ProposedChange& c, const std::string& path) {
  for (const FileEdit& e : c.edits) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

std::string configErrorOf(const json& config) {
  try {
    runDeprecations({{"a.py", "x = 1\n"}}, allTestPacks(), config);
  } catch (const DeprecationsConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DeprecationsAnalyzer, EditTouchesOnlyTheMatchedSpan) {
  const std::string original =
      "import logging\r\n"
      "\r\n"
      "def   run( job ):   # odd   spacing stays\r\n"
      "\tlogging.warn('retry %s',job)  ;  logging.warn ('not a call form')\r\n"
      "\tlogger.warn(  'tabs\tand trailing spaces'  )   \r\n"
      "# logging.warn('comment stays')\r\n"
      "no_newline_at_end = logging.warn";
  const auto result =
      runDeprecations({{"svc/worker.py", original}}, {testPack("sample_python.json")});
  const ProposedChange* change = changeById(result, "deprecations/sample-python");
  ASSERT_NE(change, nullptr);
  const FileEdit* edit = editOf(*change, "svc/worker.py");
  ASSERT_NE(edit, nullptr);
  ASSERT_TRUE(edit->newContent);
  const std::string expected =
      "import logging\r\n"
      "\r\n"
      "def   run( job ):   # odd   spacing stays\r\n"
      "\tlogging.warning('retry %s',job)  ;  logging.warn ('not a call form')\r\n"
      "\tlogger.warning(  'tabs\tand trailing spaces'  )   \r\n"
      "# logging.warn('comment stays')\r\n"
      "no_newline_at_end = logging.warn";
  EXPECT_EQ(*edit->newContent, expected);
  ASSERT_EQ(edit->spans.size(), 2u);
  EXPECT_EQ(edit->spans[0].line, 4u);
  EXPECT_EQ(edit->spans[0].before, "logging.warn(");
  EXPECT_EQ(edit->spans[0].replacement, "logging.warning(");
  EXPECT_EQ(edit->spans[1].line, 5u);
  // Bytes before the first span and after the last are identical.
  EXPECT_EQ(edit->newContent->substr(0, edit->spans[0].offset),
            original.substr(0, edit->spans[0].offset));
  const std::size_t tail = original.size() - (edit->spans[1].offset + edit->spans[1].length);
  EXPECT_EQ(edit->newContent->substr(edit->newContent->size() - tail),
            original.substr(original.size() - tail));
}

TEST(DeprecationsAnalyzer, FixGroupEditsOnlyTheGroup) {
  const std::string code =
      "class T(TestCase):\n    def test(self):\n        self.assertEquals(f(1),  2)\n";
  const auto result =
      runDeprecations({{"tests/test_f.py", code}}, {testPack("sample_python.json")});
  const ProposedChange* change = changeById(result, "deprecations/sample-python");
  ASSERT_NE(change, nullptr);
  ASSERT_EQ(change->edits.size(), 1u);
  EXPECT_EQ(*change->edits[0].newContent,
            "class T(TestCase):\n    def test(self):\n        self.assertEqual(f(1),  2)\n");
  EXPECT_EQ(change->edits[0].spans[0].before, "assertEquals");
  const auto findings = findingsOf(result, "sample-python.unittest-assert-equals");
  ASSERT_EQ(findings.size(), 1u);
  // The finding points at the fix group (the deprecated name), not at "self.".
  EXPECT_EQ(findings[0]->line, 3u);
  EXPECT_EQ(findings[0]->column, 14u);
  EXPECT_EQ(findings[0]->endColumn, 26u);
  EXPECT_EQ(findings[0]->changeId, "deprecations/sample-python");
  EXPECT_EQ(findings[0]->severity, Severity::Error);
}

TEST(DeprecationsAnalyzer, FindingAndEditPointAtFixGroupOnTheLineAfterTheContext) {
  // An Ansible-style rule: the pattern needs the task's name on the line before, but
  // the deprecated token is the short module name on the next line.
  const RulePack pack = packFromJson(R"J({"pack": "ans", "title": "Ansible", "rules": [
    {"id": "ans.fqcn-apt", "languages": ["yaml"],
     "pattern": "(?m)^[ \\t]*- name: [^\\n]*\\n[ \\t]+(?P<module>apt):",
     "fix": "module", "replacement": "ansible.builtin.apt", "safe": true,
     "message": "use the FQCN ansible.builtin.apt"}]})J");
  const std::string playbook =
      "- hosts: web\n"
      "  tasks:\n"
      "    - name: install nginx\n"
      "      apt:\n"
      "        name: nginx\n";
  const auto result = runDeprecations({{"site.yml", playbook}}, {pack});
  const auto findings = findingsOf(result, "ans.fqcn-apt");
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]->line, 4u);
  EXPECT_EQ(findings[0]->column, 7u);
  EXPECT_EQ(findings[0]->endLine, 4u);
  EXPECT_EQ(findings[0]->endColumn, 10u);
  const ProposedChange* change = changeById(result, "deprecations/ans");
  ASSERT_NE(change, nullptr);
  ASSERT_EQ(change->edits.size(), 1u);
  ASSERT_EQ(change->edits[0].spans.size(), 1u);
  EXPECT_EQ(change->edits[0].spans[0].line, 4u);
  EXPECT_EQ(change->edits[0].spans[0].before, "apt");
}

TEST(DeprecationsAnalyzer, OverlappingMatchesKeepFirst) {
  const RulePack pack = packFromJson(R"J({"pack": "ov", "title": "Overlap", "rules": [
    {"id": "ov.os-popen", "languages": ["python"], "pattern": "\\bos\\.popen\\(", "replacement": "subprocess_popen(",
     "message": "os.popen is discouraged", "safe": true},
    {"id": "ov.popen-call", "languages": ["python"], "pattern": "popen\\(cmd\\)", "replacement": "run(cmd)",
     "message": "popen(cmd) is discouraged", "safe": true},
    {"id": "ov.cmd", "languages": ["python"], "pattern": "\\bcmd\\)", "replacement": "command)",
     "message": "rename", "safe": true}]})J");
  const std::string code = "out = os.popen(cmd).read()\nother = popen(cmd)\n";
  const auto result = runDeprecations({{"a.py", code}}, {pack});
  const ProposedChange* change = changeById(result, "deprecations/ov");
  ASSERT_NE(change, nullptr);
  ASSERT_EQ(change->edits.size(), 1u);
  // Line 1: os.popen( wins; popen(cmd) overlaps it and is dropped; cmd) starts after
  // the first span ends and is kept. Line 2: popen(cmd) wins over cmd).
  EXPECT_EQ(*change->edits[0].newContent,
            "out = subprocess_popen(command).read()\nother = run(cmd)\n");
  // Every match is still a finding; only the kept ones name the change.
  ASSERT_EQ(result.findings.size(), 5u);
  int withChange = 0;
  for (const Finding& f : result.findings) withChange += f.changeId.empty() ? 0 : 1;
  EXPECT_EQ(withChange, 3);
}

TEST(DeprecationsAnalyzer, SafeAndReviewFixesSeparateChanges) {
  const std::string code =
      "from datetime import datetime, timezone\n"
      "import logging\n"
      "def stamp():\n"
      "    logging.warn('stamping')\n"
      "    return datetime.utcnow()\n";
  const auto result = runDeprecations({{"app/clock.py", code}}, {testPack("sample_python.json")});
  ASSERT_EQ(result.changes.size(), 2u);
  const ProposedChange* safe = changeById(result, "deprecations/sample-python");
  const ProposedChange* review = changeById(result, "deprecations/sample-python-review");
  ASSERT_NE(safe, nullptr);
  ASSERT_NE(review, nullptr);
  EXPECT_TRUE(safe->facts.safe);
  EXPECT_DOUBLE_EQ(safe->facts.confidence, 1.0);
  EXPECT_EQ(safe->facts.ruleIds, std::vector<std::string>{"sample-python.logging-warn"});
  EXPECT_FALSE(review->facts.safe);
  EXPECT_DOUBLE_EQ(review->facts.confidence, 0.7);
  EXPECT_EQ(review->facts.ruleIds, std::vector<std::string>{"sample-python.datetime-utcnow"});
  // Each change holds only its own edit, applied to the original file.
  EXPECT_NE(safe->edits[0].newContent->find("logging.warning('stamping')"), std::string::npos);
  EXPECT_NE(safe->edits[0].newContent->find("datetime.utcnow()"), std::string::npos);
  EXPECT_NE(review->edits[0].newContent->find("logging.warn('stamping')"), std::string::npos);
  EXPECT_NE(review->edits[0].newContent->find("datetime.now(timezone.utc)"), std::string::npos);
  EXPECT_EQ(review->branch(), "ddd/deprecations/sample-python-review");
  EXPECT_NE(review->title.find("needs review"), std::string::npos);
}

TEST(DeprecationsAnalyzer, GroupingByPackRuleAll) {
  const std::map<std::string, std::string> files = {
      {"svc/a.py", "logging.warn('a')\nself.assertEquals(1, 1)\n"},
      {"svc/b.py", "log.warn('b')\n"},
      {".github/workflows/ci.yml", "steps:\n  - run: echo \"::set-output name=v::1\"\n"},
      {"deploy/web.yaml", "apiVersion: extensions/v1beta1\nkind: Deployment\n"}};
  auto ids = [](const AnalysisResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.changes) out.push_back(c.id);
    return out;
  };
  const auto byPack = runDeprecations(files, allTestPacks());
  EXPECT_EQ(ids(byPack), (std::vector<std::string>{"deprecations/sample-actions",
                                                   "deprecations/sample-k8s-review",
                                                   "deprecations/sample-python"}));
  EXPECT_EQ(changeById(byPack, "deprecations/sample-python")->facts.filesTouched, 2u);
  EXPECT_EQ(changeById(byPack, "deprecations/sample-python")->facts.ecosystem, "sample-python");

  const auto byRule = runDeprecations(files, allTestPacks(), {{"grouping", "rule"}});
  EXPECT_EQ(ids(byRule),
            (std::vector<std::string>{"deprecations/sample-actions-set-output",
                                      "deprecations/sample-k8s-extensions-v1beta1-workloads",
                                      "deprecations/sample-python-logging-warn",
                                      "deprecations/sample-python-unittest-assert-equals"}));
  EXPECT_EQ(changeById(byRule, "deprecations/sample-python-logging-warn")->facts.filesTouched, 2u);

  const auto all = runDeprecations(files, allTestPacks(), {{"grouping", "all"}});
  EXPECT_EQ(ids(all), (std::vector<std::string>{"deprecations/all", "deprecations/all-review"}));
  const ProposedChange* safeAll = changeById(all, "deprecations/all");
  EXPECT_EQ(safeAll->facts.filesTouched, 3u);
  EXPECT_EQ(safeAll->facts.ruleIds.size(), 3u);
  EXPECT_EQ(safeAll->facts.ecosystem, "all");
  // The same findings whatever the grouping.
  EXPECT_EQ(byPack.findings.size(), all.findings.size());
}

TEST(DeprecationsAnalyzer, ChangeFactsAndPullRequestSections) {
  const std::map<std::string, std::string> files = {
      {"svc/a.py", "import logging\nlogging.warn('a')\nlogging.warn('b'); logging.warn('c')\n"},
      {"svc/b.py", "self.assertEquals(x, y)\n"}};
  const auto result = runDeprecations(files, {testPack("sample_python.json")});
  ASSERT_EQ(result.changes.size(), 1u);
  const ProposedChange& c = result.changes[0];
  EXPECT_EQ(c.id, "deprecations/sample-python");
  EXPECT_EQ(c.title, "Sample Python: replace 4 deprecated API usages");
  EXPECT_EQ(c.facts.analyzer, "deprecations");
  EXPECT_EQ(c.facts.ecosystem, "sample-python");
  EXPECT_EQ(c.facts.updateType, "fix");
  EXPECT_EQ(c.facts.filesTouched, 2u);
  EXPECT_EQ(c.facts.linesTouched, 3u);  // two lines in a.py (one holds two edits), one in b.py
  EXPECT_EQ(c.facts.labels, (std::vector<std::string>{"ddd", "deprecations"}));
  EXPECT_EQ(c.facts.ruleIds, (std::vector<std::string>{"sample-python.logging-warn",
                                                       "sample-python.unittest-assert-equals"}));
  ASSERT_EQ(c.edits.size(), 2u);
  EXPECT_EQ(c.edits[0].path, "svc/a.py");
  EXPECT_NE(c.whatChanges.find("`svc/a.py:3`"), std::string::npos) << c.whatChanges;
  // Each occurrence in its line, before and after.
  EXPECT_NE(
      c.whatChanges.find("| `svc/b.py:1` | `self.assertEquals(x, y)` | `self.assertEqual(x, y)` | "
                         "sample-python.unittest-assert-equals |"),
      std::string::npos)
      << c.whatChanges;
  EXPECT_NE(c.whatChanges.find("| `svc/a.py:3` | `logging.warn('b'); logging.warn('c')` | "
                               "`logging.warn('b'); logging.warning('c')` |"),
            std::string::npos)
      << c.whatChanges;
  EXPECT_NE(c.why.find("https://docs.python.org/3/library/logging.html#logging.Logger.warning"),
            std::string::npos);
  EXPECT_NE(c.why.find("Deprecated since: Python 3.3"), std::string::npos);
  EXPECT_NE(c.why.find("Removed in: Python 3.12"), std::string::npos);
  EXPECT_NE(c.risk.find("marked safe"), std::string::npos);
  EXPECT_NE(c.risk.find("removed in Python 3.13"), std::string::npos);
  EXPECT_NE(c.rollback.find("revert"), std::string::npos);
  EXPECT_NE(c.rollback.find("no other lines are touched"), std::string::npos);
}

TEST(DeprecationsAnalyzer, ReportOnlyRulesGiveFindingsWithoutChanges) {
  const auto result = runDeprecations({{"deploy/psp.yaml",
                                        "apiVersion: extensions/v1beta1\nkind: "
                                        "PodSecurityPolicy\nmetadata:\n  name: restricted\n"}},
                                      {testPack("sample_k8s.json")});
  EXPECT_TRUE(result.changes.empty());
  ASSERT_EQ(result.findings.size(), 1u);
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.analyzer, "deprecations");
  EXPECT_EQ(f.rule, "sample-k8s.extensions-v1beta1-podsecuritypolicy");
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.path, "deploy/psp.yaml");
  EXPECT_EQ(f.line, 1u);
  EXPECT_TRUE(f.changeId.empty());
  EXPECT_NE(f.message.find("no replacement"), std::string::npos);
}

TEST(DeprecationsAnalyzer, K8sFixKeepsQuotesAndLayout) {
  const std::string manifest =
      "apiVersion: \"extensions/v1beta1\" # legacy\n"
      "kind: Ingress\n"
      "---\n"
      "kind: Deployment\n"
      "apiVersion: 'extensions/v1beta1'\n";
  const auto result =
      runDeprecations({{"deploy/app.yml", manifest}}, {testPack("sample_k8s.json")});
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].id, "deprecations/sample-k8s-review");
  EXPECT_EQ(*result.changes[0].edits[0].newContent,
            "apiVersion: \"networking.k8s.io/v1\" # legacy\n"
            "kind: Ingress\n"
            "---\n"
            "kind: Deployment\n"
            "apiVersion: 'apps/v1'\n");
}

TEST(DeprecationsAnalyzer, OverflowIsOneWarningFinding) {
  std::string code;
  for (int i = 0; i < 30; ++i) code += "log.warn(x)\n";
  const auto result = runDeprecations({{"many.py", code}}, {testPack("sample_python.json")},
                                      json::object(), MatchOptions{10});
  const auto findings = findingsOf(result, "sample-python.logging-warn");
  ASSERT_EQ(findings.size(), 11u);
  const Finding* overflow = nullptr;
  for (const Finding* f : findings) {
    if (f->line == 0) overflow = f;
  }
  ASSERT_NE(overflow, nullptr);
  EXPECT_EQ(overflow->severity, Severity::Warning);
  EXPECT_NE(overflow->message.find("20 more matches"), std::string::npos) << overflow->message;
  EXPECT_EQ(result.changes[0].edits[0].spans.size(), 10u);
}

TEST(DeprecationsAnalyzer, ConfigDisablesPacksRulesAndPaths) {
  const std::map<std::string, std::string> files = {
      {"svc/a.py", "logging.warn('a')\nstamp = datetime.utcnow()\n"},
      {"vendor/lib/b.py", "logging.warn('b')\n"},
      {"deploy/web.yaml", "apiVersion: extensions/v1beta1\nkind: Deployment\n"}};
  const auto result = runDeprecations(files, allTestPacks(),
                                      {{"disablePacks", {"sample-k8s", "nonexistent"}},
                                       {"disableRules", {"sample-python.datetime-utcnow"}},
                                       {"ignorePaths", {"vendor/**"}}});
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].path, "svc/a.py");
  EXPECT_EQ(result.findings[0].rule, "sample-python.logging-warn");
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(
      result.warnings[0].find("deprecations.disablePacks: there is no pack named 'nonexistent'"),
      std::string::npos);
}

TEST(DeprecationsAnalyzer, InvalidConfigNamesTheField) {
  EXPECT_NE(configErrorOf({{"grouping", "by-file"}}).find("deprecations.grouping: must be"),
            std::string::npos);
  EXPECT_NE(configErrorOf({{"disableRules", "python.x"}})
                .find("deprecations.disableRules: must be a list"),
            std::string::npos);
  EXPECT_NE(
      configErrorOf({{"ignorePaths", {"src/{a"}}}).find("deprecations.ignorePaths: glob 'src/{a'"),
      std::string::npos);
  EXPECT_NE(configErrorOf({{"rulez", json::array()}}).find("deprecations.rulez: unknown field"),
            std::string::npos);
  EXPECT_NE(configErrorOf(json::array()).find("deprecations: must be an object"),
            std::string::npos);
  EXPECT_NE(
      configErrorOf({{"rulePacks", {"ci/missing.json"}}})
          .find(
              "deprecations.rulePacks[0]: 'ci/missing.json' does not exist in the scanned commit"),
      std::string::npos);
  const std::string badRule = configErrorOf(
      {{"rules",
        json::parse(
            R"J([{"id": "repo.x", "languages": ["python"], "pattern": "(", "message": "m"}])J")}});
  EXPECT_NE(badRule.find("deprecations.rules: rule repo.x: field 'pattern': RE2 error"),
            std::string::npos)
      << badRule;
  EXPECT_EQ(configErrorOf(json(nullptr)), "no error");
  EXPECT_EQ(configErrorOf({{"enabled", true}}), "no error");
}

TEST(DeprecationsAnalyzer, RepositoryRulesInlineAndFromPackFiles) {
  const std::map<std::string, std::string> files = {
      {"tools/ddd-rules.json", R"J({"pack": "acme", "title": "ACME internal", "rules": [
          {"id": "acme.old-client", "languages": ["go"], "pattern": "\\bacme\\.NewClientV1\\(",
           "replacement": "acme.NewClient(", "safe": true, "message": "NewClientV1 is retired"}]})J"},
      {"cmd/main.go",
       "package main\n\nfunc main() {\n\tc := acme.NewClientV1(cfg) // acme.NewClientV1( in a "
       "comment\n}\n"},
      {"app/x.py", "print(x)\n"}};
  const json config = {
      {"rulePacks", {"tools/ddd-rules.json"}},
      {"rules",
       json::parse(R"J([{"id": "repo.no-print", "languages": ["python"], "pattern": "\\bprint\\(",
                                  "message": "use logging instead of print"}])J")}};
  const auto result = runDeprecations(files, {testPack("sample_python.json")}, config);
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].rule, "repo.no-print");
  EXPECT_EQ(result.findings[1].rule, "acme.old-client");
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].id, "deprecations/acme");
  EXPECT_EQ(result.changes[0].title, "ACME internal: replace 1 deprecated API usage");
  EXPECT_EQ(*result.changes[0].edits[0].newContent,
            "package main\n\nfunc main() {\n\tc := acme.NewClient(cfg) // acme.NewClientV1( in a "
            "comment\n}\n");
  // A repository pack may not take a shipped pack's name.
  const json clash = {{"rulePacks", {"tools/clash.json"}}};
  try {
    runDeprecations(
        {{"tools/clash.json", R"J({"pack": "sample-python", "rules": [{"id": "sample-python.x",
        "languages": ["python"], "pattern": "x", "message": "m"}]})J"}},
        {testPack("sample_python.json")}, clash);
    FAIL() << "expected a config error";
  } catch (const DeprecationsConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "deprecations.rulePacks[0]: pack name 'sample-python' is already used"),
              std::string::npos)
        << e.what();
  }
}

TEST(DeprecationsAnalyzer, OutputIsDeterministic) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 200; ++i) {
    files["pkg" + std::to_string(i % 7) + "/m" + std::to_string(i) + ".py"] =
        "logging.warn('x')\nself.assertEquals(a, b)\nt = datetime.utcnow()\n";
  }
  const auto first = runDeprecations(files, allTestPacks());
  const auto second = runDeprecations(files, allTestPacks());
  EXPECT_EQ(json(first.findings).dump(), json(second.findings).dump());
  EXPECT_EQ(json(first.changes).dump(), json(second.changes).dump());
  EXPECT_EQ(first.findings.size(), 600u);
  EXPECT_EQ(first.findings.front().path, "pkg0/m0.py");
}

TEST(DeprecationsAnalyzer, CorruptPackIsReportedAndOthersStillRun) {
  ddd::testing::TempDir dir;
  const auto packs = dir.path() / "analyzers" / "deprecations" / "packs";
  std::filesystem::create_directories(packs);
  ddd::testing::writeFile(packs / "python.json", slurp(testPacksDir() / "sample_python.json"));
  ddd::testing::writeFile(packs / "broken.json", "{\"pack\": ");
  MemorySourceTree tree({{"a.py", "logging.warn('x')\n"}, {"b.go", "package b\n"}});
  DeprecationsAnalyzer analyzer;
  AnalyzerContext context;
  context.dataDir = dir.path().string();
  const AnalysisResult result = analyzer.run(tree, context);
  EXPECT_EQ(result.findings.size(), 1u);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("analyzers/deprecations/packs/broken.json: invalid JSON"),
            std::string::npos);
}

TEST(DeprecationsAnalyzer, ScansAGitCommitIncludingHiddenDirectories) {
  ddd::testing::TestRepo repo;
  const git::Oid commit = repo.commit(
      {{".github/workflows/ci.yml", "steps:\n  - run: echo \"::set-output name=v::1\"\n"},
       {"src/app.py", "logger.warn('x')\n"},
       {"README.md", "logger.warn( in docs is not code\n"}});
  GitSourceTree tree(repo.path(), commit, ScanLimits{});
  DeprecationsAnalyzer analyzer(DeprecationsOptions{allTestPacks(), {}});
  const AnalysisResult result = analyzer.run(tree, AnalyzerContext{});
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].path, ".github/workflows/ci.yml");
  EXPECT_EQ(result.findings[1].path, "src/app.py");
  EXPECT_EQ(result.changes.size(), 2u);
}

TEST(DeprecationsAnalyzer, RegistersItself) {
  registerDeprecationsAnalyzer();
  registerDeprecationsAnalyzer();
  const AnalyzerRegistration* r = findAnalyzer("deprecations");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "deprecations");
  EXPECT_FALSE(r->description.empty());
  EXPECT_EQ(r->make()->name(), "deprecations");
  int count = 0;
  for (const auto& reg : registry()) count += reg.name == "deprecations" ? 1 : 0;
  EXPECT_EQ(count, 1);
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
