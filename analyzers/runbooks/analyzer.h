#pragma once
// The runbooks analyzer: extracts the maintenance facts of a tree (extract.h) and its
// schedules (schedule.h), assigns them to components (components.h), reports every
// operation without a rollback path in code or docs (rule runbooks.missing-rollback-docs),
// scores maintenance readiness (readiness.h; details.runbooks.readiness) and proposes one
// change that writes the cadence runbooks, rollback.md and maintenance.ics
// (runbook_writer.h, schedule.h); details.runbooks.checklist counts cited vs TODO items
// per page and per component.
//
// Config (the repository config's "runbooks" section; see analyzers/config/README.md):
//   components: [{name, paths: [globs]}]   components by globs, before the defaults
//   weights: {daily, weekly, monthly}      cadence weights of the score (25/35/40)
//   outputDir: "docs/runbooks"             where the runbooks are written
//   generate: true                         false: findings and score only, no change
//   ignorePaths: [globs]                   files this analyzer skips

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzers/analyzer.h"
#include "analyzers/runbooks/components.h"
#include "analyzers/runbooks/readiness.h"

namespace ddd::analyzers::runbooks {

// The "runbooks" config section is invalid; the message names the field.
class RunbooksConfigError : public std::runtime_error {
 public:
  explicit RunbooksConfigError(const std::string& what) : std::runtime_error(what) {}
};

struct RunbooksConfig {
  std::vector<ComponentRule> components;
  CadenceWeights weights;
  std::string outputDir = "docs/runbooks";
  bool generate = true;
  deprecations::GlobSet ignorePaths;
};
// Throws RunbooksConfigError.
RunbooksConfig parseRunbooksConfig(const nlohmann::json& section);

class RunbooksAnalyzer : public Analyzer {
 public:
  std::string name() const override { return "runbooks"; }
  std::string description() const override {
    return "maintenance runbooks, missing rollback docs and a readiness score from the operations "
           "facts in the repository";
  }
  AnalysisResult run(const SourceTree& tree, const AnalyzerContext& context) override;
};

}  // namespace ddd::analyzers::runbooks
