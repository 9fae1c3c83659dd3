#include "policies/engine.h"

#include <algorithm>
#include <cstdio>

namespace ddd::policies {
namespace {

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

// The facts the rules read, one line each, for the explanation.
std::vector<std::string> factLines(const PreparedChange& pc) {
  const auto& f = pc.change.facts;
  std::vector<std::string> out;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.push_back(std::string(name) + ": " + value);
  };
  add("analyzer", f.analyzer);
  add("ecosystem", f.ecosystem);
  add("update type", f.updateType);
  add("dependency type", f.dependencyType);
  add("packages", joined(f.packages));
  add("rule ids", joined(f.ruleIds));
  out.push_back(
      "files: " + std::to_string(pc.files) + ", lines: " + std::to_string(pc.lines) +
      ", edits: " + std::to_string(pc.edits) +
      (pc.deleted.empty() ? "" : ", deleted files: " + std::to_string(pc.deleted.size())));
  out.push_back("confidence: " + fixed2(f.confidence));
  if (f.releaseAgeDays >= 0)
    out.push_back("release age: " + std::to_string(f.releaseAgeDays) + " days");
  out.push_back(std::string("safe: ") + (f.safe ? "yes" : "no") +
                ", lockfile stale: " + (f.lockfileStale ? "yes" : "no"));
  add("labels", joined(f.labels));
  return out;
}

void addUnique(std::vector<std::string>& to, const std::string& item) {
  if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

}  // namespace

ServerPolicies parseServerPolicies(const nlohmann::json& j, const std::string& source) {
  ServerPolicies out;
  if (j.is_null()) return out;
  if (!j.is_object()) {
    throw PolicyError(source +
                      ": /policies: expected an object with \"enforced\" and/or "
                      "\"defaults\" rule arrays, got " +
                      j.dump());
  }
  for (const auto& [key, v] : j.items()) {
    if (key == "enforced") {
      out.enforced = parseRules(v, source, "/policies/enforced");
    } else if (key == "defaults") {
      out.defaults = parseRules(v, source, "/policies/defaults");
    } else {
      throw PolicyError(source + ": /policies/" + key +
                        ": unknown field (known: enforced, defaults)");
    }
  }
  return out;
}

PolicyEngine::PolicyEngine() : rules_(builtinRules()) {}

PolicyEngine::PolicyEngine(std::vector<Rule> repositoryRules, ServerPolicies server) {
  for (auto& r : server.enforced) {
    if (r.source.rfind("server enforced", 0) != 0) r.source = "server enforced: " + r.source;
    rules_.push_back(std::move(r));
  }
  for (auto& r : repositoryRules) rules_.push_back(std::move(r));
  for (auto& r : server.defaults) {
    if (r.source.rfind("server default", 0) != 0) r.source = "server default: " + r.source;
    rules_.push_back(std::move(r));
  }
  for (const auto& r : builtinRules()) rules_.push_back(r);
}

PolicyEngine PolicyEngine::fromConfig(const nlohmann::json& repositoryPolicies,
                                      const std::string& configPath, ServerPolicies server) {
  return PolicyEngine(parseRules(repositoryPolicies, "repository " + configPath, "/policies"),
                      std::move(server));
}

Decision PolicyEngine::decide(const analyzers::ProposedChange& change, const Codeowners& owners,
                              Explain explain) const {
  const PreparedChange pc(change);
  Decision d;
  if (explain == Explain::Full) d.facts = factLines(pc);
  if (change.edits.empty()) {
    d.action = Action::Skip;
    d.rule = "defaults.no-edits";
    d.source = "built-in";
    d.reasons = {"the change edits no file, so there is nothing to propose"};
    d.trace.push_back(
        {d.rule, d.source, Action::Skip, true, true, {"the change edits no file"}, {}});
    return d;
  }

  size_t decider = rules_.size();
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (ruleMatches(rules_[i], pc)) {
      decider = i;
      break;
    }
  }
  // The built-in catch-all matches everything, so some rule decides.
  for (size_t i = explain == Explain::Full ? 0 : decider; i <= decider && i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    RuleCheck check = checkRule(rule, pc);
    d.trace.push_back({rule.name, rule.source, rule.action, check.matched, i == decider,
                       std::move(check.held), std::move(check.failed)});
  }
  const Rule& rule = rules_[decider];
  const RuleTrace& deciding = d.trace.back();
  d.action = rule.action;
  d.rule = rule.name;
  d.source = rule.source;
  if (!rule.description.empty()) d.reasons.push_back(rule.description);
  for (const auto& h : deciding.held) {
    if (h != "matches every change" || d.reasons.empty()) d.reasons.push_back(h);
  }
  d.labels = rule.labels;
  d.mergeMethod = rule.mergeMethod;
  d.requiredChecks = rule.requiredChecks;
  d.mergeOnApproval = rule.mergeOnApproval;
  d.ignoreTests = rule.ignoreTests;
  for (const auto& reviewer : rule.reviewers) {
    if (reviewer != "@codeowners") {
      addUnique(d.reviewers, reviewer);
      continue;
    }
    const auto found = owners.ownersOf(pc.paths);
    if (found.empty()) {
      d.reasons.push_back("no CODEOWNERS entry covers the changed files" +
                          std::string(owners.empty() ? " (the repository has no CODEOWNERS)" : "") +
                          ", so no code owner is requested");
    }
    for (const auto& o : found) addUnique(d.reviewers, o);
  }

  // When a person has to look anyway, also say what else would have held the change
  // back (each later built-in caution that matches), so nothing surprises them.
  if (d.action != Action::Automerge && explain == Explain::Full) {
    for (size_t i = decider + 1; i < rules_.size(); ++i) {
      const Rule& later = rules_[i];
      if (later.source != "built-in" || later.action == Action::Automerge ||
          later.name == "defaults.review" || !ruleMatches(later, pc)) {
        continue;
      }
      RuleCheck check = checkRule(later, pc);
      for (const auto& h : check.held) addUnique(d.reasons, h);
    }
  }
  return d;
}

Decision decideWithDefaults(const analyzers::ProposedChange& change) {
  static const PolicyEngine defaults;
  return defaults.decide(change);
}

}  // namespace ddd::policies
