#pragma once
// The dependency-staleness analyzer: for every dependency a manager extracts, asks the
// datasource how far behind it is (versions, release dates, deprecation), computes
// libyears and the update type, and proposes minimal-diff updates (only the version
// spans change) grouped as configured, majors always on their own. Registry look-ups go
// through AnalyzerContext::registry, deduplicated and run a few at a time; without one
// (offline) the inventory is still reported. Configuration: the repository config's
// "dependencies" section (analyzers/dependencies/README.md).

#include <string>

#include "analyzers/analyzer.h"

namespace ddd::analyzers::deps {

struct DependencyOptions {
  std::string rangeStrategy = "bump";   // bump | replace | pin | widen
  std::string grouping = "dependency";  // dependency | ecosystem | non-major | monorepo
  int minimumReleaseAgeDays = 3;        // a version younger than this is not proposed
  int lookupConcurrency = 8;
  // When the newest version is a new major, also propose the newest version of the major
  // in use, as a non-major change of its own (a repository that can't take the major yet
  // still gets its fixes).
  bool inMajorUpdates = true;
  // "strict": an npm version whose `engines.node` does not admit every Node.js version
  // the project's package.json `engines.node` admits is not proposed (it is reported as
  // held back, with both ranges); "none": engines are not looked at (Renovate's default).
  std::string constraintsFiltering = "strict";
  // Dependencies ddd must not propose (the config's `ignore`, and the `/ddd ignore`
  // commands a server recorded).
  struct IgnoreRule {
    std::string name;                      // as declared or as the registry knows it
    std::vector<std::string> updateTypes;  // only these: "major", "minor", "patch"
    std::vector<std::string> versions;     // only these exact versions
    std::string source;                    // who asked, for the report ("config", "@jane")
    // Neither list: every update (the dependency is not even looked up).
    bool all() const { return updateTypes.empty() && versions.empty(); }
  };
  std::vector<IgnoreRule> ignore;
};

// Parses the "dependencies" config section; throws std::invalid_argument naming the field.
DependencyOptions parseDependencyOptions(const nlohmann::json& section);

class DependencyAnalyzer : public Analyzer {
 public:
  std::string name() const override { return "dependencies"; }
  std::string description() const override {
    return "outdated, deprecated and yanked dependencies (npm, ...), libyears, update PRs";
  }
  AnalysisResult run(const SourceTree& tree, const AnalyzerContext& context) override;
};

void registerDependencyAnalyzer();

}  // namespace ddd::analyzers::deps
