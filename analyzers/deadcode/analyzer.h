#pragma once
// The dead-code analyzer: runs every language pass (passes.h) over the tree, turns
// their candidates into findings (each with its confidence, evidence and doubts), and
// proposes changes only where the evidence is strong enough (README.md in this folder:
// the thresholds): unused dependencies removed from manifests, `export` dropped from
// exports used only in their own file, unused code and files deleted at high
// confidence, files only when no file in the tree names them. Configuration: the
// repository config's "deadcode" section (entries, ignorePaths, ignoreNames, library).

#include <string>

#include "analyzers/analyzer.h"
#include "analyzers/deadcode/language.h"

namespace ddd::analyzers::deadcode {

// Confidence a candidate needs for each kind of change (documented in README.md).
inline constexpr double kEditThreshold = 0.6;     // drop `export`, remove a dependency
inline constexpr double kDeleteThreshold = 0.85;  // delete code or a file

// Parses the "deadcode" config section; throws std::invalid_argument naming the field.
DeadcodeOptions parseDeadcodeOptions(const nlohmann::json& section);

class DeadcodeAnalyzer : public Analyzer {
 public:
  std::string name() const override { return "deadcode"; }
  std::string description() const override {
    return "unused files, exports, symbols and dependencies (JavaScript/TypeScript, Python, Go), removal PRs";
  }
  AnalysisResult run(const SourceTree& tree, const AnalyzerContext& context) override;
};

}  // namespace ddd::analyzers::deadcode
