#pragma once
// `ddd report PATH`: the weekly tech-debt report of a local repository on the embedded
// default — a scan with the analyzers the config enables, the week's measurements
// recorded in the state store (one point per ISO week), the earlier weeks read back for
// trends and forecasts, the open PR drafts of the local forge with their decisions —
// rendered exactly as the report issue's body.

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "bot/scan.h"
#include "bot/tech_debt_report.h"

namespace ddd::bot {

struct ReportLocalRequest {
  ScanRequest scan;
  std::optional<std::filesystem::path> stateFile;  // default <gitdir>/ddd/state.sqlite
  std::time_t now = 0;                             // 0 = the current time
  bool record = true;                              // store this week's point
};

// The week's measurements from a scan: only the analyzers that ran count.
HealthInputs healthInputsFrom(const ScanReport& report);
// "2026-W48": the ISO week of a time (UTC), one report point per week.
std::string isoWeek(std::time_t t);

struct ReportLocalResult {
  std::string body;  // the report, Markdown
  HealthScore score;
  std::filesystem::path stateFile;
};

ReportLocalResult reportLocal(const ReportLocalRequest& request);

}  // namespace ddd::bot
