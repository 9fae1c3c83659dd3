#pragma once
// A repository config ddd can't use never goes unnoticed on a server: when a scan finds
// it invalid (config.invalid, config.invalid-policies) or an analyzer stops on it
// (<analyzer>.failed), one issue per repository (label ddd:config, found again by a
// hidden marker) says what is wrong, where, and what ddd did instead (the defaults);
// it is edited in place while the problems change and closed, with a comment, once the
// config is fine again. Works on any Forge.

#include <string>

#include "bot/scan.h"
#include "forges/forge.h"

namespace ddd::bot {

inline constexpr const char* kConfigLabel = "ddd:config";

struct ConfigReportResult {
  int number = 0;       // the issue, 0 when there is none
  std::string outcome;  // "created", "updated", "unchanged", "closed", "none"
};

ConfigReportResult publishConfigProblems(forges::Forge& forge, const std::string& repo,
                                         const ScanReport& scan);

}  // namespace ddd::bot
