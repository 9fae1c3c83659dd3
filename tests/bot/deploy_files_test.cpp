// deploy/: what can be checked without a container runtime or a cluster.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/test_repo.h"

namespace ddd::testing {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path deployDir() { return sourceDir() / "deploy"; }

TEST(DeployFiles, EveryYamlFileParses) {
  for (const char* f :
       {"compose.yaml", "github-app.yml", "helm/ddd/Chart.yaml", "helm/ddd/values.yaml"}) {
    SCOPED_TRACE(f);
    EXPECT_NO_THROW(YAML::LoadFile((deployDir() / f).string()));
  }
}

TEST(DeployFiles, AppManifestAsksForExactlyTheNeededPermissionsAndEvents) {
  const auto m = YAML::LoadFile((deployDir() / "github-app.yml").string());
  std::map<std::string, std::string> perms;
  for (const auto& p : m["default_permissions"])
    perms[p.first.as<std::string>()] = p.second.as<std::string>();
  EXPECT_EQ(perms, (std::map<std::string, std::string>{{"contents", "write"},
                                                       {"pull_requests", "write"},
                                                       {"issues", "write"},
                                                       {"checks", "read"},
                                                       {"statuses", "read"},
                                                       {"metadata", "read"}}));
  std::set<std::string> events;
  for (const auto& e : m["default_events"]) events.insert(e.as<std::string>());
  EXPECT_EQ(events,
            (std::set<std::string>{"push", "issue_comment", "issues", "pull_request",
                                   "pull_request_review", "check_suite", "check_run", "status"}));
  EXPECT_TRUE(m["hook_attributes"]["active"].as<bool>());
  EXPECT_NE(m["hook_attributes"]["url"].as<std::string>().find("/webhooks/github"),
            std::string::npos);
}

TEST(DeployFiles, ComposeRunsDddWithPostgresAndFileSecrets) {
  const auto c = YAML::LoadFile((deployDir() / "compose.yaml").string());
  ASSERT_TRUE(c["services"]["ddd"]);
  ASSERT_TRUE(c["services"]["postgres"]);
  const auto env = c["services"]["ddd"]["environment"];
  EXPECT_EQ(env["DDD_STATE"].as<std::string>().rfind("postgresql://", 0), 0u);
  for (const auto& kv : env) {
    const std::string key = kv.first.as<std::string>();
    // Secrets only as files.
    if (key.find("SECRET") != std::string::npos || key.find("TOKEN") != std::string::npos ||
        key.find("KEY") != std::string::npos) {
      EXPECT_EQ(key.substr(key.size() - 5), "_FILE") << key;
    }
  }
  EXPECT_EQ(c["services"]["ddd"]["depends_on"]["postgres"]["condition"].as<std::string>(),
            "service_healthy");
}

TEST(DeployFiles, ImageIsMultiStageNonRootWithAHealthCheck) {
  const std::string d = slurp(deployDir() / "Dockerfile");
  EXPECT_NE(d.find("FROM debian:12 AS build"), std::string::npos);
  EXPECT_NE(d.find("FROM debian:12-slim"), std::string::npos);
  EXPECT_NE(d.find("COPY --from=build"), std::string::npos);
  EXPECT_NE(d.find("USER ddd"), std::string::npos);
  EXPECT_NE(d.find("HEALTHCHECK"), std::string::npos);
  EXPECT_NE(d.find("/healthz"), std::string::npos);
}

TEST(DeployFiles, ChartValuesDescribeBothRoles) {
  const auto v = YAML::LoadFile((deployDir() / "helm/ddd/values.yaml").string());
  EXPECT_GE(v["receiver"]["replicas"].as<int>(), 1);
  EXPECT_GE(v["worker"]["replicas"].as<int>(), 1);
  EXPECT_TRUE(v["receiver"]["resources"]["limits"]);
  // The job retention reaches the pods as DDD_JOB_RETENTION_DAYS (read by the scheduler).
  EXPECT_EQ(v["scheduler"]["jobRetentionDays"].as<int>(), 30);
  EXPECT_NE(slurp(deployDir() / "helm/ddd/templates/_helpers.tpl")
                .find("DDD_JOB_RETENTION_DAYS\n  value: {{ .Values.scheduler.jobRetentionDays"),
            std::string::npos);
  const auto chart = YAML::LoadFile((deployDir() / "helm/ddd/Chart.yaml").string());
  EXPECT_EQ(chart["apiVersion"].as<std::string>(), "v2");
  for (const char* t : {"deployment-receiver.yaml", "deployment-worker.yaml", "service.yaml",
                        "ingress.yaml", "secret.yaml", "pdb.yaml"}) {
    const std::string text = slurp(deployDir() / "helm/ddd/templates" / t);
    EXPECT_FALSE(text.empty()) << t;
  }
  const std::string receiver = slurp(deployDir() / "helm/ddd/templates/deployment-receiver.yaml");
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe", "runAsNonRoot"}) {
    EXPECT_NE((receiver + slurp(deployDir() / "helm/ddd/templates/_helpers.tpl")).find(probe),
              std::string::npos)
        << probe;
  }
}

TEST(DeployFiles, SystemdUnitVerifiesAndIsSandboxed) {
  const std::string unit = slurp(deployDir() / "systemd/ddd.service");
  for (const char* key : {"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes"}) {
    EXPECT_NE(unit.find(key), std::string::npos) << key;
  }
  if (runCommand("command -v systemd-analyze").exitCode != 0)
    GTEST_SKIP() << "systemd-analyze missing";
  // verify checks that ExecStart exists: point it at the built binary.
  TempDir dir;
  std::string copy = unit;
  const std::string from = "/usr/local/bin/ddd";
  copy.replace(copy.find(from), from.size(), dddBinary().string());
  const auto path = dir.path() / "ddd.service";
  std::ofstream(path) << copy;
  const auto r = runCommand("systemd-analyze verify " + path.string() + " 2>&1");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(r.output, "") << r.output;
}

}  // namespace
}  // namespace ddd::testing
