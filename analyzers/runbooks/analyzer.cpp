#include "analyzers/runbooks/analyzer.h"

#include <algorithm>
#include <map>

#include "analyzers/runbooks/extract.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/rollback.h"

namespace ddd::analyzers::runbooks {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
  throw RunbooksConfigError("runbooks." + field + ": " + what);
}

std::vector<std::string> stringList(const json& j, const std::string& field) {
  if (!j.is_array()) invalid(field, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string() || item.get<std::string>().empty()) invalid(field, "must be a list of non-empty strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

deprecations::GlobSet globs(const json& j, const std::string& field) {
  try {
    return deprecations::GlobSet(stringList(j, field));
  } catch (const deprecations::GlobError& e) {
    invalid(field, e.what());
  }
}

Finding missingRollback(const Operation& op, const std::string& outputDir) {
  Finding f;
  f.analyzer = "runbooks";
  f.rule = "runbooks.missing-rollback-docs";
  f.severity = op.rollback == RollbackState::Missing ? Severity::Warning : Severity::Note;
  f.path = op.source.path;
  f.line = op.source.line;
  const std::string component = op.component.empty() ? "repository" : op.component;
  // Repository-wide operations are written up in the index, the others in their component's runbook.
  const std::string target =
      outputDir + "/" + (op.component.empty() ? std::string("README") : componentSlug(component)) + ".md";
  f.message = operationLabel(op) + " '" + op.name + "' has no rollback path in code or docs" +
              (op.rollbackEvidence.empty() ? "" : " (" + op.rollbackEvidence + ")") +
              ". Document it in " + target + " (section 'Rollback: " + op.name +
              "'): " + rollbackNeeds(op) + ".";
  f.properties = {{"operation", op.type},
                  {"name", op.name},
                  {"component", component},
                  {"codeRollback", op.rollback == RollbackState::Missing ? "broken" : "none"},
                  {"rollbackDoc", target},
                  {"rollbackMustSay", rollbackNeeds(op)}};
  if (!op.details.empty()) f.properties["details"] = op.details;
  return f;
}

}  // namespace

RunbooksConfig parseRunbooksConfig(const json& section) {
  RunbooksConfig config;
  if (section.is_null()) return config;
  if (!section.is_object()) throw RunbooksConfigError("runbooks: must be an object");
  for (const auto& [key, value] : section.items()) {
    if (key == "components") {
      if (!value.is_array()) invalid(key, "must be a list of {name, paths}");
      for (size_t i = 0; i < value.size(); ++i) {
        const json& c = value[i];
        const std::string where = "components[" + std::to_string(i) + "]";
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("paths")) {
          invalid(where, "must be an object with a name and paths");
        }
        ComponentRule rule;
        rule.name = c["name"].get<std::string>();
        if (rule.name.empty()) invalid(where + ".name", "must not be empty");
        rule.paths = globs(c["paths"], where + ".paths");
        config.components.push_back(std::move(rule));
      }
    } else if (key == "weights") {
      if (!value.is_object()) invalid(key, "must be an object {daily, weekly, monthly}");
      for (const auto& [cadence, w] : value.items()) {
        if (!w.is_number() || w.get<double>() < 0) invalid(key + "." + cadence, "must be a number >= 0");
        if (cadence == "daily") config.weights.daily = w.get<double>();
        else if (cadence == "weekly") config.weights.weekly = w.get<double>();
        else if (cadence == "monthly") config.weights.monthly = w.get<double>();
        else invalid(key + "." + cadence, "unknown cadence (daily, weekly, monthly)");
      }
      if (config.weights.daily + config.weights.weekly + config.weights.monthly <= 0) {
        invalid(key, "at least one weight must be above 0");
      }
    } else if (key == "outputDir") {
      if (!value.is_string() || value.get<std::string>().empty()) invalid(key, "must be a non-empty path");
      std::string dir = value.get<std::string>();
      while (!dir.empty() && dir.back() == '/') dir.pop_back();
      if (dir.empty() || dir[0] == '/' || dir.find("..") != std::string::npos) {
        invalid(key, "must be a relative path inside the repository");
      }
      config.outputDir = dir;
    } else if (key == "generate") {
      if (!value.is_boolean()) invalid(key, "must be true or false");
      config.generate = value.get<bool>();
    } else if (key == "ignorePaths") {
      config.ignorePaths = globs(value, key);
    } else {
      invalid(key, "unknown field (components, weights, outputDir, generate, ignorePaths)");
    }
  }
  return config;
}

AnalysisResult RunbooksAnalyzer::run(const SourceTree& tree, const AnalyzerContext& context) {
  const RunbooksConfig config = parseRunbooksConfig(context.config);
  AnalysisResult result;
  auto want = [&](const std::string& path) {
    return config.ignorePaths.empty() || !config.ignorePaths.matches(path);
  };
  FileFacts facts = extractFacts(tree, want);
  // Schedules come from the schedule extractors (schedule.h) once they are built in.
  std::vector<Schedule> schedules;

  std::vector<std::string> paths;
  for (const auto& f : tree.files()) {
    if (want(f.path)) paths.push_back(f.path);
  }
  const ComponentMap components(paths, config.components, context.repoName);
  for (auto& f : facts.facts) f.component = components.componentOf(f.source.path);
  for (auto& o : facts.operations) o.component = components.componentOf(o.source.path);
  for (auto& d : facts.docs) d.component = components.componentOf(d.source.path);
  for (auto& s : schedules) s.component = components.componentOf(s.source.path);
  matchRollbackDocs(facts.operations, facts.docs);

  for (const Operation& op : facts.operations) {
    if (op.rollback == RollbackState::InCode || !op.documentedAt.empty()) continue;
    result.findings.push_back(missingRollback(op, config.outputDir));
  }

  const Readiness readiness =
      scoreReadiness(facts, schedules, components.components(), config.weights);
  result.details["readiness"] = toJson(readiness);
  std::map<std::string, int> byKind;
  for (const auto& f : facts.facts) ++byKind[std::string(toString(f.kind)) + ":" + f.type];
  for (const auto& o : facts.operations) ++byKind["operation:" + o.type];
  json counts = json::object();
  for (const auto& [k, v] : byKind) counts[k] = v;
  result.details["facts"] = counts;
  json ops = json::array();
  for (const auto& o : facts.operations) {
    ops.push_back({{"type", o.type},
                   {"name", o.name},
                   {"source", o.source.cite()},
                   {"component", o.component},
                   {"rollback", o.rollback == RollbackState::InCode ? "in-code"
                                : !o.documentedAt.empty()          ? "documented"
                                : o.rollback == RollbackState::Missing ? "broken"
                                                                       : "none"},
                   {"evidence", o.documentedAt.empty() ? o.rollbackEvidence : o.documentedAt}});
  }
  result.details["operations"] = std::move(ops);
  result.details["skippedTemplates"] = facts.skippedTemplates;

  for (auto& w : facts.warnings) result.warnings.push_back(std::move(w));
  if (facts.skippedTemplates > 0) {
    result.warnings.push_back(std::to_string(facts.skippedTemplates) +
                              " template file(s) (Helm / Jinja) are not YAML until rendered; their "
                              "YAML facts were skipped");
  }
  sortResult(result);
  return result;
}

}  // namespace ddd::analyzers::runbooks
