#include "bot/report.h"
#include "policies/decision.h"

namespace ddd::bot {
namespace {

nlohmann::json findingToJson(const analyzers::Finding& f) {
  nlohmann::json j;
  analyzers::to_json(j, f);
  return j;
}

// The change as the vocabulary serialises it ("edits" there holds the per-file spans,
// kept here as "fileEdits"), plus the span count as "edits" and the policy decision.
nlohmann::json changeToJson(const analyzers::ProposedChange& c,
                            const policies::Decision& decision) {
  nlohmann::json j;
  analyzers::to_json(j, c);
  size_t spans = 0;
  for (const auto& e : c.edits) spans += e.spans.empty() ? 1 : e.spans.size();
  j["fileEdits"] = std::move(j["edits"]);
  j["edits"] = spans;
  nlohmann::json trace = nlohmann::json::array();
  for (const auto& t : decision.trace) {
    trace.push_back({{"rule", t.rule},
                     {"source", t.source},
                     {"action", policies::toString(t.action)},
                     {"matched", t.matched},
                     {"decided", t.decided},
                     {"held", t.held},
                     {"failed", t.failed}});
  }
  j["decision"] = {{"action", policies::toString(decision.action)},
                   {"rule", decision.rule},
                   {"source", decision.source},
                   {"reasons", decision.reasons},
                   {"reviewers", decision.reviewers},
                   {"labels", decision.labels},
                   {"mergeMethod", decision.mergeMethod},
                   {"requiredChecks", decision.requiredChecks},
                   {"mergeOnApproval", decision.mergeOnApproval},
                   {"ignoreTests", decision.ignoreTests},
                   {"facts", decision.facts},
                   {"trace", std::move(trace)}};
  return j;
}

}  // namespace

nlohmann::json scanToJson(const ScanReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : report.result.findings) findings.push_back(findingToJson(f));
  nlohmann::json changes = nlohmann::json::array();
  for (size_t i = 0; i < report.result.changes.size(); ++i) {
    const auto& c = report.result.changes[i];
    changes.push_back(changeToJson(
        c, i < report.decisions.size() ? report.decisions[i] : policies::decideWithDefaults(c)));
  }
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
          {"details", report.result.details},
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
