#include "analyzers/runbooks/triggers.h"

#include <re2/re2.h>

#include <cctype>
#include <set>

namespace ddd::analyzers::runbooks {
namespace {

bool isCodeOrConfig(const std::string& ext) {
  static const std::set<std::string> kExt = {
      ".py",  ".js",   ".ts",   ".mjs",  ".cjs", ".go",   ".rb",  ".java", ".kt",
      ".yml", ".yaml", ".json", ".toml", ".ini", ".conf", ".cfg", ".env",  ".properties",
      ".sh",  ".tf",   ".hcl",  ".j2"};
  return kExt.count(ext) != 0;
}

void prometheusRules(const FileInput& in, const YAML::Node& groups, FileFacts& out) {
  if (!groups.IsSequence()) return;
  for (const auto& group : groups) {
    if (!group.IsMap() || !group["rules"] || !group["rules"].IsSequence()) continue;
    for (const auto& rule : group["rules"]) {
      const std::string alert = yaml::scalar(rule, "alert");
      const std::string expr = yaml::scalar(rule, "expr");
      if (alert.empty() || expr.empty()) continue;  // recording rules are not triggers
      Fact f;
      f.source = {in.path, yaml::lineOf(rule)};
      f.kind = FactKind::Trigger;
      f.type = "prometheus-alert";
      f.subject = alert;
      f.value = text::clip(text::trim(expr), 240);
      if (auto d = yaml::scalar(rule, "for"); !d.empty()) f.details.push_back("for: " + d);
      const YAML::Node labels = rule["labels"];
      if (auto s = yaml::scalar(labels, "severity"); !s.empty()) {
        f.details.push_back("severity: " + s);
      }
      const YAML::Node annotations = rule["annotations"];
      for (const char* key : {"summary", "runbook_url", "runbook"}) {
        if (auto a = yaml::scalar(annotations, key); !a.empty()) {
          f.details.push_back(std::string(key) + ": " + text::clip(a, 120));
        }
      }
      out.facts.push_back(std::move(f));
    }
  }
}

void hpa(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  const YAML::Node spec = doc["spec"];
  if (!spec || !spec.IsMap()) return;
  const size_t before = out.facts.size();
  const std::string name = yaml::scalar(doc["metadata"], "name");
  Fact base;
  base.kind = FactKind::Trigger;
  base.type = "hpa-target";
  base.subject = name.empty() ? yaml::scalar(spec["scaleTargetRef"], "name") : name;
  const std::string minR = yaml::scalar(spec, "minReplicas");
  const std::string maxR = yaml::scalar(spec, "maxReplicas");
  if (!minR.empty() || !maxR.empty()) {
    base.details.push_back("replicas " + (minR.empty() ? "1" : minR) + ".." + maxR);
  }
  if (auto cpu = yaml::scalar(spec, "targetCPUUtilizationPercentage"); !cpu.empty()) {
    Fact f = base;
    f.source = {in.path, yaml::lineOf(spec["targetCPUUtilizationPercentage"])};
    f.value = "cpu utilization " + cpu + "%";
    out.facts.push_back(std::move(f));
  }
  const YAML::Node metrics = spec["metrics"];
  if (metrics && metrics.IsSequence()) {
    for (const auto& m : metrics) {
      if (!m.IsMap()) continue;
      for (const char* kind : {"resource", "containerResource", "pods", "object", "external"}) {
        const YAML::Node r = m[kind];
        if (!r || !r.IsMap()) continue;
        std::string metric = yaml::scalar(r, "name");
        if (metric.empty()) metric = yaml::scalar(r["metric"], "name");
        const YAML::Node target = r["target"];
        std::string value;
        if (auto u = yaml::scalar(target, "averageUtilization"); !u.empty()) value = u + "%";
        else if (auto v = yaml::scalar(target, "averageValue"); !v.empty()) value = v;
        else if (auto v2 = yaml::scalar(target, "value"); !v2.empty()) value = v2;
        else if (auto old = yaml::scalar(r, "targetAverageUtilization"); !old.empty())
          value = old + "%";
        if (metric.empty() && value.empty()) continue;
        Fact f = base;
        f.source = {in.path, yaml::lineOf(m)};
        f.value = metric + " " + (value.empty() ? "(no target)" : value);
        out.facts.push_back(std::move(f));
      }
    }
  }
  if (out.facts.size() == before) {
    Fact f = base;
    f.source = {in.path, yaml::lineOf(spec)};
    f.value = "autoscaling";
    out.facts.push_back(std::move(f));
  }
}

std::string quantities(const YAML::Node& m) {
  std::string out;
  if (!m || !m.IsMap()) return out;
  for (const auto& kv : m) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar()) continue;
    if (!out.empty()) out += ", ";
    out += kv.first.Scalar() + ": " + kv.second.Scalar();
  }
  return out;
}

void resources(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  yaml::forEachEntry(doc, [&](const std::string& key, const YAML::Node& value,
                              const YAML::Node& parent) {
    if (key != "resources" || !value.IsMap()) return;
    for (const char* which : {"requests", "limits"}) {
      const std::string q = quantities(value[which]);
      if (q.empty()) continue;
      Fact f;
      f.source = {in.path, yaml::lineOf(value[which])};
      f.kind = FactKind::Trigger;
      f.type = std::string("resource-") + (which[0] == 'r' ? "request" : "limit");
      f.subject = yaml::scalar(parent, "name");
      f.value = q;
      out.facts.push_back(std::move(f));
    }
  });
}

// Splits an identifier into lower-case words: "maxDiskUsage_pct" -> max disk usage pct.
std::vector<std::string> words(std::string_view id) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (c == '_' || c == '.' || c == '-') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && !cur.empty() && i > 0 &&
        std::islower(static_cast<unsigned char>(id[i - 1]))) {
      out.push_back(std::move(cur));
      cur.clear();
    }
    cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// The trigger type of a name, "" when it names no metric we track.
std::string classify(std::string_view id) {
  static const std::set<std::string> kMetric = {
      "disk", "cpu", "memory", "mem", "usage", "latency", "errors", "error", "queue",
      "percent", "percentage", "pct", "threshold", "utilization", "load", "backlog", "lag",
      "inodes", "swap", "p95", "p99"};
  const auto ws = words(id);
  if (ws.empty()) return {};
  for (const auto& w : ws) {
    if (w == "timeout" || w == "timeouts") return "timeout";
  }
  for (const auto& w : ws) {
    if (w == "retries" || w == "retry" || w == "attempts" || w == "backoff") return "retry-limit";
  }
  int metric = 0;
  for (const auto& w : ws) metric += kMetric.count(w) != 0 ? 1 : 0;
  // "error" alone is too common (error = 1); needs a second word like rate / threshold.
  if (metric == 0) return {};
  // A bare quantity name ("cpu: 250m", "memory: 1Gi") is a resource size, not a threshold.
  if (ws.size() == 1 && (ws[0] == "error" || ws[0] == "errors" || ws[0] == "load" ||
                         ws[0] == "usage" || ws[0] == "mem" || ws[0] == "lag" || ws[0] == "cpu" ||
                         ws[0] == "memory" || ws[0] == "disk" || ws[0] == "swap")) {
    return {};
  }
  return "threshold";
}

void lineThresholds(const FileInput& in, FileFacts& out) {
  // name <op> number [unit]; the name may be quoted (JSON/YAML keys).
  static const RE2 kAssign(
      R"re(([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(>=|<=|==|=|:|>|<)\s*["']?(\d+(?:\.\d+)?)\s*(%|ms|seconds|minutes|hours|mb|gb|mi|gi|kb|s|m|h|d|k)?(?:[^A-Za-z0-9_.]|$))re");
  // Only lines naming something we track reach the full pattern.
  static const RE2 kHints(
      "(?i)timeout|retr|attempt|threshold|disk|cpu|mem|latency|error|queue|percent|pct|usage|"
      "backoff|inode|swap|lag|backlog|load|p95|p99");
  text::forEachLineMatching(in.text, kHints, [&](uint32_t number, std::string_view line) {
    const std::string_view t = text::trim(line);
    if (t.empty() || t[0] == '#' || t.substr(0, 2) == "//" || t.size() > 400) return;
    re2::StringPiece input(t.data(), t.size());
    std::string name, op, value, unit;
    while (RE2::FindAndConsume(&input, kAssign, &name, &op, &value, &unit)) {
      const std::string type = classify(name);
      if (type.empty()) continue;
      Fact f;
      f.source = {in.path, number};
      f.kind = FactKind::Trigger;
      f.type = type;
      f.subject = name;
      f.value = value + unit;
      if (op != "=" && op != ":") f.details.push_back("compared with " + op);
      f.details.push_back(text::clip(t, 160));
      out.facts.push_back(std::move(f));
    }
  });
}

}  // namespace

void extractTriggers(const FileInput& in, FileFacts& out) {
  for (const YAML::Node& doc : in.yaml) {
    try {
      if (!doc.IsMap()) continue;
      const std::string kind = yaml::scalar(doc, "kind");
      if (doc["groups"]) prometheusRules(in, doc["groups"], out);
      if (kind == "PrometheusRule" && doc["spec"]) prometheusRules(in, doc["spec"]["groups"], out);
      if (kind == "HorizontalPodAutoscaler") hpa(in, doc, out);
      resources(in, doc, out);
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(in.path + ": unexpected YAML shape (" + e.what() + "); skipped");
    }
  }
  if (isCodeOrConfig(text::extension(in.path))) lineThresholds(in, out);
}

}  // namespace ddd::analyzers::runbooks
