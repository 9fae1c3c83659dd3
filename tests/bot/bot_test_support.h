#pragma once
// Helpers of the bot tests: running the real `ddd` binary and the git CLI with
// stdout and stderr kept apart, and a tiny analyzer registered only in this test
// binary ("test-old-api": every `OLD_API(` becomes `NEW_API(`), so the pipeline can be
// exercised without depending on a rule pack's contents.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/test_repo.h"

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

namespace ddd::testing {
// A PostgreSQL schema of its own for one test, on the suite's throwaway cluster (the
// ctest fixture "postgres": tests/support/postgres_cluster.sh, URL in
// <build>/test-postgres/url) or on DDD_TEST_POSTGRES_URL when set. url() selects the
// schema through the connection's search_path; the schema is dropped at destruction.
// available() is false (with reason()) when neither exists, e.g. a test binary run by
// hand without ctest.
class PostgresSchema {
 public:
  PostgresSchema();
  ~PostgresSchema();
  bool available() const { return !url_.empty(); }
  const std::string& reason() const { return reason_; }
  const std::string& url() const { return url_; }

 private:
  std::string base_, schema_, url_, reason_;
};
}  // namespace ddd::testing

namespace ddd::testing {
// A test parameterised by state backend ("sqlite" or "postgresql"): url() is a fresh
// SQLite file in a temp dir or a schema of its own on the suite's PostgreSQL cluster.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  const std::string& url() const { return url_; }

 private:
  TempDir dir_;
  std::unique_ptr<PostgresSchema> pg_;
  std::string url_;
};
}  // namespace ddd::testing
