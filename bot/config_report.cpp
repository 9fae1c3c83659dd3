#include "bot/config_report.h"

namespace ddd::bot {
namespace {

bool isConfigProblem(const analyzers::Finding& f) {
  const std::string& r = f.rule;
  return r == "config.invalid" || r == "config.invalid-policies" ||
         (r.size() > 7 && r.compare(r.size() - 7, 7, ".failed") == 0);
}

std::string marker(const std::string& repo) { return "<!-- ddd:config-problems repo=" + repo + " -->"; }

}  // namespace

ConfigReportResult publishConfigProblems(forges::Forge& forge, const std::string& repo,
                                         const ScanReport& scan) {
  std::string list;
  size_t count = 0;
  for (const auto& f : scan.result.findings) {
    if (!isConfigProblem(f)) continue;
    ++count;
    std::string message = f.message;
    for (char& c : message) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    list += "- " + (f.path.empty() ? std::string() : "`" + f.path + "`: ") + message + "\n";
  }
  const std::string mark = marker(repo);
  int open = 0;
  std::string openBody;
  for (const auto& issue : forge.issuesWithLabel(kConfigLabel)) {
    if (issue.body.find(mark) == std::string::npos) continue;
    open = issue.number;
    openBody = issue.body;
    break;
  }
  if (count == 0) {
    if (open == 0) return {0, "none"};
    forge.closeIssue(open, "The repository config is fine as of " + scan.commit.hex() +
                               ": ddd uses it again. Closing.");
    return {open, "closed"};
  }
  const std::string title = "ddd can't use this repository's config";
  const std::string body =
      mark + "\n" + "ddd read the repository's default branch and found " +
      std::to_string(count) + (count == 1 ? " problem" : " problems") +
      " with its configuration:\n\n" + list +
      "\nUntil it is fixed, ddd works with its built-in defaults where the config is invalid "
      "(safe policies: nothing is merged that the defaults would not merge), and an analyzer "
      "that stopped proposes nothing (its open pull requests are kept). The config is checked "
      "against `repo-config.schema.json` (point your editor at it with `$schema`); `ddd scan "
      "PATH` prints the same messages locally. ddd edits this issue while the problems "
      "change and closes it once the config is valid.\n";
  if (open != 0) {
    if (openBody == body) return {open, "unchanged"};
    forge.editIssue(open, title, body);
    return {open, "updated"};
  }
  const auto created = forge.createIssue(title, body, {kConfigLabel});
  return {created.number, "created"};
}

}  // namespace ddd::bot
