#pragma once
// DeprecationsAnalyzer: finds deprecated API usages with the rule packs shipped with
// ddd plus the repository's own rules, and proposes the fixes as changes, one per pack
// by default (safe and needs-review fixes apart). Every edit replaces only its matched
// span; the rest of each file stays byte-identical. Configuration: RULES.md
// "Repository configuration". run() is deterministic and may be called concurrently
// on different trees.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/deprecations/glob.h"
#include "analyzers/deprecations/matcher.h"
#include "analyzers/deprecations/rule_pack.h"

namespace ddd::analyzers::deprecations {

// The repository config's "deprecations" section is invalid; the message names the
// field ("deprecations.grouping: ...").
class DeprecationsConfigError : public std::runtime_error {
 public:
  explicit DeprecationsConfigError(const std::string& what) : std::runtime_error(what) {}
};

enum class Grouping { Pack, Rule, All };

struct DeprecationsConfig {
  std::vector<std::string> disablePacks;
  std::vector<std::string> disableRules;
  nlohmann::json rules = nlohmann::json::array();  // inline rules, pack "repo"
  std::vector<std::string> rulePacks;              // pack files in the repository
  Grouping grouping = Grouping::Pack;
  GlobSet ignorePaths;
};

// Checks and reads the section ({} or null: the defaults). Throws DeprecationsConfigError.
DeprecationsConfig parseDeprecationsConfig(const nlohmann::json& section);

struct DeprecationsOptions {
  // The packs to use instead of the shipped ones (tests, tools); nullopt: load the
  // shipped packs from context.dataDir (or defaultDataDir() when that is empty).
  std::optional<std::vector<RulePack>> packs;
  MatchOptions matching;
};

class DeprecationsAnalyzer : public Analyzer {
 public:
  explicit DeprecationsAnalyzer(DeprecationsOptions options = {});
  std::string name() const override { return "deprecations"; }
  std::string description() const override;
  // Throws DeprecationsConfigError for an invalid config section or a broken rule pack
  // named by it; a broken shipped pack is only a warning.
  AnalysisResult run(const SourceTree& tree, const AnalyzerContext& context) override;

 private:
  DeprecationsOptions options_;
};

}  // namespace ddd::analyzers::deprecations
