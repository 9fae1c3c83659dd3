#pragma once
// Rendering a ScanReport for `ddd scan --format text|json|sarif`. Pure functions of the
// report (SARIF also reads the lines of findings from report.tree for fingerprints);
// output is deterministic for a given report apart from stats.seconds.
//
// JSON (the CLI contract; fields are only ever added):
//   {"repo", "ref", "commit", "analyzers": [...],
//    "findings": [{"analyzer","rule","severity","path","line","column","endLine",
//                  "endColumn","message","docs","changeId"[,"properties":{...}]}],
//    "changes": [{"id","branch","title","analyzer","files":[...],"edits":N,"facts":{...},
//                 "fileEdits":[...],
//                 "decision":{"action","rule","source","reasons","reviewers","labels",
//                             "mergeMethod","requiredChecks","mergeOnApproval",
//                             "ignoreTests","facts","trace":[{"rule","source","action",
//                             "matched","decided","held","failed"}]},
//                 "whatChanges","why","risk","rollback"}],
//    "warnings": [...], "details": {"<analyzer>": {...}},
//    "stats": {"files","bytes","skipped","skippedByReason":{...},"seconds"}}
// SARIF: version 2.1.0 as GitHub code scanning accepts it (one run, tool "ddd").

#include <nlohmann/json.hpp>
#include <string>

#include "bot/scan.h"

namespace ddd::bot {

// `explain`: under each proposed change, the policy trace (policies::explainText).
std::string renderText(const ScanReport& report, bool explain = false);

nlohmann::json scanToJson(const ScanReport& report);
std::string renderJson(const ScanReport& report);  // scanToJson, indented, newline-terminated

nlohmann::json scanToSarif(const ScanReport& report);
std::string renderSarif(const ScanReport& report);

}  // namespace ddd::bot
