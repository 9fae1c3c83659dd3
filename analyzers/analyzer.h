#pragma once
// The analyzer interface and registry. An analyzer reads a SourceTree and returns
// findings and proposed changes; it is pure apart from what `context` injects
// (registry look-ups, clock), never runs repository code, and orders its output
// deterministically. Analyzers register themselves in one table (registry()), so the
// bot runs whatever is registered without knowing the kinds.

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzers/source_tree.h"
#include "analyzers/vocabulary.h"

namespace ddd::analyzers {

namespace deps {
class RegistryHttp;
class RegistrySettings;
}  // namespace deps

// What the bot hands every analyzer besides the tree.
struct AnalyzerContext {
  std::string repoName;      // for messages
  std::string commit;        // hex id of the scanned commit
  std::string dataDir;       // where shipped data (rule packs, schemas) lives
  nlohmann::json config;     // this analyzer's section of the repository config ({} if none)
  std::function<void(uint64_t done, uint64_t total)> progress;  // may be empty
  std::time_t now = 0;  // "today" for ages and schedules; 0 = the current time (tests pin it)
  // Registry look-ups for the dependency analyzer (nullptr: offline, nothing is looked
  // up) and where the registries are (nullptr: none configured).
  deps::RegistryHttp* registry = nullptr;
  const deps::RegistrySettings* registrySettings = nullptr;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string name() const = 0;         // "deprecations"
  virtual std::string description() const = 0;  // one line for `ddd help scan`
  virtual AnalysisResult run(const SourceTree& tree, const AnalyzerContext& context) = 0;
};

using AnalyzerFactory = std::function<std::unique_ptr<Analyzer>()>;

struct AnalyzerRegistration {
  std::string name;
  std::string description;
  AnalyzerFactory make;
};

// The table of analyzers, in the order they run. Filled by registerAnalyzer() from
// each analyzer's registration function (see builtinAnalyzers()).
const std::vector<AnalyzerRegistration>& registry();
void registerAnalyzer(AnalyzerRegistration r);
// Registers the analyzers built into this binary (idempotent).
void registerBuiltinAnalyzers();
// Looks up by name; nullptr if unknown.
const AnalyzerRegistration* findAnalyzer(const std::string& name);

}  // namespace ddd::analyzers
