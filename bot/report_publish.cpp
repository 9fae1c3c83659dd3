#include "bot/report_publish.h"

#include "bot/tech_debt_report.h"

namespace ddd::bot {

PublishResult publishReport(forges::Forge& forge, const std::string& repo,
                            const std::string& body) {
  const std::string marker = reportMarker(repo);
  for (const auto& issue : forge.issuesWithLabel(kReportLabel)) {
    if (issue.body.find(marker) == std::string::npos) continue;
    if (issue.body == body && issue.title == reportTitle(repo)) return {issue.number, "unchanged"};
    forge.editIssue(issue.number, reportTitle(repo), body);
    return {issue.number, "updated"};
  }
  const auto created = forge.createIssue(reportTitle(repo), body, {kReportLabel});
  return {created.number, "created"};
}

}  // namespace ddd::bot
