#pragma once
// The analyzers' vocabulary (DESIGN.md "Key contracts"): what an analyzer finds
// (Finding), what it proposes to change (ProposedChange made of FileEdits), and the
// facts a policy decides on. Plain values; no behaviour beyond (de)serialisation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ddd::analyzers {

enum class Severity { Info, Note, Warning, Error };
const char* toString(Severity s);
// Accepts info|note|warning|error (case-insensitive); throws std::invalid_argument.
Severity severityFromString(const std::string& s);

struct Finding {
  std::string analyzer;  // "deprecations"
  std::string rule;      // rule id, "python.datetime-utcnow"
  Severity severity = Severity::Warning;
  std::string path;
  uint32_t line = 0;    // 1-based; 0 = whole file
  uint32_t column = 0;  // 1-based byte column; 0 = unknown
  uint32_t endLine = 0;
  uint32_t endColumn = 0;
  std::string message;
  std::string docs;      // link, may be empty
  std::string changeId;  // the change that fixes it, empty if none
  // Analyzer-specific facts about this finding (confidence and evidence for dead
  // code, versions and dates for a dependency, ...). An object; reported as
  // "properties" in JSON and SARIF when not empty.
  nlohmann::json properties = nlohmann::json::object();
};

// One replaced byte span of a file, for reporting ("path:line: old -> new").
struct SpanEdit {
  uint64_t offset = 0;  // byte offset in the original content
  uint64_t length = 0;
  std::string replacement;
  uint32_t line = 0;  // 1-based line of `offset`
  std::string before;  // the original text of the span
};

struct FileEdit {
  std::string path;
  std::optional<std::string> newContent;  // nullopt deletes the file
  std::vector<SpanEdit> spans;            // what changed, in offset order
};

// Facts a policy needs (DESIGN.md). Unknown values stay empty / negative.
struct ChangeFacts {
  std::string analyzer;
  std::string ecosystem;       // npm, pypi, ..., or the rule pack for deprecations
  std::string updateType;      // major|minor|patch|pin|digest|fix|delete|docs
  std::string dependencyType;  // prod|dev|peer|optional
  uint32_t filesTouched = 0;
  uint32_t linesTouched = 0;
  double confidence = 1.0;       // 0..1
  int64_t releaseAgeDays = -1;   // -1 = not applicable
  bool safe = false;             // every edit is marked safe by its rule
  bool lockfileStale = false;
  std::vector<std::string> ruleIds;
  std::vector<std::string> labels;
  std::vector<std::string> packages;  // dependencies the change updates or removes
  std::vector<std::string> paths;     // files the change touches, sorted (policies match globs)
};

struct ProposedChange {
  std::string id;  // stable, branch-safe: "deprecations/python"; the branch is "ddd/" + id
  std::string title;
  std::vector<FileEdit> edits;  // sorted by path
  ChangeFacts facts;
  // PR body sections (Markdown).
  std::string whatChanges;
  std::string why;
  std::string risk;
  std::string rollback;

  std::string branch() const { return "ddd/" + id; }
};

struct AnalysisResult {
  std::vector<Finding> findings;
  std::vector<ProposedChange> changes;
  // Non-fatal problems (a corrupt rule file, an unreadable file): reported, scan goes on.
  std::vector<std::string> warnings;
  // Analyzer-specific structured output beyond findings (the dependency inventory,
  // readiness scores, ...): an object. The scan keeps each analyzer's under its name
  // ("details": {"dependencies": {...}}) and JSON reports print it.
  nlohmann::json details = nlohmann::json::object();
};

// Deterministic ordering: findings by (path, line, column, rule); changes by id.
void sortResult(AnalysisResult& r);

void to_json(nlohmann::json& j, const Finding& f);
void to_json(nlohmann::json& j, const ChangeFacts& f);
void to_json(nlohmann::json& j, const ProposedChange& c);

}  // namespace ddd::analyzers
