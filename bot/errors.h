#pragma once
// Errors of the bot layer and the exit codes they map to. A UsageError is a problem
// with what the user asked for (a path that is not a repository, an unknown ref or
// analyzer, an empty repository): the CLI prints its message and exits 2. Anything
// else that escapes a command is an internal or runtime error: exit 3.

#include <stdexcept>
#include <string>

namespace ddd::bot {

enum ExitCode : int {
  kExitOk = 0,        // the command ran (findings or not)
  kExitFailOn = 1,    // `scan --fail-on` threshold reached
  kExitUsage = 2,     // bad flags, paths, refs, analyzers
  kExitInternal = 3,  // runtime failure (I/O, corrupt repository, bug)
};

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace ddd::bot
