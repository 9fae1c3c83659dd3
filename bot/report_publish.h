#pragma once
// Publishing the weekly tech-debt report: one issue per repository, found again by its
// hidden marker among the issues labelled ddd:tech-debt and edited in place (never a
// new one per week); untouched when the body is the same. Works on any Forge.

#include <string>

#include "forges/forge.h"

namespace ddd::bot {

inline constexpr const char* kReportLabel = "ddd:tech-debt";

struct PublishResult {
  int number = 0;
  std::string outcome;  // "created", "updated", "unchanged"
};

PublishResult publishReport(forges::Forge& forge, const std::string& repo, const std::string& body);

}  // namespace ddd::bot
