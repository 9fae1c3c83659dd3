// libFuzzer target for the package-lock.json planner (managers/npm_lockfile.h): any
// input parsed as a lockfile gets a plan without a crash or hang; its edits lie inside
// the text, never overlap, and leave a file that still parses as JSON.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/managers/npm_lockfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  const std::string text(reinterpret_cast<const char*>(data), size);
  static Release oldRelease, newRelease;
  oldRelease.version = "1.0.0";
  oldRelease.digest = "sha512-A";
  oldRelease.artifactUrl = "http://r.test/a/-/a-1.0.0.tgz";
  oldRelease.lockMetadata = "{}";
  newRelease.version = "1.1.0";
  newRelease.digest = "sha512-\"B\\";  // needs escaping
  newRelease.artifactUrl = "http://r.test/a/-/a-1.1.0.tgz";
  newRelease.lockMetadata = "{}";
  NpmLockTarget t;
  t.name = "a";
  t.depGroup = "dependencies";
  t.oldRange = "^1.0.0";
  t.newRange = "^1.1.0";
  t.oldVersion = "1.0.0";
  t.newVersion = "1.1.0";
  t.oldRelease = &oldRelease;
  t.newRelease = &newRelease;
  try {
    const JsonNode lock = parseJsonWithSpans(text, "package-lock.json");
    NpmLockPlan plan = planNpmLockUpdate(lock, text, t);
    if (plan.edits.size() != plan.before.size()) __builtin_trap();
    if (plan.edits.empty()) return 0;
    if (plan.staleReasons.size() > 1000000) __builtin_trap();
    std::string out;
    try {
      out = applySpanEdits(text, plan.edits);
    } catch (const std::invalid_argument&) {
      __builtin_trap();  // overlapping or out-of-range edits
    }
    try {
      parseJsonWithSpans(out, "edited");
    } catch (const ManifestError&) {
      __builtin_trap();  // an edit broke the JSON
    }
  } catch (const ManifestError&) {
  }
  return 0;
}
