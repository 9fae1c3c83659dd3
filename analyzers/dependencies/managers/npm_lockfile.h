#pragma once
// Updating a direct dependency's entries in an npm package-lock.json without running
// npm: the `version`, `resolved` and `integrity` of `packages["node_modules/<name>"]`
// (lockfile v2/v3) and of `dependencies["<name>"]` (v1, and v2's copy), and the range
// in the root entry `packages[""]`, each replaced by span so the rest of the file stays
// byte for byte. The plan also says whether the result is what npm would write
// (staleReasons empty): the registry must describe the new version fully, the locked
// entry must be the registry's artifact of the locked version, the new version must
// declare the same dependencies (and bin, engines, ...) as the locked one, and every
// other entry that resolves to this copy must accept the new version. Pure and
// thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/managers/json_spans.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {

struct NpmLockTarget {
  std::string name;        // "lodash", "@scope/pkg"
  std::string depGroup;    // the package.json section it is declared in ("devDependencies")
  std::string oldRange;    // as written in package.json
  std::string newRange;    // the range the proposal writes (== oldRange: unchanged)
  std::string oldVersion;  // the locked version
  std::string newVersion;
  const Release* oldRelease = nullptr;  // the registry's record of each (nullptr: unknown)
  const Release* newRelease = nullptr;
};

struct NpmLockPlan {
  std::vector<SpanReplacement> edits;  // non-overlapping, on the lockfile's text
  std::vector<std::string> before;     // the text each edit replaces (same order)
  // Why the lockfile still needs `npm install` after these edits; empty: it is what npm
  // would write. Each reason names the package ("lodash 4.17.21 declares ...").
  std::vector<std::string> staleReasons;
};

// `lock` is parseJsonWithSpans(text). Ranges are read with the "npm" versioning. A lock
// of an unexpected shape gets no edits and a reason; never throws.
NpmLockPlan planNpmLockUpdate(const JsonNode& lock, std::string_view text,
                              const NpmLockTarget& target);

// `s` escaped for the inside of a JSON string.
std::string jsonEscape(std::string_view s);

}  // namespace ddd::analyzers::deps
