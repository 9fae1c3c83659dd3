// The runbooks analyzer end to end on real git trees: missing-rollback findings (and
// docs that cover a rollback), components, the readiness score and its JSON details,
// and config errors.

#include <gtest/gtest.h>

#include "analyzers/runbooks/analyzer.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::runbooks {
namespace {

using nlohmann::json;

AnalysisResult runOn(const std::map<std::string, std::optional<std::string>>& files,
                     const json& config = json::object(), const std::string& repoName = "shop") {
  testing::TestRepo repo;
  const git::Oid head = repo.commit(files);
  GitSourceTree tree(repo.path(), head, ScanLimits{1 << 20, 2});
  AnalyzerContext context;
  context.repoName = repoName;
  context.config = config;
  context.now = 1767225600;  // 2026-01-01
  RunbooksAnalyzer analyzer;
  return analyzer.run(tree, context);
}

const json* component(const AnalysisResult& r, const std::string& name) {
  for (const auto& c : r.details["readiness"]["components"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

bool hasElement(const json& list, const std::string& element) {
  for (const auto& e : list) {
    if (e["element"] == element) return true;
  }
  return false;
}

TEST(RunbooksAnalyzer, MissingRollbackFindingsSayWhereAndWhat) {
  const auto r = runOn({
      {"api/alembic/versions/001_init.py",
       "revision = '001'\ndown_revision = None\ndef upgrade():\n    op.create_table('t')\n"
       "def downgrade():\n    pass\n"},
      {"api/alembic/versions/002_index.py",
       "revision = '002'\ndown_revision = '001'\ndef upgrade():\n    op.create_index('i')\n"
       "def downgrade():\n    pass\n"},
      {"api/alembic/versions/003_col.py",
       "revision = '003'\ndown_revision = '002'\ndef upgrade():\n    op.add_column('t', c)\n"
       "def downgrade():\n    op.drop_column('t', 'c')\n"},
      {"api/OPERATIONS.md",
       "# Operations\n\n## Rolling back 002_index\n\nRestore the nightly dump, then drop index i.\n"},
      {"deploy/web.yaml", "kind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"},
  });
  ASSERT_EQ(r.findings.size(), 2u);
  const Finding& alembic = r.findings[0];
  EXPECT_EQ(alembic.rule, "runbooks.missing-rollback-docs");
  EXPECT_EQ(alembic.path, "api/alembic/versions/001_init.py");
  EXPECT_EQ(alembic.line, 3u);
  EXPECT_EQ(alembic.severity, Severity::Warning);
  EXPECT_NE(alembic.message.find("docs/runbooks/api.md (section 'Rollback: 001_init')"), std::string::npos)
      << alembic.message;
  EXPECT_NE(alembic.message.find("does nothing"), std::string::npos);
  EXPECT_EQ(alembic.properties["component"], "api");
  const Finding& web = r.findings[1];
  EXPECT_EQ(web.path, "deploy/web.yaml");
  EXPECT_EQ(web.severity, Severity::Note);
  EXPECT_NE(web.message.find("kubectl rollout undo"), std::string::npos);
  // 002 is documented, 003 has a working downgrade.
  for (const auto& op : r.details["operations"]) {
    if (op["name"] == "002_index") {
      EXPECT_EQ(op["rollback"], "documented");
      EXPECT_EQ(op["evidence"], "api/OPERATIONS.md:3");
    }
    if (op["name"] == "003_col") {
      EXPECT_EQ(op["rollback"], "in-code");
    }
  }
}

TEST(RunbooksAnalyzer, ABackupsWayBackIsItsRestore) {
  const auto r = runOn({{"ops/backup-db.sh", "#!/bin/sh\npg_dump app > /b/app.sql\n"},
                        {"ops/restore-db.sh", "#!/bin/sh\npsql app < /b/app.sql\n"},
                        {"etl/nightly_backup.sh", "#!/bin/sh\nmysqldump shop > /b/shop.sql\n"},
                        {"etl/azure_rm_backuppolicy.py", "# an Ansible module that manages policies\n"}});
  ASSERT_EQ(r.details["operations"].size(), 2u) << r.details["operations"].dump(1);
  for (const auto& op : r.details["operations"]) {
    if (op["name"] == "backup-db.sh") {
      EXPECT_EQ(op["rollback"], "in-code");
      EXPECT_EQ(op["evidence"], "restore with ops/restore-db.sh (ops/restore-db.sh:1)");
    } else {
      EXPECT_EQ(op["name"], "nightly_backup.sh");
      EXPECT_EQ(op["rollback"], "none");
    }
  }
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "etl/nightly_backup.sh");
  EXPECT_NE(r.findings[0].message.find("the restore procedure"), std::string::npos);
}

TEST(RunbooksAnalyzer, PreparedComponentScoresClearlyAboveABareOne) {
  const auto r = runOn({
      {"ready/app.py",
       "import logging.config\nlogging.config.dictConfig(LOGGING)\n"
       "@app.get('/healthz')\ndef health():\n    return 'ok'\n"
       "ERROR_RATE_THRESHOLD = 0.05\n"},
      {"ready/alerts.yml",
       "groups:\n  - name: ready\n    rules:\n      - alert: ReadyDown\n        expr: up{job=\"ready\"} == 0\n"
       "        for: 5m\n        labels:\n          severity: page\n"},
      {"ready/migrations/versions/001.py",
       "down_revision = None\ndef upgrade():\n    op.create_table('t')\ndef downgrade():\n    op.drop_table('t')\n"},
      {"ready/RUNBOOK.md", "# Runbook\n\n## Rollback\n\nalembic downgrade -1, then check /healthz.\n"},
      {"bare/app.py", "def main():\n    print('hi')\n"},
  });
  const json* ready = component(r, "ready");
  const json* bare = component(r, "bare");
  ASSERT_NE(ready, nullptr);
  ASSERT_NE(bare, nullptr);
  // Three of four daily elements (25%) and one of four weekly ones (35%): 18.75 + 8.75.
  EXPECT_DOUBLE_EQ((*ready)["score"].get<double>(), 27.5) << ready->dump(1);
  for (const char* e : {"health-checks", "monitoring-thresholds", "log-management", "runbook-upkeep"}) {
    EXPECT_TRUE(hasElement((*ready)["found"], e)) << e;
    EXPECT_TRUE(hasElement((*bare)["missing"], e)) << e;
  }
  EXPECT_EQ((*bare)["score"].get<double>(), 0.0);
  const json& readiness = r.details["readiness"];
  EXPECT_DOUBLE_EQ(readiness["score"].get<double>(),
                   std::round(((*ready)["score"].get<double>() + (*bare)["score"].get<double>()) * 5) / 10);
  bool summary = false;
  for (const auto& m : readiness["missing"]) {
    summary = summary || m == "1 of 2 components have no health check procedure (daily)";
  }
  EXPECT_TRUE(summary) << readiness["missing"].dump();
  EXPECT_EQ(readiness["weights"]["monthly"], 40);
}

TEST(RunbooksAnalyzer, ComponentsFromConfigWeightsAndRootRoles) {
  const json config = {{"components", {{{"name", "edge"}, {"paths", {"nginx/**", "haproxy/**"}}}}},
                       {"weights", {{"daily", 100}, {"weekly", 0}, {"monthly", 0}}}};
  const auto r = runOn({{"nginx/Dockerfile", "FROM nginx:1.25\nHEALTHCHECK CMD curl -f localhost\n"},
                        {"haproxy/haproxy.cfg", "timeout connect 5s\n"},
                        {"worker/run.py", "x = 1\n"}},
                       config);
  const json* edge = component(r, "edge");
  ASSERT_NE(edge, nullptr);
  EXPECT_EQ((*edge)["score"], 25.0);  // daily only: 1 of 4 daily elements
  ASSERT_NE(component(r, "worker"), nullptr);
  const auto role = runOn({{"tasks/main.yml", "- name: x\n  debug: msg=hi\n"},
                           {"handlers/main.yml", "- name: restart\n  service: name=nginx state=restarted\n"},
                           {"meta/main.yml", "galaxy_info:\n  min_ansible_version: '2.14'\n"}},
                          json::object(), "nginx-role");
  ASSERT_EQ(role.details["readiness"]["components"].size(), 1u);
  EXPECT_EQ(role.details["readiness"]["components"][0]["name"], "nginx-role");
}

TEST(RunbooksAnalyzer, InvalidConfigNamesTheField) {
  auto error = [](const json& config) -> std::string {
    try {
      parseRunbooksConfig(config);
    } catch (const RunbooksConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error({{"weights", {{"daily", -1}}}}), "runbooks.weights.daily: must be a number >= 0");
  EXPECT_EQ(error({{"outputDir", "../x"}}), "runbooks.outputDir: must be a relative path inside the repository");
  EXPECT_EQ(error({{"components", {{{"name", "a"}, {"paths", {"[bad"}}}}}}).rfind("runbooks.components[0].paths: ", 0), 0u);
  EXPECT_EQ(error({{"colour", 1}}).rfind("runbooks.colour: unknown field", 0), 0u);
  EXPECT_EQ(error(json::object()), "no error");
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
