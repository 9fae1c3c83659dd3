#pragma once
// Helpers of the bot tests: running the real `ddd` binary and the git CLI with
// stdout and stderr kept apart, and a tiny analyzer registered only in this test
// binary ("test-old-api": every `OLD_API(` becomes `NEW_API(`), so the pipeline can be
// exercised without depending on a rule pack's contents.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace ddd::testing {

std::string shellQuote(const std::string& s);

struct Output {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// Runs `ddd <args>` (args are passed to the shell as they are: quote paths), with
// `envPrefix` ("NAME=value ") in front of the command.
Output runDdd(const std::string& args, const std::string& envPrefix = "");
// Runs `git -C <repo> <args>`; throws std::runtime_error when git fails.
std::string git(const std::filesystem::path& repo, const std::string& args);

// Registers "test-old-api" (idempotent). Its change is "test/old-api", with facts of a
// safe deprecation fix; a file containing "# unsafe" (or config {"safe": false}) marks
// it unsafe, so the default policy sends it to review.
void registerTestAnalyzer();
inline constexpr const char* kTestAnalyzer = "test-old-api";

// Checks (with gtest assertions) everything GitHub code scanning requires of a SARIF
// upload and what ddd promises: version 2.1.0, the driver and its rules, results with
// valid levels, relative URIs under %SRCROOT%, startLine >= 1, fingerprints, and
// versionControlProvenance naming `commit`.
void expectSarifValidForCodeScanning(const nlohmann::json& sarif, const std::string& commit);

}  // namespace ddd::testing
