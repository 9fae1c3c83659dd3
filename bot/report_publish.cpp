#include "bot/report_publish.h"

#include <algorithm>
#include <map>

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

namespace {

constexpr const char* kPartTag = "<!-- ddd:report-part ";

std::string partHeader(size_t k, size_t n) {
  return std::string(kPartTag) + std::to_string(k) + " -->\n**Full report, part " +
         std::to_string(k) + " of " + std::to_string(n) + "**\n\n";
}

// The part number of a comment of ddd's, 0 when it is not a part.
size_t partOf(const std::string& body) {
  if (body.rfind(kPartTag, 0) != 0) return 0;
  size_t k = 0;
  for (size_t i = std::char_traits<char>::length(kPartTag); i < body.size() && body[i] >= '0' &&
                                                             body[i] <= '9' && k < 100000;
       ++i) {
    k = k * 10 + static_cast<size_t>(body[i] - '0');
  }
  return k;
}

}  // namespace

std::vector<std::string> splitReportParts(const std::string& full, size_t partLimit) {
  // Room for the largest header ("part 99999 of 99999").
  const size_t header = partHeader(99999, 99999).size();
  const size_t room = partLimit > header + 64 ? partLimit - header : 64;
  std::vector<std::string> chunks;
  size_t at = 0;
  while (at < full.size()) {
    size_t end = std::min(full.size(), at + room);
    if (end < full.size()) {
      const std::string_view window(full.data() + at, end - at);
      size_t cut = window.rfind("\n## ");
      if (cut == std::string_view::npos || cut < window.size() / 2) {
        const size_t blank = window.rfind("\n\n");
        cut = blank != std::string_view::npos && blank >= window.size() / 2 ? blank + 1 : blank;
        if (cut == std::string_view::npos || cut < window.size() / 2) {
          const size_t line = window.rfind('\n');
          cut = line != std::string_view::npos && line > 0 ? line : window.size() - 1;
        }
      }
      end = at + cut + 1;
    }
    chunks.push_back(full.substr(at, end - at));
    at = end;
  }
  std::vector<std::string> parts;
  for (size_t i = 0; i < chunks.size(); ++i) parts.push_back(partHeader(i + 1, chunks.size()) + chunks[i]);
  return parts;
}

std::string publishReportParts(forges::GithubForge& gh, int issueNumber, const std::string& full,
                               size_t partLimit) {
  std::map<size_t, std::pair<int64_t, std::string>> existing;  // part -> (id, body)
  std::map<size_t, std::string> urls;
  const auto comments = gh.getAll("/issues/" + std::to_string(issueNumber) + "/comments");
  for (const auto& c : comments) {
    if (!c.is_object() || !c.contains("body") || !c["body"].is_string()) continue;
    const size_t k = partOf(c["body"].get<std::string>());
    if (k == 0 || existing.count(k)) continue;
    existing[k] = {c.value("id", int64_t{0}), c["body"].get<std::string>()};
    urls[k] = c.value("html_url", "");
  }
  const auto parts = full.empty() ? std::vector<std::string>{} : splitReportParts(full, partLimit);
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto it = existing.find(i + 1);
    if (it == existing.end()) {
      const auto made = gh.call("POST", "/issues/" + std::to_string(issueNumber) + "/comments",
                                {{"body", parts[i]}});
      urls[i + 1] = made.value("html_url", "");
    } else if (it->second.second != parts[i]) {
      gh.call("PATCH", "/issues/comments/" + std::to_string(it->second.first), {{"body", parts[i]}});
    }
  }
  for (const auto& [k, comment] : existing) {
    if (k > parts.size()) gh.call("DELETE", "/issues/comments/" + std::to_string(comment.first));
  }
  return parts.empty() ? std::string() : urls[1];
}

}  // namespace ddd::bot
