#pragma once
// The repository config: `.github/ddd.json` (or `.ddd.json`) in the scanned tree,
// checked against the JSON Schema shipped with ddd
// (analyzers/config/repo-config.schema.json, documented in analyzers/config/README.md).
// An invalid config is an error naming the file, the JSON pointer (or line and column
// for a syntax error) and the problem; it is never half-applied. A RepoConfig is a
// plain value; the compiled schema is shared and thread-safe.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/config/json_schema.h"
#include "analyzers/source_tree.h"

namespace ddd::analyzers {

// "<file>: <pointer>: <problem>[; <pointer>: <problem>...]; see <docs>". problems()
// holds the schema violations one by one (empty for syntax and size errors).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& what, std::string file, std::vector<SchemaError> problems = {})
      : std::runtime_error(what), file_(std::move(file)), problems_(std::move(problems)) {}
  const std::string& file() const { return file_; }
  const std::vector<SchemaError>& problems() const { return problems_; }

 private:
  std::string file_;
  std::vector<SchemaError> problems_;
};

// Config files larger than this are rejected unread.
inline constexpr uint64_t kMaxRepoConfigBytes = 1 << 20;

struct RepoConfig {
  std::string sourcePath;  // ".github/ddd.json", ".ddd.json", or "" when there is none
  nlohmann::json raw = nlohmann::json::object();
  std::vector<std::string> analyzers;    // enabled analyzers; empty = all registered
  std::vector<std::string> ignorePaths;  // globs (already checked), for every analyzer
  std::optional<uint64_t> maxFileBytes;  // nullopt: not set, the scan's default applies

  // raw[analyzer] when the config has that section, else an empty object.
  nlohmann::json section(const std::string& analyzer) const;
};

// Parses and validates one config file's text (`//` and `/* */` comments allowed).
// `sourcePath` names it in messages; `dataDir` is where the schema lives. Throws
// ConfigError for a file over kMaxRepoConfigBytes, a syntax error (with line and
// column), a duplicate key, nesting deeper than 64 levels, a top level that is not an
// object, schema violations (every one, by JSON pointer) and bad globs.
RepoConfig parseRepoConfig(const std::string& text, const std::string& sourcePath,
                           const std::string& dataDir);

// Reads `.github/ddd.json`, else `.ddd.json`, from `tree`; no file gives the defaults
// (sourcePath ""). When both exist the first wins and a warning saying so is appended
// to `warnings` (if given). Throws ConfigError as parseRepoConfig does, and when the
// file can't be read (binary or too large).
RepoConfig loadRepoConfig(const SourceTree& tree, const std::string& dataDir,
                          std::vector<std::string>* warnings = nullptr);

// The schema shipped with ddd (dataDir + "/analyzers/config/repo-config.schema.json";
// an empty dataDir means $DDD_DATA_DIR, else the build's data directory), compiled
// once per process and data directory. Throws SchemaCompileError when that file is
// missing or broken (an installation problem, not the repository's).
const JsonSchema& repoConfigSchema(const std::string& dataDir);

}  // namespace ddd::analyzers
