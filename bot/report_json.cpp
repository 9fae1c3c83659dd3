#include "bot/report.h"
#include "policies/decision.h"

namespace ddd::bot {
namespace {

nlohmann::json findingToJson(const analyzers::Finding& f) {
  return {{"analyzer", f.analyzer},
          {"rule", f.rule},
          {"severity", analyzers::toString(f.severity)},
          {"path", f.path},
          {"line", f.line},
          {"column", f.column},
          {"endLine", f.endLine},
          {"endColumn", f.endColumn},
          {"message", f.message},
          {"docs", f.docs},
          {"changeId", f.changeId}};
}

nlohmann::json changeToJson(const analyzers::ProposedChange& c) {
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json edits = nlohmann::json::array();
  size_t spans = 0;
  for (const auto& e : c.edits) {
    files.push_back(e.path);
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& s : e.spans) {
      lines.push_back({{"line", s.line}, {"before", s.before}, {"after", s.replacement}});
    }
    spans += e.spans.empty() ? 1 : e.spans.size();
    edits.push_back({{"path", e.path}, {"deleted", !e.newContent}, {"spans", std::move(lines)}});
  }
  const auto decision = policies::decideWithDefaults(c);
  nlohmann::json facts;
  analyzers::to_json(facts, c.facts);
  return {{"id", c.id},
          {"branch", c.branch()},
          {"title", c.title},
          {"analyzer", c.facts.analyzer},
          {"files", std::move(files)},
          {"edits", spans},
          {"fileEdits", std::move(edits)},
          {"facts", std::move(facts)},
          {"decision",
           {{"action", policies::toString(decision.action)},
            {"rule", decision.rule},
            {"reasons", decision.reasons}}},
          {"whatChanges", c.whatChanges},
          {"why", c.why},
          {"risk", c.risk},
          {"rollback", c.rollback}};
}

}  // namespace

nlohmann::json scanToJson(const ScanReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.result.findings) findings.push_back(findingToJson(f));
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : report.result.changes) changes.push_back(changeToJson(c));
  nlohmann::json skipped = nlohmann::json::object();
  for (const auto& [reason, n] : report.stats.skippedByReason) skipped[reason] = n;
  return {{"repo", report.repoPath.string()},
          {"ref", report.ref},
          {"commit", report.commit.hex()},
          {"analyzers", report.analyzers},
          {"config", report.configPath},
          {"findings", std::move(findings)},
          {"changes", std::move(changes)},
          {"warnings", report.result.warnings},
          {"stats",
           {{"files", report.stats.files},
            {"bytes", report.stats.bytes},
            {"skipped", report.stats.skipped},
            {"skippedByReason", std::move(skipped)},
            {"seconds", report.stats.seconds}}}};
}

std::string renderJson(const ScanReport& report) {
  return scanToJson(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ddd::bot
