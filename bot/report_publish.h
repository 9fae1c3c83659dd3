#pragma once
// Publishing the weekly tech-debt report: one issue per repository, found again by its
// hidden marker among the issues labelled ddd:tech-debt and edited in place (never a
// new one per week); untouched when the body is the same. Works on any Forge.

#include <string>
#include <vector>

#include "forges/forge.h"
#include "forges/github/github_forge.h"

namespace ddd::bot {

inline constexpr const char* kReportLabel = "ddd:tech-debt";

struct PublishResult {
  int number = 0;
  std::string outcome;  // "created", "updated", "unchanged"
};

PublishResult publishReport(forges::Forge& forge, const std::string& repo, const std::string& body);

// The full report when it is longer than the issue body may be: it lives in the report
// issue's own comments (visible to exactly the people who see the issue), split into
// parts of at most `partLimit` bytes at section or line breaks, each marked
// "<!-- ddd:report-part K -->" and edited in place week after week; parts no longer
// needed are deleted. `full` empty: the report fits, any old parts are deleted. Returns
// the first part's URL (the issue body's pointer), "" when there is none.
std::string publishReportParts(forges::GithubForge& gh, int issueNumber, const std::string& full,
                               size_t partLimit);
// The parts `full` is split into (exposed for tests): each at most `partLimit` bytes with
// its header; breaks at "\n## " or a blank line when one is in the second half of a part,
// else at a line break, else hard.
std::vector<std::string> splitReportParts(const std::string& full, size_t partLimit);

}  // namespace ddd::bot
