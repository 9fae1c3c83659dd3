// The runbooks analyzer end to end on real git trees: missing-rollback findings (and
// docs that cover a rollback), components, the readiness score and its JSON details,
// and config errors.

#include <gtest/gtest.h>

#include <iostream>

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
  EXPECT_NE(alembic.message.find("docs/runbooks/rollback.md (section 'Rollback: 001_init', outside the ddd markers)"),
            std::string::npos)
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

// A service as a careful team keeps it: health routes and probes, alert rules on error
// rate, latency and disk, log rotation with retention, a migration with a working
// downgrade and a documented rollback, a backup with its restore, tests and CI, automated
// updates, resource limits, timeouts, a changelog and a TLS certificate.
const std::map<std::string, std::optional<std::string>> kEquipped = {
    {"api/app.py",
     "import logging.config\nlogging.config.dictConfig(LOGGING)\n"
     "@app.get('/healthz')\ndef health():\n    return 'ok'\n"
     "UPSTREAM_TIMEOUT_SECONDS = 5\nERROR_RATE_THRESHOLD = 0.05\n"},
    {"api/alerts.yml",
     "groups:\n  - name: api\n    rules:\n"
     "      - alert: ApiErrors\n        expr: rate(http_errors_total{job=\"api\"}[5m]) > 0.05\n"
     "        for: 5m\n        labels:\n          severity: page\n"
     "      - alert: ApiLatencyHigh\n        expr: histogram_quantile(0.99, rate(http_request_duration_seconds_bucket[5m])) > 0.3\n"
     "        for: 10m\n        labels:\n          severity: warning\n"
     "      - alert: ApiDiskFull\n        expr: node_filesystem_avail_bytes{mountpoint=\"/data\"} / node_filesystem_size_bytes < 0.1\n"
     "        for: 15m\n        labels:\n          severity: warning\n"},
    {"api/deploy/deployment.yaml",
     "kind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n"
     "        - name: api\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8000\n"
     "          resources:\n            limits:\n              cpu: 500m\n              memory: 256Mi\n"},
    {"api/logrotate.d/api", "/var/log/api/*.log {\n  daily\n  rotate 14\n}\n"},
    {"api/migrations/versions/001.py",
     "down_revision = None\ndef upgrade():\n    op.create_table('t')\ndef downgrade():\n    op.drop_table('t')\n"},
    {"api/RUNBOOK.md",
     "# Runbook\n\n## Rollback\n\nMigrations: alembic downgrade -1. The deployment: kubectl rollout undo "
     "deployment/api. Then check /healthz.\n"},
    {"api/ops/backup.sh", "#!/bin/sh\npg_dump api > /backups/api.sql\n"},
    {"api/ops/restore.sh", "#!/bin/sh\npsql api < /backups/api.sql\n"},
    {"api/tests/test_health.py", "def test_health(client):\n    assert client.get('/healthz').status_code == 200\n"},
    {"api/tls.yaml",
     "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api-tls\nspec:\n"
     "  secretName: api-tls\n  duration: 2160h\n  renewBefore: 360h\n"},
    {"api/CHANGELOG.md", "# Changelog\n\n## 1.2.0\n\n- health endpoint\n"},
    {".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /api\n"},
    {"bare/app.py", "def main():\n    print('hi')\n"},
};

TEST(RunbooksAnalyzer, AWellEquippedComponentScoresClearlyAboveABareOne) {
  const auto r = runOn(kEquipped);
  const json* ready = component(r, "api");
  const json* bare = component(r, "bare");
  ASSERT_NE(ready, nullptr);
  ASSERT_NE(bare, nullptr);
  const double score = (*ready)["score"].get<double>();
  EXPECT_GE(score, 60.0) << ready->dump(1);
  for (const char* e : {"health-checks", "monitoring-thresholds", "log-management", "backups", "change-validation",
                        "runbook-upkeep", "capacity", "performance-baselines", "lifecycle", "patching"}) {
    EXPECT_TRUE(hasElement((*ready)["found"], e)) << e << "\n" << ready->dump(1);
  }
  // Repository-wide facts (Dependabot here) count for every component, so the bare one
  // has patching and nothing else.
  EXPECT_TRUE(hasElement((*bare)["found"], "patching")) << bare->dump(1);
  EXPECT_EQ((*bare)["found"].size(), 1u) << bare->dump(1);
  EXPECT_DOUBLE_EQ((*bare)["score"].get<double>(), 8.8);  // 1 of 4 weekly elements x 35%
  EXPECT_GE(score - (*bare)["score"].get<double>(), 50.0);
  std::cout << "[ readiness ] well-equipped component " << score << ", bare one " << (*bare)["score"] << "\n";
  // What the bare component misses is listed, element by element.
  for (const char* e : {"health-checks", "monitoring-thresholds", "log-management", "backups"}) {
    EXPECT_TRUE(hasElement((*bare)["missing"], e)) << e;
  }
  const json& readiness = r.details["readiness"];
  bool summary = false;
  for (const auto& m : readiness["missing"]) {
    summary = summary || m == "1 of 2 components have no health check procedure (daily)";
  }
  EXPECT_TRUE(summary) << readiness["missing"].dump();
  EXPECT_EQ(readiness["weights"]["monthly"], 40);
  // The latency alert is performance evidence, the disk alert capacity evidence.
  bool latency = false, disk = false;
  for (const auto& f : (*ready)["found"]) {
    for (const auto& ev : f["evidence"]) {
      latency = latency || (f["element"] == "performance-baselines" && ev.get<std::string>().find("duration") != std::string::npos);
      disk = disk || (f["element"] == "capacity" && ev.get<std::string>().find("filesystem") != std::string::npos);
    }
  }
  EXPECT_TRUE(latency) << ready->dump(1);
  EXPECT_TRUE(disk) << ready->dump(1);
}

// The four things the issue names (health checks, thresholds, logging, a documented
// rollback) alone: daily 3 of 4 (25%) and weekly 1 of 4 (35%) = 27.5, against 0.
TEST(RunbooksAnalyzer, HealthThresholdsLoggingAndRollbackAloneStillBeatNothing) {
  const auto r = runOn({
      {"ready/app.py",
       "import logging.config\nlogging.config.dictConfig(LOGGING)\n"
       "@app.get('/healthz')\ndef health():\n    return 'ok'\n"
       "ERROR_RATE_THRESHOLD = 0.05\n"},
      {"ready/migrations/versions/001.py",
       "down_revision = None\ndef upgrade():\n    op.create_table('t')\ndef downgrade():\n    op.drop_table('t')\n"},
      {"ready/RUNBOOK.md", "# Runbook\n\n## Rollback\n\nalembic downgrade -1, then check /healthz.\n"},
      {"bare/app.py", "def main():\n    print('hi')\n"},
  });
  EXPECT_DOUBLE_EQ((*component(r, "ready"))["score"].get<double>(), 27.5);
  EXPECT_DOUBLE_EQ((*component(r, "bare"))["score"].get<double>(), 0.0);
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
