#pragma once
// The maintenance readiness score (Maintenance Maturity Model): per component and for
// the repository, 0..100, from twelve elements in three cadences — daily (health checks,
// monitoring thresholds, log management, drift detection), weekly (patching, backups,
// change validation, runbook upkeep), monthly (capacity, performance baselines,
// compliance / audit, lifecycle) — weighted 25 / 35 / 40 by default. Each element is
// found (with up to three cited pieces of evidence) or missing (with what to add). The
// repository score is the mean of its components'. Facts must carry their component
// ("" = repository-wide, counts for every component).

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzers/runbooks/facts.h"

namespace ddd::analyzers::runbooks {

struct CadenceWeights {
  double daily = 25;
  double weekly = 35;
  double monthly = 40;
};

struct ElementScore {
  std::string id;       // "health-checks"
  std::string cadence;  // "daily" | "weekly" | "monthly"
  std::string label;    // "health check procedure"
  bool found = false;
  std::vector<std::string> evidence;  // "GET /healthz (api/app.py:12)", at most 3
  std::string missing;                // what would earn the points, when not found
};

struct ComponentReadiness {
  std::string name;
  double score = 0;                        // 0..100, one decimal
  std::map<std::string, double> cadences;  // "daily" -> 0..100
  std::vector<ElementScore> elements;      // the twelve, in model order
};

struct Readiness {
  double score = 0;
  std::map<std::string, double> cadences;
  std::vector<ComponentReadiness> components;  // sorted by name
  std::vector<std::string> missing;  // "3 of 4 components have no health check procedure"
  CadenceWeights weights;
};

// `generatedDir`: where ddd writes the runbooks; its pages are not evidence of runbook
// upkeep (else merging them would change the score and so the pages again).
Readiness scoreReadiness(const FileFacts& facts, const std::vector<Schedule>& schedules,
                         const std::vector<std::string>& components, const CadenceWeights& weights,
                         const std::string& generatedDir = "");

// {"score", "weights", "cadences": {"daily": {"score"}}, "components": [{"name", "score",
//  "cadences", "found": [{"element", "cadence", "evidence"}], "missing": [...]}], "missing"}
nlohmann::json toJson(const Readiness& r);

}  // namespace ddd::analyzers::runbooks
