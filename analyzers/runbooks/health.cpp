#include "analyzers/runbooks/health.h"

#include <re2/re2.h>

#include <set>

namespace ddd::analyzers::runbooks {
namespace {

bool isHealthPath(const std::string& route) {
  static const std::set<std::string> kNames = {
      "health", "healthz", "healthcheck", "health-check", "ready", "readyz", "readiness",
      "live", "livez", "liveness", "status", "ping", "_health", "_status", "heartbeat"};
  // Any path segment names a health endpoint ("/api/v1/healthz", "health/", "/status").
  std::string seg;
  for (size_t i = 0; i <= route.size(); ++i) {
    if (i == route.size() || route[i] == '/') {
      if (kNames.count(text::lower(seg)) != 0) return true;
      seg.clear();
    } else {
      seg += route[i];
    }
  }
  return false;
}

void routes(const FileInput& in, const std::string& ext, FileFacts& out) {
  static const std::set<std::string> kCode = {".py", ".js", ".ts", ".mjs", ".cjs", ".go",
                                              ".jsx", ".tsx"};
  if (kCode.count(ext) == 0) return;
  // Tests call the routes; they do not declare them.
  const std::string low = text::lower(in.path);
  if (text::contains(low, "/tests/") || text::contains(low, "/test/") || low.rfind("tests/", 0) == 0 ||
      text::contains(text::baseName(low), "test_") || text::contains(low, "_test.") ||
      text::contains(low, ".test.") || text::contains(low, ".spec.")) {
    return;
  }
  static const RE2 kRoute(
      R"re(\b(route|get|head|all|use|handle|HandleFunc|Handle|GET|HEAD|Get|Any|path|re_path|add_api_route|add_url_rule|api_route)\s*\(\s*r?["'`](\^?/?[A-Za-z0-9_./{}:$-]*)["'`])re");
  static const RE2 kHints("(?i)health|ready|live|status|ping|heartbeat");
  text::forEachLineMatching(in.text, kHints, [&](uint32_t number, std::string_view line) {
    if (line.size() > 400) return;
    re2::StringPiece input(line.data(), line.size());
    std::string call, route;
    while (RE2::FindAndConsume(&input, kRoute, &call, &route)) {
      std::string clean = route;
      if (!clean.empty() && clean[0] == '^') clean.erase(0, 1);
      if (!clean.empty() && clean.back() == '$') clean.pop_back();
      if (!isHealthPath(clean)) continue;
      if (!clean.empty() && clean[0] != '/') clean = "/" + clean;
      Fact f;
      f.source = {in.path, number};
      f.kind = FactKind::Health;
      f.type = "http-health-route";
      const std::string lowCall = text::lower(call);
      f.subject = clean;
      f.value = std::string(lowCall == "head" ? "HEAD " : "GET ") + clean;
      f.details.push_back("declared with " + call + "(");
      out.facts.push_back(std::move(f));
    }
  });
}

std::string probeText(const YAML::Node& probe) {
  if (!probe.IsMap()) return {};
  if (const YAML::Node g = probe["httpGet"]; g && g.IsMap()) {
    const std::string scheme = yaml::scalar(g, "scheme");
    return (scheme.empty() ? std::string("HTTP") : scheme) + " GET " + yaml::scalar(g, "path") +
           " on port " + yaml::scalar(g, "port");
  }
  if (const YAML::Node e = probe["exec"]; e && e.IsMap()) return "exec: " + yaml::joined(e["command"]);
  if (const YAML::Node t = probe["tcpSocket"]; t && t.IsMap()) return "TCP port " + yaml::scalar(t, "port");
  if (const YAML::Node g = probe["grpc"]; g && g.IsMap()) return "gRPC port " + yaml::scalar(g, "port");
  return {};
}

void probes(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  yaml::forEachEntry(doc, [&](const std::string& key, const YAML::Node& value,
                              const YAML::Node& parent) {
    if (key != "livenessProbe" && key != "readinessProbe" && key != "startupProbe") return;
    const std::string what = probeText(value);
    if (what.empty()) return;
    Fact f;
    f.source = {in.path, yaml::lineOf(value)};
    f.kind = FactKind::Health;
    f.type = "k8s-probe";
    f.subject = key + (yaml::scalar(parent, "name").empty() ? "" : " of " + yaml::scalar(parent, "name"));
    f.value = what;
    for (const char* k : {"initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                          "failureThreshold"}) {
      if (auto v = yaml::scalar(value, k); !v.empty()) f.details.push_back(std::string(k) + ": " + v);
    }
    out.facts.push_back(std::move(f));
  });
}

void compose(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  const YAML::Node services = doc["services"];
  if (!services || !services.IsMap()) return;
  for (const auto& kv : services) {
    if (!kv.first.IsScalar() || !kv.second.IsMap()) continue;
    const YAML::Node hc = kv.second["healthcheck"];
    if (!hc || !hc.IsMap()) continue;
    Fact f;
    f.source = {in.path, yaml::lineOf(hc)};
    f.kind = FactKind::Health;
    f.type = "compose-healthcheck";
    f.subject = kv.first.Scalar();
    f.value = yaml::joined(hc["test"]);
    if (f.value.empty()) f.value = "healthcheck";
    for (const char* k : {"interval", "timeout", "retries", "start_period"}) {
      if (auto v = yaml::scalar(hc, k); !v.empty()) f.details.push_back(std::string(k) + ": " + v);
    }
    out.facts.push_back(std::move(f));
  }
}

// Ansible tasks: a list of maps; uri / wait_for / assert modules, `validate:` parameters.
void ansibleValidation(const FileInput& in, const YAML::Node& doc, FileFacts& out) {
  if (!doc.IsSequence()) return;
  auto visit = [&](const YAML::Node& task, auto& self, int depth) -> void {
    if (!task.IsMap() || depth > 4) return;
    const std::string name = yaml::scalar(task, "name");
    for (const char* block : {"block", "rescue", "always", "tasks", "post_tasks", "pre_tasks"}) {
      const YAML::Node b = task[block];
      if (b && b.IsSequence()) for (const auto& t : b) self(t, self, depth + 1);
    }
    for (const auto& kv : task) {
      if (!kv.first.IsScalar()) continue;
      std::string module = kv.first.Scalar();
      if (const size_t dot = module.rfind('.'); dot != std::string::npos) module = module.substr(dot + 1);
      const YAML::Node args = kv.second;
      Fact f;
      f.source = {in.path, yaml::lineOf(task)};
      f.kind = FactKind::Health;
      f.subject = name;
      if (module == "uri") {
        f.type = "validation-task";
        f.value = "uri " + (args.IsMap() ? yaml::scalar(args, "url") : yaml::joined(args));
        if (auto s = yaml::scalar(args, "status_code"); !s.empty()) f.details.push_back("status_code: " + s);
      } else if (module == "wait_for") {
        f.type = "validation-task";
        std::string v = "wait_for";
        for (const char* k : {"host", "port", "path", "state", "timeout"}) {
          if (auto a = yaml::scalar(args, k); !a.empty()) v += std::string(" ") + k + "=" + a;
        }
        f.value = v;
      } else if (module == "assert") {
        f.type = "validation-task";
        f.value = "assert " + text::clip(args.IsMap() ? yaml::joined(args["that"]) : yaml::joined(args), 200);
      } else if (args.IsMap() && args["validate"] && args["validate"].IsScalar()) {
        f.type = "validation-task";
        f.value = module + " validate: " + args["validate"].Scalar();
      } else {
        continue;
      }
      out.facts.push_back(std::move(f));
    }
  };
  for (const auto& task : doc) visit(task, visit, 0);
}

void dockerHealthcheck(const FileInput& in, FileFacts& out) {
  text::forEachLine(in.text, [&](uint32_t number, std::string_view line) {
    const std::string_view t = text::trim(line);
    if (t.size() < 11 || text::lower(t.substr(0, 11)) != "healthcheck") return;
    Fact f;
    f.source = {in.path, number};
    f.kind = FactKind::Health;
    f.type = "docker-healthcheck";
    f.subject = text::baseName(in.path);
    f.value = text::clip(text::trim(t.substr(11)), 200);
    if (text::lower(f.value) == "none") f.details.push_back("disabled (HEALTHCHECK NONE)");
    out.facts.push_back(std::move(f));
  });
}

}  // namespace

void extractHealth(const FileInput& in, FileFacts& out) {
  const std::string ext = text::extension(in.path);
  const std::string base = text::lower(text::baseName(in.path));
  routes(in, ext, out);
  if (base.rfind("dockerfile", 0) == 0 || ext == ".dockerfile" || base == "containerfile") {
    dockerHealthcheck(in, out);
  }
  for (const YAML::Node& doc : in.yaml) {
    try {
      if (doc.IsMap()) {
        probes(in, doc, out);
        compose(in, doc, out);
      }
      ansibleValidation(in, doc, out);
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(in.path + ": unexpected YAML shape (" + e.what() + "); skipped");
    }
  }
  // Smoke tests: scripts named so, anywhere.
  static const std::set<std::string> kScript = {".sh", ".py", ".js", ".ts", ".go", ".yml",
                                                ".yaml", ".bash", ""};
  if (text::lower(in.path).find("smoke") != std::string::npos && kScript.count(ext) != 0) {
    Fact f;
    f.source = {in.path, 1};
    f.kind = FactKind::Health;
    f.type = "smoke-test";
    f.subject = text::baseName(in.path);
    f.value = in.path;
    out.facts.push_back(std::move(f));
  }
  // Helm test hooks live in templates, which are skipped as YAML: look at the lines.
  if (text::contains(in.text, "helm.sh/hook")) {
    text::forEachLine(in.text, [&](uint32_t number, std::string_view line) {
      if (!text::contains(line, "helm.sh/hook") || !text::contains(line, "test")) return;
      Fact f;
      f.source = {in.path, number};
      f.kind = FactKind::Health;
      f.type = "helm-test";
      f.subject = text::baseName(in.path);
      f.value = "helm test hook in " + in.path;
      out.facts.push_back(std::move(f));
    });
  }
}

}  // namespace ddd::analyzers::runbooks
