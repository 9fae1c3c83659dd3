#pragma once
// The scan pipeline shared by `ddd scan`, `ddd run` and the tests: resolve a ref of a
// local repository, read that commit's tree from the object database (never the work
// tree or the index), load the repository config, run the selected analyzers and
// merge their results in a deterministic order. An invalid repository config does not
// stop the scan: it becomes a finding of the "config" analyzer and a warning, and the
// scan goes on with the defaults.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "analyzers/source_tree.h"
#include "analyzers/vocabulary.h"
#include "git/oid.h"
#include "policies/decision.h"
#include "policies/engine.h"

namespace ddd::bot {

struct ScanRequest {
  std::filesystem::path repoPath;
  std::string ref = "HEAD";
  // Analyzers to run, by name. Empty: the ones the repository config enables, else all.
  std::vector<std::string> analyzers;
  std::optional<uint64_t> maxFileBytes;  // overrides the config's limit
  unsigned threads = 0;                  // 0 = hardware concurrency
  std::filesystem::path dataDir;
  // Called (from analyzer threads) with files done / total and bytes read so far.
  std::function<void(uint64_t done, uint64_t total, uint64_t bytes)> progress;
  // Server-wide policy rules stacked around the repository's (policies/engine.h).
  policies::ServerPolicies serverPolicies;
  // Registry look-ups for the dependency analyzer (nullptr: offline) and where the
  // registries are (nullopt: from the environment).
  analyzers::deps::RegistryHttp* registry = nullptr;
  std::optional<analyzers::deps::RegistrySettings> registrySettings;
  // Ignore rules recorded outside the repository (a server's `/ddd ignore` commands),
  // appended to the config's dependencies.ignore: {"name", "updateTypes", "versions",
  // "source"} objects.
  std::vector<nlohmann::json> dependencyIgnores;
};

struct ScanStats {
  uint64_t files = 0;  // files read
  uint64_t bytes = 0;  // bytes read
  uint64_t skipped = 0;
  // "binary", "tooLarge", "symlink", "submodule", "ignored" (the config's ignorePaths)
  std::map<std::string, uint64_t> skippedByReason;
  double seconds = 0;
};

struct ScanReport {
  std::filesystem::path repoPath;  // as opened (absolute)
  std::string ref;
  git::Oid commit;
  std::string remoteUrl;               // the "origin" remote's URL, empty if none
  std::vector<std::string> analyzers;  // the ones that ran to the end, in order (a failed
                                       // one is a finding "<name>.failed" instead)
  std::string configPath;              // the repository config file read, empty if none
  nlohmann::json repoConfig = nlohmann::json::object();  // as read (validated); {} if none
  analyzers::AnalysisResult result;    // sorted (sortResult)
  // The policy decision for each of result.changes, in the same order, from the
  // repository's `policies` (an invalid one is a finding; the built-in defaults decide).
  std::vector<policies::Decision> decisions;
  ScanStats stats;
  // The scanned tree, for renderers that quote source lines (SARIF fingerprints).
  std::shared_ptr<const analyzers::SourceTree> tree;
};

// Throws UsageError for a missing path, a non-repository, an empty repository or
// unborn HEAD, an unknown ref and an unknown analyzer (each message names it);
// git::GitError and other std::exceptions for runtime failures.
ScanReport runScan(const ScanRequest& request);

// The names of the registered analyzers, in registry order.
std::vector<std::string> knownAnalyzers();

}  // namespace ddd::bot
