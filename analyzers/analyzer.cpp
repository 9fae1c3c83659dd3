#include "analyzers/analyzer.h"

#include <mutex>

#include "analyzers/deadcode/register.h"
#include "analyzers/dependencies/analyzer.h"
#include "analyzers/deprecations/register.h"
#include "analyzers/runbooks/register.h"

namespace ddd::analyzers {

namespace {

// The table lives in a function so registration from any translation unit's start-up
// code finds it constructed. Registration is meant for start-up; the mutex only keeps
// two registering threads from corrupting the table.
struct Registry {
  std::mutex mutex;
  std::vector<AnalyzerRegistration> entries;
};

Registry& table() {
  static Registry registry;
  return registry;
}

}  // namespace

const std::vector<AnalyzerRegistration>& registry() { return table().entries; }

void registerAnalyzer(AnalyzerRegistration r) {
  Registry& t = table();
  std::lock_guard lock(t.mutex);
  for (const auto& existing : t.entries) {
    if (existing.name == r.name) return;  // the first registration of a name wins
  }
  t.entries.push_back(std::move(r));
}

void registerBuiltinAnalyzers() {
  // Order here is the order analyzers run in.
  registerDeprecationsAnalyzer();
  deps::registerDependencyAnalyzer();
  registerDeadcodeAnalyzer();
  registerRunbooksAnalyzer();
}

const AnalyzerRegistration* findAnalyzer(const std::string& name) {
  Registry& t = table();
  std::lock_guard lock(t.mutex);
  for (const auto& entry : t.entries) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace ddd::analyzers
