#pragma once
// The runbook writer: one Markdown file per component, <outputDir>/<component>.md, with
// cadence sections (daily checks, weekly tasks, monthly review) and change procedures
// (pre-flight / validation / rollback per operation), plus <outputDir>/README.md as an
// index with the readiness scores. One file per component (not per cadence) keeps what
// a service's maintainer needs on one page and lets owners (CODEOWNERS) review it.
//
// Every checklist item carries a concrete command / endpoint / path / threshold taken
// from the repository with its source (path:line), or is an explicit `TODO` naming what
// the repository does not say; nothing is invented. The generated text sits in regions
// between ddd markers (markdown.h) so regeneration rewrites only those.

#include <string>
#include <utility>
#include <vector>

#include "analyzers/runbooks/facts.h"
#include "analyzers/runbooks/readiness.h"

namespace ddd::analyzers::runbooks {

struct RunbookFile {
  std::string path;
  std::string component;  // "" for the index
  std::string fresh;      // the whole file, for a first write
  std::vector<std::pair<std::string, std::string>> regions;  // id -> generated content
  int citedItems = 0;  // checklist items with a cited fact
  int todoItems = 0;   // checklist items that are TODOs
};

// Facts, operations and schedules must carry their components (see ComponentMap).
std::vector<RunbookFile> renderRunbooks(const FileFacts& facts, const std::vector<Schedule>& schedules,
                                        const Readiness& readiness, const std::string& outputDir);

}  // namespace ddd::analyzers::runbooks
