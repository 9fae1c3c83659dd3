#pragma once
// `/ddd` commands in comments: `/ddd rerun [analyzer ...]`, `/ddd help`,
// `/ddd ignore <dependency> [major|minor|<version>]`. A command counts only at the start
// of a line (up to three spaces of indentation), outside fenced code blocks, indented
// code and `>` quotes. Who may command is a pure function of the forge's permission
// answer. Pure; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace ddd::bot {

struct Command {
  std::string name;  // "rerun", "help", "ignore", or "unknown"
  std::vector<std::string> args;
  std::string line;     // the line as written
  std::string problem;  // why it can't run as written ("ignore needs a dependency"), "" if fine
};

std::vector<Command> parseCommands(std::string_view commentBody);

// GitHub: the collaborator permission ("admin", "maintain", "write" may; "triage",
// "read", "none" may not). GitLab: the member access level (>= 30, Developer, may).
bool githubMayCommand(std::string_view permission);
bool gitlabMayCommand(int accessLevel);

// The reply to `/ddd help` and to an unknown command.
std::string commandHelp();

}  // namespace ddd::bot
