// The runbook extractors on real files: each fact kind with its path:line, and bad input
// (malformed YAML, Helm templates, binary) giving warnings or counts, never a crash.

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/runbooks/extract.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::runbooks {
namespace {

const Fact* findFact(const FileFacts& f, const std::string& type, const std::string& subject) {
  for (const auto& x : f.facts) {
    if (x.type == type && x.subject == subject) return &x;
  }
  return nullptr;
}

const Operation* findOp(const FileFacts& f, const std::string& type, const std::string& name) {
  for (const auto& x : f.operations) {
    if (x.type == type && x.name == name) return &x;
  }
  return nullptr;
}

bool hasDetail(const std::vector<std::string>& d, const std::string& s) {
  return std::find(d.begin(), d.end(), s) != d.end();
}

FileFacts scanRepo(const std::map<std::string, std::optional<std::string>>& files) {
  testing::TestRepo repo;
  const git::Oid head = repo.commit(files);
  GitSourceTree tree(repo.path(), head, ScanLimits{1 << 20, 2});
  return extractFacts(tree);
}

TEST(RunbooksTriggers, PrometheusRulesKeepExprForAndSeverity) {
  const auto f = extractFile("monitoring/rules/api.yml",
                             "groups:\n"
                             "  - name: api\n"
                             "    rules:\n"
                             "      - record: job:rate5m\n"
                             "        expr: rate(x[5m])\n"
                             "      - alert: HighErrorRate\n"
                             "        expr: sum(rate(http_errors_total[5m])) > 0.05\n"
                             "        for: 10m\n"
                             "        labels:\n"
                             "          severity: critical\n");
  ASSERT_EQ(f.facts.size(), 1u) << "recording rules are not triggers";
  const Fact& a = f.facts[0];
  EXPECT_EQ(a.type, "prometheus-alert");
  EXPECT_EQ(a.subject, "HighErrorRate");
  EXPECT_EQ(a.source.cite(), "monitoring/rules/api.yml:6");
  EXPECT_EQ(a.value, "sum(rate(http_errors_total[5m])) > 0.05");
  EXPECT_TRUE(hasDetail(a.details, "for: 10m"));
  EXPECT_TRUE(hasDetail(a.details, "severity: critical"));
}

TEST(RunbooksTriggers, HpaResourcesAndNamedThresholds) {
  const auto hpa = extractFile("k8s/hpa.yaml",
                               "apiVersion: autoscaling/v2\n"
                               "kind: HorizontalPodAutoscaler\n"
                               "metadata:\n  name: web\n"
                               "spec:\n  minReplicas: 2\n  maxReplicas: 10\n"
                               "  metrics:\n"
                               "    - type: Resource\n"
                               "      resource:\n        name: cpu\n"
                               "        target:\n          type: Utilization\n"
                               "          averageUtilization: 75\n"
                               "---\n"
                               "kind: Deployment\nmetadata:\n  name: web\n"
                               "spec:\n  template:\n    spec:\n      containers:\n"
                               "        - name: app\n          resources:\n"
                               "            limits:\n              memory: 512Mi\n");
  const Fact* t = findFact(hpa, "hpa-target", "web");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->value, "cpu 75%");
  EXPECT_EQ(t->source.line, 9u);
  EXPECT_TRUE(hasDetail(t->details, "replicas 2..10"));
  const Fact* lim = findFact(hpa, "resource-limit", "app");
  ASSERT_NE(lim, nullptr);
  EXPECT_EQ(lim->value, "memory: 512Mi");
  EXPECT_EQ(lim->source.line, 26u);  // the first quantity

  const auto code = extractFile("svc/settings.py",
                                "DISK_USAGE_THRESHOLD = 90\n"
                                "REQUEST_TIMEOUT = 30\n"
                                "error = 1\n"
                                "MAX_RETRIES = 5\n"
                                "if queue_depth > 1000:\n    alert()\n");
  const Fact* disk = findFact(code, "threshold", "DISK_USAGE_THRESHOLD");
  ASSERT_NE(disk, nullptr);
  EXPECT_EQ(disk->value, "90");
  EXPECT_EQ(disk->source.line, 1u);
  ASSERT_NE(findFact(code, "timeout", "REQUEST_TIMEOUT"), nullptr);
  ASSERT_NE(findFact(code, "retry-limit", "MAX_RETRIES"), nullptr);
  const Fact* queue = findFact(code, "threshold", "queue_depth");
  ASSERT_NE(queue, nullptr);
  EXPECT_TRUE(hasDetail(queue->details, "compared with >"));
  EXPECT_EQ(findFact(code, "threshold", "error"), nullptr);
}

TEST(RunbooksHealth, RoutesProbesDockerComposeSmokeAndAnsibleChecks) {
  const auto py = extractFile("api/app.py",
                              "@app.get('/healthz')\ndef h(): ...\n"
                              "@app.route(\"/api/users\")\ndef u(): ...\n");
  const Fact* route = findFact(py, "http-health-route", "/healthz");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->value, "GET /healthz");
  EXPECT_EQ(route->source.line, 1u);
  EXPECT_EQ(py.facts.size(), 1u);
  const auto go = extractFile("cmd/server/main.go", "\thttp.HandleFunc(\"/readyz\", ready)\n");
  ASSERT_NE(findFact(go, "http-health-route", "/readyz"), nullptr);
  const auto js = extractFile("web/server.js", "router.get(`/status`, (req, res) => res.send('ok'))\n");
  ASSERT_NE(findFact(js, "http-health-route", "/status"), nullptr);

  const auto k8s = extractFile("deploy/web.yaml",
                               "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
                               "        - name: web\n"
                               "          readinessProbe:\n"
                               "            httpGet:\n              path: /ready\n              port: 8080\n"
                               "            periodSeconds: 5\n");
  const Fact* probe = findFact(k8s, "k8s-probe", "readinessProbe of web");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->value, "HTTP GET /ready on port 8080");
  EXPECT_EQ(probe->source.line, 8u);
  EXPECT_TRUE(hasDetail(probe->details, "periodSeconds: 5"));

  const auto docker = extractFile("api/Dockerfile",
                                  "FROM python:3.12-slim\n"
                                  "HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/healthz || exit 1\n");
  const Fact* hc = findFact(docker, "docker-healthcheck", "Dockerfile");
  ASSERT_NE(hc, nullptr);
  EXPECT_EQ(hc->source.line, 2u);
  EXPECT_EQ(hc->value, "--interval=30s CMD curl -f http://localhost:8000/healthz || exit 1");

  const auto compose = extractFile("docker-compose.yml",
                                   "services:\n  db:\n    image: postgres:16\n"
                                   "    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n"
                                   "      interval: 10s\n");
  const Fact* c = findFact(compose, "compose-healthcheck", "db");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, "CMD pg_isready");
  EXPECT_EQ(c->source.line, 5u);

  const auto smoke = extractFile("scripts/smoke_test.sh", "#!/bin/sh\ncurl -f localhost\n");
  ASSERT_NE(findFact(smoke, "smoke-test", "smoke_test.sh"), nullptr);

  const auto tasks = extractFile("roles/web/tasks/main.yml",
                                 "- name: Wait for nginx\n"
                                 "  ansible.builtin.wait_for:\n    port: 80\n    timeout: 30\n"
                                 "- name: Check site\n  uri:\n    url: http://localhost/health\n"
                                 "- name: Config\n  template:\n    src: a.j2\n    dest: /etc/nginx/nginx.conf\n"
                                 "    validate: nginx -t -c %s\n");
  const Fact* wait = findFact(tasks, "validation-task", "Wait for nginx");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->value, "wait_for port=80 timeout=30");
  ASSERT_NE(findFact(tasks, "validation-task", "Check site"), nullptr);
  const Fact* validate = findFact(tasks, "validation-task", "Config");
  ASSERT_NE(validate, nullptr);
  EXPECT_EQ(validate->value, "template validate: nginx -t -c %s");
  EXPECT_EQ(validate->source.line, 8u);
}

TEST(RunbooksEscalation, ErrorExitsAlertmanagerAndCodeowners) {
  const auto py = extractFile("library/mod.py",
                              "    module.fail_json(msg=\"could not reach API\")\n"
                              "    raise RuntimeError('disk full')\n"
                              "    sys.exit(1)\n"
                              "    sys.exit(0)\n"
                              "    logger.critical(\"giving up\")\n");
  ASSERT_EQ(py.facts.size(), 4u);
  EXPECT_EQ(py.facts[0].subject, "fail_json");
  EXPECT_EQ(py.facts[0].value, "could not reach API");
  EXPECT_EQ(py.facts[1].subject, "raise RuntimeError");
  EXPECT_EQ(py.facts[2].subject, "sys.exit(1)");
  EXPECT_EQ(py.facts[3].type, "error-log");
  EXPECT_EQ(py.facts[3].source.line, 5u);
  const auto go = extractFile("cmd/x/main.go", "\tlog.Fatalf(\"listen: %v\", err)\n\tpanic(\"bad\")\n");
  ASSERT_EQ(go.facts.size(), 2u);
  EXPECT_EQ(go.facts[0].subject, "log.Fatalf");
  const auto js = extractFile("web/index.js", "process.exit(1)\nprocess.exit(0)\n");
  ASSERT_EQ(js.facts.size(), 1u);

  const auto am = extractFile("monitoring/alertmanager.yml",
                              "route:\n  receiver: team-ops\n  repeat_interval: 4h\n"
                              "  routes:\n    - matchers: ['severity=\"critical\"']\n      receiver: pager\n"
                              "receivers:\n  - name: team-ops\n    email_configs:\n      - to: ops@example.com\n"
                              "  - name: pager\n    pagerduty_configs:\n      - service_key: x\n");
  const Fact* route = findFact(am, "alertmanager-route", "pager");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->value, "severity=\"critical\"");
  const Fact* rc = findFact(am, "alertmanager-receiver", "pager");
  ASSERT_NE(rc, nullptr);
  EXPECT_EQ(rc->value, "pagerduty_configs");
  EXPECT_EQ(rc->source.line, 11u);

  const auto owners = extractFile(".github/CODEOWNERS", "# owners\n/api/ @acme/backend @alice\n");
  const Fact* o = findFact(owners, "codeowners", "/api/");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->value, "@acme/backend @alice");
  EXPECT_EQ(o->source.line, 2u);
}

TEST(RunbooksOperations, MigrationsWithAndWithoutAWayBack) {
  const auto files = scanRepo({
      {"api/alembic/versions/001_add_users.py",
       "revision = '001'\ndown_revision = None\n\ndef upgrade():\n    op.create_table('users')\n\n"
       "def downgrade():\n    \"\"\"Nothing.\"\"\"\n    pass\n"},
      {"api/alembic/versions/002_add_index.py",
       "revision = '002'\ndown_revision = '001'\n\ndef upgrade():\n    op.create_index('i', 'users', ['a'])\n\n"
       "def downgrade():\n    op.drop_index('i')\n"},
      {"shop/orders/migrations/0002_backfill.py",
       "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
       "    dependencies = [('orders', '0001_initial')]\n"
       "    operations = [migrations.RunPython(backfill)]\n"},
      {"shop/orders/migrations/0003_more.py",
       "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
       "    dependencies = [('orders', '0002_backfill')]\n"
       "    operations = [migrations.RunPython(forward, reverse_code=migrations.RunPython.noop)]\n"},
      {"rails/db/migrate/20240101_drop_legacy.rb",
       "class DropLegacy < ActiveRecord::Migration[7.1]\n  def up\n    drop_table :legacy\n  end\n\n"
       "  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n"},
      {"db/flyway/V1__init.sql", "create table a(id int);\n"},
      {"db/flyway/V2__more.sql", "alter table a add b int;\n"},
      {"db/flyway/U2__more.sql", "alter table a drop b;\n"},
      {"db/gm/000001_init.up.sql", "create table t(id int);\n"},
      {"db/gm/000001_init.down.sql", "-- nothing to undo\n"},
      {"db/gm/000002_x.up.sql", "create table x(id int);\n"},
      {"db/gm/000002_x.down.sql", "drop table x;\n"},
      {"db/gm/000003_y.up.sql", "create table y(id int);\n"},
      {"node/migrations/20240101_users.js",
       "exports.up = function(knex) {\n  return knex.schema.createTable('users', t => {});\n};\n"
       "exports.down = function(knex) {};\n"},
      {"node/migrations/20240102_orders.ts",
       "export class Orders implements MigrationInterface {\n  async up(q) { await q.query('x'); }\n"
       "  async down(q) { await q.query('drop table orders'); }\n}\n"},
  });
  const Operation* a1 = findOp(files, "migration-alembic", "001_add_users");
  ASSERT_NE(a1, nullptr);
  EXPECT_EQ(a1->rollback, RollbackState::Missing);
  EXPECT_EQ(a1->source.cite(), "api/alembic/versions/001_add_users.py:4");
  EXPECT_NE(a1->rollbackEvidence.find("does nothing"), std::string::npos);
  const Operation* a2 = findOp(files, "migration-alembic", "002_add_index");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(a2->rollback, RollbackState::InCode);
  const Operation* d2 = findOp(files, "migration-django", "orders.0002_backfill");
  ASSERT_NE(d2, nullptr);
  EXPECT_EQ(d2->rollback, RollbackState::Missing);
  EXPECT_NE(d2->rollbackEvidence.find("reverse_code"), std::string::npos);
  const Operation* d3 = findOp(files, "migration-django", "orders.0003_more");
  ASSERT_NE(d3, nullptr);
  EXPECT_EQ(d3->rollback, RollbackState::InCode);
  EXPECT_EQ(d3->rollbackEvidence,
            "Django reverses these operations: python manage.py migrate orders 0002_backfill");
  const Operation* r = findOp(files, "migration-rails", "20240101_drop_legacy");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->rollback, RollbackState::Missing);
  EXPECT_EQ(findOp(files, "migration-flyway", "V1__init")->rollback, RollbackState::Missing);
  EXPECT_EQ(findOp(files, "migration-flyway", "V2__more")->rollback, RollbackState::InCode);
  EXPECT_EQ(findOp(files, "migration-golang", "000001_init")->rollback, RollbackState::Missing);
  EXPECT_EQ(findOp(files, "migration-golang", "000002_x")->rollback, RollbackState::InCode);
  EXPECT_EQ(findOp(files, "migration-golang", "000003_y")->rollback, RollbackState::Missing);
  const Operation* knex = findOp(files, "migration-js", "20240101_users");
  ASSERT_NE(knex, nullptr);
  EXPECT_EQ(knex->rollback, RollbackState::Missing);
  const Operation* typeorm = findOp(files, "migration-js", "20240102_orders");
  ASSERT_NE(typeorm, nullptr);
  EXPECT_EQ(typeorm->rollback, RollbackState::InCode);
}

TEST(RunbooksOperations, DeploymentsChartsTerraformUpgradesAndBackups) {
  const auto files = scanRepo({
      {"deploy/web.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
       "  revisionHistoryLimit: 0\n  strategy:\n    type: Recreate\n"},
      {"charts/api/Chart.yaml", "apiVersion: v2\nname: api\nversion: 1.2.0\n"},
      {"charts/api/templates/deployment.yaml", "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"},
      {"infra/main.tf",
       "terraform {\n  backend \"s3\" {}\n}\nresource \"aws_s3_bucket\" \"logs\" {\n}\n"},
      {"infra/other/db.tf", "resource \"aws_db_instance\" \"main\" {\n  lifecycle { prevent_destroy = true }\n}\n"},
      {"roles/base/tasks/main.yml",
       "- name: Upgrade everything\n  apt:\n    upgrade: dist\n"
       "- name: Latest nginx\n  ansible.builtin.package:\n    name: nginx\n    state: latest\n"
       "- name: Pinned\n  apt:\n    name: curl=7.88\n"},
      {"api/Dockerfile", "FROM python\nRUN apt-get update && apt-get -y upgrade\n"},
      {"ops/backup-db.sh", "#!/bin/sh\npg_dump app > /backups/app.sql\n"},
      {"ops/restore-db.sh", "#!/bin/sh\npsql app < /backups/app.sql\n"},
  });
  const Operation* web = findOp(files, "k8s-workload", "deployment/web");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->rollback, RollbackState::Missing);
  EXPECT_TRUE(hasDetail(web->details, "strategy: Recreate"));
  EXPECT_EQ(files.skippedTemplates, 1u);
  const Operation* chart = findOp(files, "helm-chart", "api");
  ASSERT_NE(chart, nullptr);
  EXPECT_EQ(chart->source.cite(), "charts/api/Chart.yaml:2");
  const Operation* tf = findOp(files, "terraform", "terraform infra/main.tf");
  ASSERT_NE(tf, nullptr);
  EXPECT_EQ(tf->source.line, 4u);
  EXPECT_TRUE(hasDetail(tf->details, "state backend configured in this directory"));
  const Operation* tf2 = findOp(files, "terraform", "terraform infra/other/db.tf");
  ASSERT_NE(tf2, nullptr);
  EXPECT_TRUE(hasDetail(tf2->details, "no state backend in this directory (local state)"));
  EXPECT_TRUE(hasDetail(tf2->details, "prevent_destroy set"));
  ASSERT_NE(findOp(files, "package-upgrade", "Upgrade everything"), nullptr);
  const Operation* latest = findOp(files, "package-upgrade", "Latest nginx");
  ASSERT_NE(latest, nullptr);
  EXPECT_EQ(latest->source.cite(), "roles/base/tasks/main.yml:4");
  EXPECT_EQ(findOp(files, "package-upgrade", "Pinned"), nullptr);
  ASSERT_NE(findOp(files, "package-upgrade", "python"), nullptr);
  ASSERT_NE(findOp(files, "package-upgrade", "apt-get -y upgrade"), nullptr);
  ASSERT_NE(findOp(files, "backup", "backup-db.sh"), nullptr);
  ASSERT_NE(findFact(files, "restore-procedure", "restore-db.sh"), nullptr);
}

TEST(RunbooksDocs, SectionsWithoutGeneratedRegionsAndOnCallNotes) {
  const auto f = extractFile("docs/OPERATIONS.md",
                             "# Operations\n\nIntro.\n\n```sh\n# not a heading\n```\n"
                             "## Rollback\n\nRun `alembic downgrade -1` for 002_add_index.\n"
                             "<!-- ddd:begin x -->\n## Generated heading\n<!-- ddd:end x -->\n"
                             "## On-call\n\nPage #ops-oncall on Slack.\n");
  ASSERT_EQ(f.docs.size(), 3u);
  EXPECT_EQ(f.docs[0].heading, "Operations");
  EXPECT_NE(f.docs[0].text.find("# not a heading"), std::string::npos);
  EXPECT_EQ(f.docs[1].heading, "Rollback");
  EXPECT_EQ(f.docs[1].source.line, 8u);
  EXPECT_NE(f.docs[1].text.find("alembic downgrade -1"), std::string::npos);
  EXPECT_EQ(f.docs[2].heading, "On-call");
  EXPECT_EQ(f.docs[2].source.line, 14u);
  const Fact* oncall = findFact(f, "oncall-note", "On-call");
  ASSERT_NE(oncall, nullptr);
  EXPECT_EQ(oncall->value, "Page #ops-oncall on Slack.");
}

TEST(RunbooksSignals, MaturityEvidence) {
  const auto files = scanRepo({
      {"roles/web/templates/logrotate.j2", "/var/log/app/*.log {\n  daily\n}\n"},
      {".github/dependabot.yml", "version: 2\n"},
      {"infra/ci.sh", "terraform plan -detailed-exitcode\n"},
      {"SECURITY.md", "# Security\n"},
      {"CHANGELOG.md", "# 1.0\n"},
      {"bench/load.js", "import http from 'k6/http';\n"},
  });
  for (const char* element : {"log-management", "patching", "drift-detection", "compliance-audit",
                              "lifecycle", "performance-baselines"}) {
    bool found = false;
    for (const auto& x : files.facts) found = found || x.type == element;
    EXPECT_TRUE(found) << element;
  }
}

TEST(RunbooksBadInput, MalformedYamlTemplatesAndBinaryNeverCrash) {
  const auto bad = extractFile("deploy/broken.yaml", "kind: Deployment\nspec: [unclosed\n  x: : :\n");
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_NE(bad.warnings[0].find("deploy/broken.yaml:"), std::string::npos) << bad.warnings[0];
  EXPECT_NE(bad.warnings[0].find("not valid YAML"), std::string::npos);
  const auto jinja = extractFile("roles/x/vars/main.yml", "a: {{ unquoted }}\nb: [\n");
  EXPECT_TRUE(jinja.warnings.empty());
  EXPECT_EQ(jinja.skippedTemplates, 1u);
  const auto binary = extractFile("api/blob.py", std::string("raise X\0\x01\x02", 10));
  EXPECT_TRUE(binary.facts.empty());
  std::string huge(200000, 'a');
  huge += "\nTIMEOUT = 3\n" + std::string("\xff\xfe\xfd invalid utf8 timeout = 9\n");
  const auto big = extractFile("cfg/huge.py", huge);
  ASSERT_NE(findFact(big, "timeout", "TIMEOUT"), nullptr);
  // A YAML alias bomb stays bounded.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  }
  const auto b = extractFile("bomb.yaml", bomb);
  EXPECT_TRUE(b.warnings.empty());
}

// yaml-cpp 0.7 never returns on a top-level ',' (allocating without bound): the extractor
// must give a warning for such a file, not hang the scan.
TEST(RunbooksExtract, YamlThatWouldHangTheParserIsAWarning) {
  for (const char* text : {",", "a: 1\n,\n", "- x\n, y\n"}) {
    const auto facts = extractFile("deploy/bad.yaml", text);
    ASSERT_FALSE(facts.warnings.empty()) << text;
    EXPECT_NE(facts.warnings[0].find("deploy/bad.yaml"), std::string::npos) << facts.warnings[0];
  }
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
