#pragma once
// The contract between the dead-code analyzer (analyzer.cpp: findings, confidence
// thresholds, PRs) and its per-language passes (JavaScript/TypeScript, Python, Go).
// A pass reads the whole tree once, builds its module graph and reference index, and
// returns candidates with the evidence behind each; it never runs repository code.
// Passes are independent and may run concurrently; each is deterministic.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/source_tree.h"

namespace ddd::analyzers::deadcode {

// Repository config section "deadcode" (schema in analyzers/config), already parsed.
struct DeadcodeOptions {
  std::vector<std::string> entries;      // extra entry globs ("scripts/*.py")
  std::vector<std::string> ignorePaths;  // globs: never reported
  std::vector<std::string> ignoreNames;  // symbol / dependency names (globs) never reported
  bool library = false;  // true: the public API (exports of the package entry) is kept
};

enum class Kind {
  UnusedFile,             // nothing reaches the file from any entry
  UnusedExport,           // exported, referenced nowhere (not even its own file)
  ExportUsedOnlyLocally,  // exported, used only in its own file: drop the `export`
  UnusedSymbol,           // private / unexported, referenced nowhere
  UnusedDependency,       // declared in a manifest, imported nowhere, no tool uses it
  UnlistedDependency,     // imported, not declared
};
const char* toString(Kind k);  // "unused-file", "unused-export", ...

// A minimal edit that removes the dead thing: replace [offset, offset+length) of
// `path` with `replacement`; `deleteFile` removes the file instead.
struct Removal {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string replacement;
  bool deleteFile = false;
};

struct Candidate {
  Kind kind = Kind::UnusedSymbol;
  std::string language;  // "javascript", "typescript", "python", "go"
  std::string path;      // the file (for dependencies: the manifest)
  uint32_t line = 0;
  uint32_t column = 0;
  std::string name;        // symbol, export or dependency name; the path for files
  std::string symbolKind;  // "function", "class", "const", "type", "file", "dependency", ...
  double confidence = 0;   // 0..1, from the evidence below (see the analyzer's README)
  std::vector<std::string> evidence;  // "no references in 412 files", "not reachable from
                                      // entries src/index.ts, bin/cli.js", ...
  std::vector<std::string> doubts;    // what lowered confidence: "getattr(...) in a.py:10"
  std::optional<Removal> removal;     // none when no safe edit exists
};

struct PassStats {
  uint64_t files = 0;             // files of the language read
  uint64_t skippedGenerated = 0;  // generated / minified, detected and skipped
  uint64_t skippedHuge = 0;
  uint64_t parseErrors = 0;  // files with syntax errors (their symbols get lower confidence)
  std::vector<std::string> entries;  // entry points found, for the evidence text
};

struct PassResult {
  std::vector<Candidate> candidates;
  PassStats stats;
  std::vector<std::string> warnings;
};

PassResult analyzeJavaScript(const SourceTree& tree, const DeadcodeOptions& options);
PassResult analyzePython(const SourceTree& tree, const DeadcodeOptions& options);
PassResult analyzeGo(const SourceTree& tree, const DeadcodeOptions& options);

}  // namespace ddd::analyzers::deadcode
