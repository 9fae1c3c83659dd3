#pragma once
// `/ddd` commands in comments: `/ddd rerun [analyzer ...]`, `/ddd help`,
// `/ddd ignore <dependency> [major|minor|patch|<version>]`, `/ddd unignore <dependency>`. A command counts only at the start
// of a line (up to three spaces of indentation), outside fenced code blocks, indented
// code and `>` quotes. Who may command is a pure function of the forge's permission
// answer. Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "forges/webhooks/events.h"

namespace ddd::bot {

struct Command {
  std::string name;  // "rerun", "help", "ignore", "unignore", or "unknown"
  std::vector<std::string> args;
  std::string line;     // the line as written
  std::string problem;  // why it can't run as written ("ignore needs a dependency"), "" if fine
};

std::vector<Command> parseCommands(std::string_view commentBody);

// The commands a comment event (GitHub issue_comment, GitLab note) gives ddd, or why it
// gives none: an edit, a bot's comment (GitHub's sender type Bot, GitLab's system notes
// and token bots), a comment on no issue or merge request (a note on a commit or snippet),
// or no /ddd line. The receiver stores only comments that give some; the worker runs them.
struct CommentCommands {
  std::vector<Command> commands;
  const char* none = nullptr;  // why there are none (null when there are some)
};
CommentCommands commandsIn(const forges::ForgeEvent& comment);

// GitHub: the collaborator permission ("admin", "maintain", "write" may; "triage",
// "read", "none" may not). GitLab: the member access level (>= 30, Developer, may).
bool githubMayCommand(std::string_view permission);
bool gitlabMayCommand(int accessLevel);

// The ignore rule (the dependency analyzer's `ignore` entry) an `ignore` command
// records, given the rule already recorded for that dependency (null: none): no update
// type or version = every update; narrower commands add up.
nlohmann::json ignoreRule(const Command& ignore, const std::string& sender,
                          const nlohmann::json& existing);
// "major, minor updates of `react`", "no updates of `left-pad`", for replies.
std::string describeIgnoreRule(const nlohmann::json& rule);

// The reply to `/ddd help` and to an unknown command.
std::string commandHelp();

}  // namespace ddd::bot
