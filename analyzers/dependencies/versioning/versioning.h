#pragma once
// Versioning schemes: how the versions of one ecosystem order and what a declared range
// allows. One immutable instance per scheme, registered in one table (versionings());
// every method is const and thread-safe. Versions and ranges are passed as written in
// manifests; nothing here touches the network or the file system.
//
// Schemes: "npm" (SemVer 2.0.0 + node-semver ranges), "semver" (SemVer versions, optional "v",
// "v4"/"v4.1" shorthand tags), "pep440" (packaging's Version and SpecifierSet), "go" (module
// versions, +incompatible, pseudo-versions), "cargo" (SemVer + Cargo requirements), "docker"
// (numeric image tags with a prefix and a variant suffix), "helm" (npm's plus Helm's
// comma-separated AND, ">=1.2.0, <2.0.0").
//
// Errors: predicates (isVersion, isValid, matches, ...) never throw and answer false for
// text they can't read; compare() and updateType() throw VersioningError naming the text
// and the scheme when given something that is not a version (check isVersion first).

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deps {

class VersioningError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a declared value is, so a manager can skip what no registry resolves.
enum class SpecKind {
  Version,      // one exact version ("1.2.3", "==1.2.3", "=1.2.3", "v1.2.3", "3.11-slim")
  Range,        // a range the scheme reads ("^1.2", ">=1,<2", "~=1.4")
  Tag,          // a registry tag / channel ("latest", "next", "bookworm", "alpine")
  NonRegistry,  // not from a registry: "file:", "link:", "workspace:", git or URL specs, paths
  Invalid,      // none of the above
};

// How far apart two versions are. Digest: the same release, another build (Go
// pseudo-versions of one base, Docker tags equal but for the digest, see the caller).
enum class UpdateType { None, Patch, Minor, Major, Digest };
std::string_view toString(UpdateType t);  // "none", "patch", "minor", "major", "digest"

// How a declared range follows a new version (Renovate's rangeStrategy vocabulary).
//  Bump:    keep the range's shape and operators, raise its floor to the new version at
//           the precision written (^1.2.0 -> ^1.4.0, ~1.2 -> ~1.4, ~=1.2 -> ~=1.4,
//           1.x -> 2.x, ">=1.2,<2" -> ">=2.1,<3"); explicit ceilings that exclude the new
//           version are raised at the level they were written (<2 -> <3, <1.5.0 -> <1.8.0);
//           in an npm union the set that admits the new version is bumped, and when none
//           does a bumped copy of the last set is appended (widen).
//  Replace: leave the range alone when it already admits the new version, else as Bump.
//  Pin:     the exact version (npm "1.4.0", pep440 "==1.4.0", cargo "=1.4.0").
//  Widen:   leave the range alone when it already admits the new version; else raise its
//           explicit ceilings, or (implied ceilings: ^ ~ ~= x-ranges) npm appends
//           " || <bumped last set>" and Cargo/PEP 440 rewrite the clause to ">=floor, <ceiling".
// A range that is one exact version is replaced by the new version under every strategy.
// Schemes without ranges answer the new version (go, docker), semver as the current value
// is written ("v4" -> "v5").
enum class RangeStrategy { Bump, Replace, Pin, Widen };
std::optional<RangeStrategy> parseRangeStrategy(std::string_view name);  // "bump", ...

class Versioning {
 public:
  virtual ~Versioning() = default;
  virtual std::string_view name() const = 0;

  // One exact version of this scheme.
  virtual bool isVersion(std::string_view text) const = 0;
  // A range or a version this scheme can match versions against.
  virtual bool isValid(std::string_view rangeOrVersion) const = 0;
  virtual SpecKind classify(std::string_view spec) const;
  // The canonical spelling of a version ("v1.2.3" -> "1.2.3" for npm, "1.0RC1" -> "1.0rc1"
  // for pep440); nullopt when it is not a version.
  virtual std::optional<std::string> canonical(std::string_view version) const = 0;
  // A total order on versions: <0, 0 (same precedence), >0. Throws VersioningError.
  virtual int compare(std::string_view a, std::string_view b) const = 0;
  // A final release (no pre-release, dev or pseudo-version part).
  virtual bool isStable(std::string_view version) const = 0;
  // Whether `range` admits `version` under the ecosystem's own rules (pre-releases
  // included only as the ecosystem's tool includes them by default).
  virtual bool matches(std::string_view version, std::string_view range) const = 0;
  // Highest / lowest of `versions` that `range` admits (invalid entries are skipped).
  virtual std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                                   std::string_view range) const = 0;
  virtual std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                                   std::string_view range) const = 0;
  // Whether a dependency at `from` may move to `candidate` at all: the same variant
  // (docker suffix), the same module path (go major v2+), always for the others.
  virtual bool isCompatible(std::string_view from, std::string_view candidate) const;
  // Throws VersioningError when either is not a version.
  virtual UpdateType updateType(std::string_view from, std::string_view to) const = 0;
  // The range to write so that it admits `newVersion` per `strategy` (see RangeStrategy);
  // `currentRange` itself when nothing needs to change; nullopt when the range's shape
  // can't be rewritten safely (the caller suggests "pin" or "widen").
  // `currentVersion` (may be empty) is the version in use, for schemes that need it.
  virtual std::optional<std::string> newRange(std::string_view currentRange,
                                              std::string_view currentVersion,
                                              std::string_view newVersion,
                                              RangeStrategy strategy) const = 0;

  // Sorts ascending by compare(), stable; invalid versions are dropped. Each version is
  // parsed once.
  virtual std::vector<std::string> sorted(std::vector<std::string> versions) const;
};

// Every scheme, in a fixed order.
const std::vector<const Versioning*>& versionings();
// nullptr when no scheme has that name.
const Versioning* findVersioning(std::string_view name);

}  // namespace ddd::analyzers::deps
