#pragma once
// The runbook writer: one Markdown file per cadence in <outputDir> — daily.md, weekly.md,
// monthly.md, quarterly.md (only when something is quarterly or annual: certificate
// expiry, quarterly / annual schedules) — plus rollback.md with a pre-flight / validation /
// rollback block per change-type operation, and README.md as an index with the readiness
// scores. A junior engineer doing the Monday checks opens one page, not one per service.
//
// Which facts go where: daily = health checks, alert rules and thresholds, log
// management, drift checks and daily / sub-daily schedules; weekly = patching, backups
// and restore tests, change validation, runbook upkeep and weekly schedules; monthly =
// capacity, performance (baselines, timeouts, retry limits), compliance / audit,
// lifecycle, retention / TTL and monthly schedules; quarterly = certificate expiry and
// quarterly / annual schedules. Inside a file, one section per component (repository-wide
// facts in a section of their own), each between ddd markers (markdown.h) with its time
// required, access required, checklist, expected results and escalation triggers.
//
// Every checklist item carries a concrete command / endpoint / path / threshold taken
// from the repository with its source (path:line), or is an explicit `TODO` naming what
// the repository does not say; nothing is invented.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyzers/runbooks/facts.h"
#include "analyzers/runbooks/readiness.h"

namespace ddd::analyzers::runbooks {

struct ItemCounts {
  int cited = 0;  // checklist items with a cited fact
  int todo = 0;   // checklist items that are TODOs
};

struct RunbookFile {
  std::string path;
  std::string kind;   // "daily", "weekly", "monthly", "quarterly", "rollback"; "" for the index
  std::string fresh;  // the whole file, for a first write
  std::vector<std::pair<std::string, std::string>> regions;  // id -> generated content
  ItemCounts items;                                 // over the whole file
  std::map<std::string, ItemCounts> byComponent;   // "" = the repository-wide section
};

// Facts, operations and schedules must carry their components (see ComponentMap).
// Generated pages under `outputDir` are not read back as docs.
std::vector<RunbookFile> renderRunbooks(const FileFacts& facts, const std::vector<Schedule>& schedules,
                                        const Readiness& readiness, const std::string& outputDir);

// The marker id of a component's section ("roles/web" -> "roles-web").
std::string sectionId(const std::string& component);

}  // namespace ddd::analyzers::runbooks
