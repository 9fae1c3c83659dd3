#pragma once
// The weekly tech-debt report: one issue per repository, found again by its hidden
// marker and edited in place. This file renders its body from one week's measurements,
// the history of earlier weeks, the open ddd PRs and the held-back changes; computes
// the system health score (formula below, weights configurable); fits a trend to each
// metric's history to forecast when it crosses its threshold; draws Mermaid
// `xychart-beta` charts (GitHub and GitLab render them); and reads back which control
// checkboxes a maintainer ticked. Pure functions; thread-safe.
//
// Health score (0-100) = sum over parts of weight x part score, parts scored 0-100:
//   dependencies: 100 x max(0, 1 - libyears / libyearsAtZero), minus 5 per deprecated or
//                 yanked dependency in use (floor 0)
//   deprecations: 100 x max(0, 1 - usages / deprecationsAtZero)
//   deadcode:     100 x max(0, 1 - findings / deadcodeAtZero)
//   readiness:    the maintenance readiness score (runbooks analyzer), as is
// A part with no measurement (the analyzer did not run) is left out and the weights of
// the others are scaled up to sum to 1.

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ddd::bot {

struct HealthWeights {
  double dependencies = 0.35;
  double deprecations = 0.20;
  double deadcode = 0.15;
  double readiness = 0.30;
  double libyearsAtZero = 20;       // libyears at which the dependency part is 0
  double deprecationsAtZero = 100;  // deprecated-API usages at which that part is 0
  double deadcodeAtZero = 200;      // dead-code findings at which that part is 0
};

// One week's measurements. nullopt: that analyzer did not run.
struct HealthInputs {
  std::optional<double> libyears;
  std::map<std::string, int> updatesByType;  // "major" -> 3, ...
  int deprecatedDependencies = 0;
  int yankedDependencies = 0;
  std::optional<int> deprecatedApiUsages;
  std::map<std::string, int> deprecationsByPack;
  std::optional<int> deadcodeFindings;
  std::map<std::string, int> deadcodeByKind;
  std::optional<double> readiness;                                // 0-100
  std::map<std::string, double> readinessByCadence;               // "daily" -> 60, ...
  std::vector<std::pair<std::string, double>> weakestComponents;  // lowest first
};

struct HealthScore {
  int total = 0;                          // 0-100
  std::map<std::string, double> parts;    // part -> 0-100 (only measured parts)
  std::map<std::string, double> weights;  // part -> effective weight
};
HealthScore healthScore(const HealthInputs& in, const HealthWeights& w = {});

struct WeekPoint {
  std::time_t at = 0;  // when the week's report was made
  double score = 0;
  std::optional<double> libyears;
};

struct ReportPullRequest {
  int number = 0;
  std::string title;
  std::string url;
  std::string decision;  // automerge / review / draft
  std::string state;     // "pending checks", "awaiting review", "blocked by a human edit", ...
};

struct HeldBackChange {
  std::string changeId;
  std::string title;
  std::string reason;  // "rate limit: 10 open PRs", "release age: 1 of 3 days"
};

struct ReportInput {
  std::string repo;  // "octo/hello"
  std::time_t now = 0;
  HealthInputs current;
  HealthWeights weights;
  std::vector<WeekPoint> history;  // earlier weeks, oldest first
  std::vector<ReportPullRequest> pullRequests;
  std::vector<HeldBackChange> heldBack;
  std::vector<std::string> analyzers;  // for the "rerun one analyzer" controls
  double libyearsThreshold = 20;       // forecast: when libyears pass this
  double scoreThreshold = 50;          // forecast: when the score falls below this
  size_t bodyLimit = 65536;            // the forge's issue body limit (characters)
  std::string fullReportUrl;           // where the untruncated report lives, may be ""
};

// The hidden marker that identifies the report issue of `repo`.
std::string reportMarker(const std::string& repo);
// The issue title.
std::string reportTitle(const std::string& repo);
// The issue body: at most input.bodyLimit bytes, the marker always first.
std::string renderTechDebtReport(const ReportInput& input);

// A least-squares line through (week index, value) points: value = a + b * week.
struct Trend {
  double intercept = 0;
  double slope = 0;  // per week
  size_t points = 0;
};
std::optional<Trend> fitTrend(const std::vector<double>& values);  // nullopt under 2 points
// "at the current trend, total libyears will pass 20 in about 5 weeks", "... are falling", or
// "too little history to forecast (2 weeks; needs 4)".
std::string forecastSentence(const std::string& metric, const std::vector<double>& values,
                             double threshold, bool risingIsBad);

// The controls the report offers, by id: "rerun-all", "rerun:<analyzer>", "rebase-all",
// "create-held-back".
// Which controls were ticked between `before` and `after` (an `issues` edited webhook
// gives both bodies): boxes unchecked in `before` and checked in `after`.
std::vector<std::string> newlyCheckedControls(const std::string& before, const std::string& after);

}  // namespace ddd::bot
