#pragma once
// Rendering a ScanReport for `ddd scan --format text|json|sarif`. Pure functions of the
// report (SARIF also reads the lines of findings from report.tree for fingerprints);
// output is deterministic for a given report apart from stats.seconds.
//
// JSON (the CLI contract; fields are only ever added):
//   {"repo", "ref", "commit", "analyzers": [...],
//    "findings": [{"analyzer","rule","severity","path","line","column","endLine",
//                  "endColumn","message","docs","changeId"}],
//    "changes": [{"id","branch","title","analyzer","files":[...],"edits":N,"facts":{...},
//                 "decision":{"action","rule","reasons"},"whatChanges","why","risk","rollback"}],
//    "warnings": [...],
//    "stats": {"files","bytes","skipped","skippedByReason":{...},"seconds"}}
// SARIF: version 2.1.0 as GitHub code scanning accepts it (one run, tool "ddd").

#include <nlohmann/json.hpp>
#include <string>

#include "bot/scan.h"

namespace ddd::bot {

std::string renderText(const ScanReport& report);

nlohmann::json scanToJson(const ScanReport& report);
std::string renderJson(const ScanReport& report);  // scanToJson, indented, newline-terminated

nlohmann::json scanToSarif(const ScanReport& report);
std::string renderSarif(const ScanReport& report);

}  // namespace ddd::bot
