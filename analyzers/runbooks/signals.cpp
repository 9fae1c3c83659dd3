#include "analyzers/runbooks/signals.h"

#include <re2/re2.h>

#include "analyzers/runbooks/expiry.h"

namespace ddd::analyzers::runbooks {
namespace {

void add(const FileInput& in, uint32_t line, const char* element, std::string subject,
         std::string value, FileFacts& out) {
  Fact f;
  f.source = {in.path, line == 0 ? 1 : line};
  f.kind = FactKind::Signal;
  f.type = element;
  f.subject = std::move(subject);
  f.value = std::move(value);
  out.facts.push_back(std::move(f));
}

// Whole-file signals from the path alone.
void byPath(const FileInput& in, FileFacts& out) {
  const std::string low = text::lower(in.path);
  const std::string base = text::lower(text::baseName(in.path));
  const std::string ext = text::extension(in.path);
  if (text::contains(low, "logrotate")) add(in, 1, "log-management", base, "logrotate config " + in.path, out);
  if (base == "logging.conf" || base == "logging.ini" || base.rfind("log4j", 0) == 0 ||
      base.rfind("logback", 0) == 0 || base.rfind("fluent", 0) == 0 || base.rfind("promtail", 0) == 0 ||
      base.rfind("filebeat", 0) == 0 || base == "vector.toml" || base == "vector.yaml") {
    add(in, 1, "log-management", base, "logging config " + in.path, out);
  }
  if (base == "dependabot.yml" || base == "dependabot.yaml" || base == "renovate.json" ||
      base == "renovate.json5" || base == ".renovaterc" || base == ".renovaterc.json") {
    add(in, 1, "patching", base, "automated dependency updates: " + in.path, out);
  }
  if (text::contains(low, ".github/workflows/") || base == ".gitlab-ci.yml" || base == "jenkinsfile" ||
      base == ".travis.yml" || text::contains(low, ".circleci/") || base == "azure-pipelines.yml") {
    add(in, 1, "change-validation", base, "CI pipeline " + in.path, out);
  }
  if (text::contains(low, "molecule/") && (base == "molecule.yml" || base == "verify.yml")) {
    add(in, 1, "change-validation", base, "Molecule scenario " + in.path, out);
  }
  if ((base.rfind("test_", 0) == 0 && ext == ".py") || text::contains(base, "_test.go") ||
      text::contains(base, ".test.") || text::contains(base, ".spec.")) {
    add(in, 1, "change-validation", base, "tests in " + in.path, out);
  }
  if (text::contains(low, "bench") || base == "locustfile.py" || ext == ".jmx" ||
      text::contains(low, "loadtest") || text::contains(low, "load-test") || text::contains(low, "perf/")) {
    add(in, 1, "performance-baselines", base, "benchmark / load test " + in.path, out);
  }
  if (base == "security.md" || base == ".trivyignore" || base == ".snyk" || base == ".bandit" ||
      ext == ".rego" || base == ".checkov.yml" || base == ".checkov.yaml" || base == "tfsec.yml") {
    add(in, 1, "compliance-audit", base, "security / policy file " + in.path, out);
  }
  if (base.rfind("changelog", 0) == 0 || base.rfind("changes", 0) == 0 || base == "news.md" ||
      text::contains(low, "changelogs/")) {
    add(in, 1, "lifecycle", base, "changelog " + in.path, out);
  }
}

void byLine(const FileInput& in, FileFacts& out) {
  const std::string ext = text::extension(in.path);
  const bool signals = !(ext == ".md" || ext == ".markdown" || ext == ".txt" || ext == ".rst");
  const ExpiryLines expiry(in);
  if (!signals && !expiry.applies()) return;
  static const RE2 kLogging(
      R"re(\b(RotatingFileHandler|TimedRotatingFileHandler|logging\.config\.dictConfig|logging\.basicConfig|lumberjack\.Logger|zap\.NewProduction|logrus\.SetFormatter|winston\.createLogger|pino\(|max-size|max_size|log_retention|log-opts|logging:\s*$|journald|SystemMaxUse))re");
  static const RE2 kDrift(
      R"re(\b(terraform\s+plan|ansible-playbook\b.*--check|ansible-playbook\b.*--diff|helm\s+diff|kubectl\s+diff|selfHeal|driftctl|terraform\s+plan\s+-detailed-exitcode|check_mode:\s*(?:yes|true)))re");
  static const RE2 kPatch(R"re(\b(unattended-upgrades|unattended_upgrades|dnf-automatic|yum-cron))re");
  static const RE2 kValidate(R"re(\b(ansible-lint|yamllint|--syntax-check|helm\s+lint|helm\s+test|terraform\s+validate|kubeconform|kubeval|pytest|go\s+test|npm\s+test))re");
  static const RE2 kCompliance(
      R"re(\b(audit\.k8s\.io|auditd|audit_log|audit-log|auditLog|trivy|checkov|tfsec|bandit|kube-bench|cis[-_ ]benchmark|gitleaks|semgrep))re");
  static const RE2 kLifecycle(
      R"re(\b(min_ansible_version|kubeVersion|end[- ]of[- ]life|deprecated:\s*true|python_requires|engines:))re");
  static const RE2 kCapacity(R"re(\b(ResourceQuota|LimitRange|PodDisruptionBudget|maxReplicas|max_connections|pool_size|maxPoolSize|worker_processes))re");
  static const RE2 kPerf(R"re(\b(k6/http|locust|wrk\s+-|hyperfine|ab\s+-n|vegeta\s+attack|pytest-benchmark|testing\.B\b))re");
  struct Rule {
    const RE2* re;
    const char* element;
  };
  const Rule rules[] = {{&kLogging, "log-management"}, {&kDrift, "drift-detection"},
                        {&kPatch, "patching"},         {&kValidate, "change-validation"},
                        {&kCompliance, "compliance-audit"}, {&kLifecycle, "lifecycle"},
                        {&kCapacity, "capacity"},      {&kPerf, "performance-baselines"}};
  bool found[8] = {};
  static const RE2 kAny("(?m)" + kLogging.pattern() + "|" + kDrift.pattern() + "|" + kPatch.pattern() + "|" +
                        kValidate.pattern() + "|" + kCompliance.pattern() + "|" + kLifecycle.pattern() +
                        "|" + kCapacity.pattern() + "|" + kPerf.pattern() + "|" + ExpiryLines::pattern());
  text::forEachLineMatching(in.text, kAny, [&](uint32_t n, std::string_view line) {
    expiry.line(n, line, out);
    if (!signals || line.size() > 600) return;
    for (size_t i = 0; i < 8; ++i) {
      if (found[i]) continue;  // one fact per element per file is evidence enough
      std::string m;
      if (RE2::PartialMatch(line, *rules[i].re, &m)) {
        found[i] = true;
        add(in, n, rules[i].element, m, text::clip(text::trim(line), 160), out);
      }
    }
  });
}

}  // namespace

void extractSignals(const FileInput& in, FileFacts& out) {
  byPath(in, out);
  byLine(in, out);
}

}  // namespace ddd::analyzers::runbooks
