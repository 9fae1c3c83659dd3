#include "analyzers/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <tuple>

namespace ddd::analyzers {

const char* toString(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "unknown";
}

Severity severityFromString(const std::string& s) {
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Severity candidate : {Severity::Info, Severity::Note, Severity::Warning, Severity::Error}) {
    if (lower == toString(candidate)) return candidate;
  }
  throw std::invalid_argument("unknown severity '" + s + "' (use info, note, warning or error)");
}

void sortResult(AnalysisResult& r) {
  auto findingKey = [](const Finding& f) {
    return std::tie(f.path, f.line, f.column, f.rule, f.endLine, f.endColumn, f.analyzer,
                    f.message);
  };
  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [&](const Finding& a, const Finding& b) { return findingKey(a) < findingKey(b); });
  std::stable_sort(r.changes.begin(), r.changes.end(),
                   [](const ProposedChange& a, const ProposedChange& b) { return a.id < b.id; });
  for (ProposedChange& change : r.changes) {
    std::stable_sort(change.edits.begin(), change.edits.end(),
                     [](const FileEdit& a, const FileEdit& b) { return a.path < b.path; });
  }
}

void to_json(nlohmann::json& j, const Finding& f) {
  j = {{"analyzer", f.analyzer}, {"rule", f.rule},       {"severity", toString(f.severity)},
       {"path", f.path},         {"line", f.line},       {"column", f.column},
       {"endLine", f.endLine},   {"endColumn", f.endColumn}, {"message", f.message},
       {"docs", f.docs},         {"changeId", f.changeId}};
  if (f.properties.is_object() && !f.properties.empty()) j["properties"] = f.properties;
}

void to_json(nlohmann::json& j, const ChangeFacts& f) {
  j = {{"analyzer", f.analyzer},
       {"ecosystem", f.ecosystem},
       {"updateType", f.updateType},
       {"dependencyType", f.dependencyType},
       {"filesTouched", f.filesTouched},
       {"linesTouched", f.linesTouched},
       {"confidence", f.confidence},
       {"releaseAgeDays", f.releaseAgeDays},
       {"safe", f.safe},
       {"lockfileStale", f.lockfileStale},
       {"ruleIds", f.ruleIds},
       {"labels", f.labels},
       {"packages", f.packages},
       {"paths", f.paths}};
}

void to_json(nlohmann::json& j, const ProposedChange& c) {
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json edits = nlohmann::json::array();
  for (const FileEdit& edit : c.edits) {
    files.push_back(edit.path);
    nlohmann::json spans = nlohmann::json::array();
    for (const SpanEdit& span : edit.spans) {
      spans.push_back({{"line", span.line}, {"before", span.before}, {"after", span.replacement}});
    }
    edits.push_back({{"path", edit.path}, {"deleted", !edit.newContent}, {"spans", std::move(spans)}});
  }
  nlohmann::json facts;
  to_json(facts, c.facts);
  j = {{"id", c.id},
       {"branch", c.branch()},
       {"title", c.title},
       {"analyzer", c.facts.analyzer},
       {"files", std::move(files)},
       {"facts", std::move(facts)},
       {"edits", std::move(edits)},
       {"whatChanges", c.whatChanges},
       {"why", c.why},
       {"risk", c.risk},
       {"rollback", c.rollback}};
}

}  // namespace ddd::analyzers
