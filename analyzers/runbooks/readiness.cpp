#include "analyzers/runbooks/readiness.h"

#include <cmath>
#include <functional>

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {
namespace {

struct ElementSpec {
  const char* id;
  const char* cadence;
  const char* label;
  const char* missing;
};

const ElementSpec kElements[] = {
    {"health-checks", "daily", "health check procedure",
     "a health endpoint, probe, HEALTHCHECK or smoke test that a daily check can call"},
    {"monitoring-thresholds", "daily", "monitoring thresholds",
     "alert rules or named thresholds (error rate, latency, disk, queue) that say when to act"},
    {"log-management", "daily", "log management",
     "log rotation / retention or a logging configuration that says where logs go"},
    {"drift-detection", "daily", "drift detection",
     "a drift check (terraform plan, ansible --check --diff, helm diff, kubectl diff, GitOps self-heal)"},
    {"patching", "weekly", "patching procedure",
     "automated dependency updates (Dependabot/Renovate, unattended-upgrades) or a package upgrade task"},
    {"backups", "weekly", "backups", "a backup script or job and its restore procedure"},
    {"change-validation", "weekly", "change validation",
     "CI tests, lint / syntax checks, smoke tests or post-change validation tasks"},
    {"runbook-upkeep", "weekly", "runbook upkeep",
     "operations docs (RUNBOOK / OPERATIONS / rollback sections) and a rollback path for every operation"},
    {"capacity", "monthly", "capacity planning",
     "resource requests/limits, autoscaling bounds, quotas or disk / memory / queue alerts to review against usage"},
    {"performance-baselines", "monthly", "performance baselines",
     "benchmarks, load tests, timeouts or latency alerts / thresholds to compare against"},
    {"compliance-audit", "monthly", "compliance / audit",
     "a security policy, audit logging or a scanner (trivy, checkov, bandit...) in the repository"},
    {"lifecycle", "monthly", "lifecycle management",
     "a changelog, retention / TTL settings, certificate expiry or renewal, or supported-version notes"},
};

std::string cite(const Fact& f) {
  std::string what = f.value.empty() ? f.subject : f.value;
  return text::clip(what, 80) + " (" + f.source.cite() + ")";
}

bool isRollbackHeading(const std::string& heading) {
  const std::string h = text::lower(heading);
  for (const char* w : {"rollback", "roll back", "revert", "undo", "downgrade", "restore", "runbook",
                        "operations", "maintenance", "recovery", "disaster"}) {
    if (h.find(w) != std::string::npos) return true;
  }
  return false;
}

bool isAlertOrThreshold(const Fact& f) { return f.type == "prometheus-alert" || f.type == "threshold"; }

// What an alert or threshold is about, from its name and (alerts) its expression.
bool mentionsAny(const Fact& f, std::initializer_list<const char*> words) {
  const std::string what = text::lower(f.subject + " " + (f.type == "prometheus-alert" ? f.value : std::string()));
  for (const char* w : words) {
    if (what.find(w) != std::string::npos) return true;
  }
  return false;
}
// Capacity: how full something is (disk, memory, CPU, queue, connections, inodes).
bool namesResource(const Fact& f) {
  return mentionsAny(f, {"disk", "filesystem", "memory", "mem_", "cpu", "queue", "backlog", "connections",
                         "inode", "swap", "capacity", "storage", "utilization", "saturation"});
}
// Performance: how fast (latency, duration, response time, percentiles, throughput).
bool namesLatency(const Fact& f) {
  return mentionsAny(f, {"latency", "duration", "response_time", "responsetime", "p95", "p99", "p50",
                         "throughput", "slow"});
}

double round1(double v) { return std::round(v * 10) / 10; }

}  // namespace

Readiness scoreReadiness(const FileFacts& facts, const std::vector<Schedule>& schedules,
                         const std::vector<std::string>& components, const CadenceWeights& weights,
                         const std::string& generatedDir) {
  auto generated = [&](const std::string& path) {
    return !generatedDir.empty() && path.rfind(generatedDir + "/", 0) == 0;
  };
  Readiness r;
  r.weights = weights;
  const double total = weights.daily + weights.weekly + weights.monthly;
  std::map<std::string, int> missingCount;
  for (const std::string& name : components) {
    auto mine = [&](const std::string& c) { return c.empty() || c == name; };
    ComponentReadiness cr;
    cr.name = name;
    std::map<std::string, std::pair<int, int>> perCadence;  // found, all
    for (const ElementSpec& spec : kElements) {
      ElementScore e;
      e.id = spec.id;
      e.cadence = spec.cadence;
      e.label = spec.label;
      auto evidence = [&](const std::string& s) {
        if (e.evidence.size() < 3) e.evidence.push_back(s);
      };
      const std::string id = spec.id;
      for (const Fact& f : facts.facts) {
        if (!mine(f.component) || e.evidence.size() >= 3) continue;
        bool counts = false;
        if (id == "health-checks") counts = f.kind == FactKind::Health;
        else if (id == "monitoring-thresholds")
          counts = f.type == "prometheus-alert" || f.type == "threshold" || f.type == "hpa-target";
        else if (id == "log-management")
          counts = f.type == "log-management" ||
                   (f.type == "retention" && (text::containsIgnoreCase(f.subject, "log") ||
                                              text::containsIgnoreCase(f.source.path, "logrotate")));
        else if (id == "capacity")
          counts = f.type == "resource-limit" || f.type == "resource-request" || f.type == "hpa-target" ||
                   f.type == "capacity" || (isAlertOrThreshold(f) && namesResource(f));
        else if (id == "performance-baselines")
          counts = f.type == "performance-baselines" || f.type == "timeout" ||
                   (isAlertOrThreshold(f) && namesLatency(f));
        else if (id == "change-validation")
          counts = f.type == "change-validation" || f.type == "smoke-test" || f.type == "helm-test" ||
                   f.type == "validation-task";
        else if (id == "backups") counts = f.type == "restore-procedure";
        else if (id == "lifecycle")
          counts = f.type == "lifecycle" || f.type == "retention" || f.type == "cert-expiry";
        else if (id == "runbook-upkeep") counts = false;
        else counts = f.kind == FactKind::Signal && f.type == id;
        if (counts) evidence(cite(f));
      }
      for (const Schedule& s : schedules) {
        if (!mine(s.component)) continue;
        const bool log = s.origin == "logrotate";
        if ((id == "log-management" && log) ||
            (id == "lifecycle" && (s.origin == "certificate" || s.cadence == Cadence::Quarterly ||
                                   s.cadence == Cadence::Annual)) ||
            (id == "backups" && text::containsIgnoreCase(s.command + " " + s.name, "backup"))) {
          evidence(s.expression + " " + s.name + " (" + s.source.cite() + ")");
        }
      }
      int opsWithoutWayBack = 0;
      for (const Operation& op : facts.operations) {
        if (!mine(op.component)) continue;
        if (id == "patching" && op.type == "package-upgrade") evidence(op.name + " (" + op.source.cite() + ")");
        if (id == "backups" && op.type == "backup") evidence(op.name + " (" + op.source.cite() + ")");
        if (op.rollback != RollbackState::InCode && op.documentedAt.empty()) ++opsWithoutWayBack;
      }
      if (id == "runbook-upkeep") {
        for (const DocSection& d : facts.docs) {
          if (mine(d.component) && !generated(d.source.path) && isRollbackHeading(d.heading)) evidence(d.heading + " (" + d.source.cite() + ")");
        }
        if (opsWithoutWayBack > 0) {
          e.found = false;
          e.missing = std::to_string(opsWithoutWayBack) + " operation(s) without a rollback path in code or docs";
          if (e.evidence.empty()) e.missing += "; no operations docs";
        } else {
          e.found = !e.evidence.empty();
        }
      } else {
        e.found = !e.evidence.empty();
      }
      if (!e.found && e.missing.empty()) e.missing = spec.missing;
      if (!e.found) ++missingCount[id];
      auto& pc = perCadence[e.cadence];
      pc.first += e.found ? 1 : 0;
      pc.second += 1;
      cr.elements.push_back(std::move(e));
    }
    double score = 0;
    for (const auto& [cadence, counts] : perCadence) {
      const double s = counts.second ? 100.0 * counts.first / counts.second : 0;
      cr.cadences[cadence] = round1(s);
      const double w = cadence == "daily" ? weights.daily : cadence == "weekly" ? weights.weekly : weights.monthly;
      score += total > 0 ? s * w / total : 0;
    }
    cr.score = round1(score);
    r.components.push_back(std::move(cr));
  }
  if (!r.components.empty()) {
    double sum = 0;
    for (const auto& c : r.components) sum += c.score;
    r.score = round1(sum / static_cast<double>(r.components.size()));
    for (const char* cadence : {"daily", "weekly", "monthly"}) {
      double s = 0;
      for (const auto& c : r.components) s += c.cadences.at(cadence);
      r.cadences[cadence] = round1(s / static_cast<double>(r.components.size()));
    }
  }
  for (const ElementSpec& spec : kElements) {
    const int n = missingCount[spec.id];
    if (n == 0) continue;
    r.missing.push_back(std::to_string(n) + " of " + std::to_string(r.components.size()) +
                        (r.components.size() == 1 ? " component has" : " components have") + " no " +
                        spec.label + " (" + spec.cadence + ")");
  }
  return r;
}

nlohmann::json toJson(const Readiness& r) {
  using nlohmann::json;
  json j;
  j["score"] = r.score;
  j["weights"] = {{"daily", r.weights.daily}, {"weekly", r.weights.weekly}, {"monthly", r.weights.monthly}};
  j["cadences"] = json::object();
  for (const auto& [k, v] : r.cadences) j["cadences"][k] = {{"score", v}};
  j["components"] = json::array();
  for (const auto& c : r.components) {
    json cj;
    cj["name"] = c.name;
    cj["score"] = c.score;
    cj["cadences"] = c.cadences;
    cj["found"] = json::array();
    cj["missing"] = json::array();
    for (const auto& e : c.elements) {
      if (e.found) {
        cj["found"].push_back({{"element", e.id}, {"cadence", e.cadence}, {"evidence", e.evidence}});
      } else {
        cj["missing"].push_back({{"element", e.id}, {"cadence", e.cadence}, {"needs", e.missing}});
      }
    }
    j["components"].push_back(std::move(cj));
  }
  j["missing"] = r.missing;
  return j;
}

}  // namespace ddd::analyzers::runbooks
