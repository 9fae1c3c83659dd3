#include "bot/report_local.h"

#include <algorithm>
#include <chrono>

#include "bot/report_state.h"
#include "bot/state_store.h"
#include "forges/local_forge.h"
#include "git/repository.h"

namespace ddd::bot {

std::string isoWeek(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%G-W%V", &tm);
  return buf;
}

namespace {

bool ran(const ScanReport& r, const std::string& analyzer) {
  return std::find(r.analyzers.begin(), r.analyzers.end(), analyzer) != r.analyzers.end();
}


// The part of a rule id before the first dot: the pack ("python.imp" -> "python").
std::string packOf(const std::string& rule) { return rule.substr(0, rule.find('.')); }
// The part after the analyzer's prefix: "deadcode.unused-file" -> "unused-file".
std::string kindOf(const std::string& rule) {
  const size_t dot = rule.find('.');
  return dot == std::string::npos ? rule : rule.substr(dot + 1);
}

const nlohmann::json* detail(const ScanReport& r, const std::string& analyzer) {
  auto it = r.result.details.find(analyzer);
  return it == r.result.details.end() ? nullptr : &*it;
}

double number(const nlohmann::json& j, std::initializer_list<const char*> path, double fallback) {
  const nlohmann::json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return fallback;
    cur = &(*cur)[key];
  }
  return cur->is_number() ? cur->get<double>() : fallback;
}

nlohmann::json inputsToJson(const HealthInputs& in) {
  nlohmann::json j = nlohmann::json::object();
  if (in.libyears) j["libyears"] = *in.libyears;
  if (in.deprecatedApiUsages) j["deprecatedApiUsages"] = *in.deprecatedApiUsages;
  if (in.deadcodeFindings) j["deadcodeFindings"] = *in.deadcodeFindings;
  if (in.readiness) j["readiness"] = *in.readiness;
  j["updatesByType"] = in.updatesByType;
  j["deprecationsByPack"] = in.deprecationsByPack;
  j["deadcodeByKind"] = in.deadcodeByKind;
  return j;
}

}  // namespace

HealthInputs healthInputsFrom(const ScanReport& report) {
  HealthInputs in;
  if (ran(report, "deprecations")) {
    int n = 0;
    for (const auto& f : report.result.findings) {
      if (f.analyzer != "deprecations") continue;
      ++n;
      ++in.deprecationsByPack[packOf(f.rule)];
    }
    in.deprecatedApiUsages = n;
  }
  if (ran(report, "deadcode")) {
    int n = 0;
    for (const auto& f : report.result.findings) {
      if (f.analyzer != "deadcode") continue;
      ++n;
      ++in.deadcodeByKind[kindOf(f.rule)];
    }
    in.deadcodeFindings = n;
  }
  // The dependency analyzer's summary: details.dependencies.summary.{libyears,
  // updatesByType, deprecated, yanked}.
  if (const auto* d = detail(report, "dependencies"); d && ran(report, "dependencies")) {
    const nlohmann::json& s = d->contains("summary") ? (*d)["summary"] : *d;
    in.libyears = number(s, {"libyears"}, 0);
    if (s.contains("updatesByType") && s["updatesByType"].is_object()) {
      for (const auto& [k, v] : s["updatesByType"].items()) {
        if (v.is_number_integer()) in.updatesByType[k] = v.get<int>();
      }
    }
    in.deprecatedDependencies = static_cast<int>(number(s, {"deprecated"}, 0));
    in.yankedDependencies = static_cast<int>(number(s, {"yanked"}, 0));
  }
  // The runbooks analyzer's readiness: details.runbooks.readiness.{score, cadences,
  // components[{name, score}]}.
  if (const auto* d = detail(report, "runbooks"); d && ran(report, "runbooks")) {
    const nlohmann::json& r = d->contains("readiness") ? (*d)["readiness"] : *d;
    const double score = number(r, {"score"}, -1);
    if (score >= 0) in.readiness = score;
    if (r.contains("cadences") && r["cadences"].is_object()) {
      for (const auto& [k, v] : r["cadences"].items()) {
        if (v.is_number()) in.readinessByCadence[k] = v.get<double>();
        if (v.is_object() && v.contains("score") && v["score"].is_number()) {
          in.readinessByCadence[k] = v["score"].get<double>();
        }
      }
    }
    if (r.contains("components") && r["components"].is_array()) {
      for (const auto& c : r["components"]) {
        if (c.is_object() && c.contains("name") && c["name"].is_string()) {
          in.weakestComponents.emplace_back(c["name"].get<std::string>(), number(c, {"score"}, 0));
        }
      }
      std::sort(in.weakestComponents.begin(), in.weakestComponents.end(),
                [](const auto& a, const auto& b) { return a.second < b.second; });
    }
  }
  return in;
}

ReportLocalResult reportLocal(const ReportLocalRequest& request) {
  const std::time_t now = request.now ? request.now : std::time(nullptr);
  ScanReport scan = runScan(request.scan);
  git::Repository repo = git::Repository::open(scan.repoPath);
  ReportLocalResult result;
  result.stateFile =
      request.stateFile ? *request.stateFile : StateStore::defaultPath(repo.gitDir());
  StateStore state(result.stateFile);
  const std::string repoKey = scan.repoPath.string();

  ReportInput in;
  in.repo = scan.repoPath.filename().string();
  in.now = now;
  in.current = healthInputsFrom(scan);
  in.analyzers = scan.analyzers;
  applyReportConfig(scan.repoConfig, in);
  for (const auto& p : state.reportHistory(repoKey, isoWeek(now), 11)) {
    in.history.push_back({static_cast<std::time_t>(p.at), p.score, p.libyears});
  }

  // Open drafts of the local forge with the decisions the scan makes now; held-back
  // changes with the caps `ddd run --local` applies.
  forges::LocalForge forge(result.stateFile, repoKey);
  addPullRequestsAndHeldBack(forge, scan, limitsFromConfig(scan.repoConfig, {10, 0}),
                             [now] { return now; }, in);

  result.body = renderTechDebtReport(in);
  result.score = healthScore(in.current, in.weights);
  if (request.record) {
    ReportPoint p;
    p.week = isoWeek(now);
    p.at = now;
    p.score = result.score.total;
    p.libyears = in.current.libyears;
    p.inputs = inputsToJson(in.current).dump();
    state.recordReportPoint(repoKey, p);
  }
  return result;
}

}  // namespace ddd::bot
