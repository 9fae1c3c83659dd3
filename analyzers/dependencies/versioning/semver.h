#pragma once
// Semantic Versioning 2.0.0 and npm's range language (node-semver's semantics).
//
// SemVer: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]; precedence compares the numbers, then
// pre-release identifiers one by one (numeric < alphanumeric, numbers numerically,
// strings in ASCII order, a shorter list of equal prefix first; a version without
// pre-release is greater); build metadata never counts. Numbers above 2^53-1 (npm's
// MAX_SAFE_INTEGER) are rejected, as npm rejects them. Parsing accepts a leading "v"
// or "=" and surrounding blanks (npm's non-strict parse); toString() is canonical.
//
// npm ranges: comparator sets joined by "||"; a set is comparators separated by blanks
// (`>=1.2.3 <2.0.0`), hyphen ranges (`1.2 - 1.4.5`), X-ranges and partials (`1.x`, `1.2`,
// `*`, ``), tilde (`~1.2.3`), caret (`^0.2.3`); a pre-release version satisfies a set
// only when some comparator of that set has the same [major, minor, patch] with a
// pre-release, unless includePrerelease. Immutable values; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deps {

struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  // identifiers, in order
  std::string build;                    // kept for printing, ignored in comparisons

  bool isPrerelease() const { return !prerelease.empty(); }
  std::string toString() const;  // "1.2.3-beta.1" (build metadata left out)
};

// nullopt for anything that is not a (loose-prefixed) SemVer 2.0.0 version.
std::optional<SemVer> parseSemVer(std::string_view text);
// Precedence: <0, 0, >0.
int compareSemVer(const SemVer& a, const SemVer& b);

enum class SemVerIncrement { Major, Minor, Patch, Prerelease };
// npm's inc(): 1.2.3 -> 2.0.0 / 1.3.0 / 1.2.4; a pre-release's patch increment drops the
// pre-release (1.2.3-rc.1 -> 1.2.3); Prerelease bumps the last numeric identifier or
// appends ".0" (1.2.3 -> 1.2.4-0).
SemVer increment(const SemVer& v, SemVerIncrement what);

class NpmRange {
 public:
  // nullopt for an invalid range (npm's validRange() would return null). Empty or "*"
  // means any version.
  // `includePrerelease` builds the range as npm does with that option (lower bounds
  // from the lowest pre-release) and lets any pre-release match.
  static std::optional<NpmRange> parse(std::string_view text, bool includePrerelease = false);

  bool satisfiedBy(const SemVer& v) const;
  // The normalized form npm prints (validRange()): ">=1.2.3 <2.0.0-0||>=3.0.0".
  std::string toString() const;
  // True when the range has no comparator other than ">=0.0.0" (any version).
  bool isAny() const;

  struct Comparator {
    enum Op { Lt, Le, Gt, Ge, Eq } op;
    SemVer version;
  };
  using ComparatorSet = std::vector<Comparator>;  // empty = any
  const std::vector<ComparatorSet>& sets() const { return sets_; }

 private:
  std::vector<ComparatorSet> sets_;
  bool includePrerelease_ = false;
};

// The highest version of `versions` that satisfies `range` (nullopt: none does).
std::optional<SemVer> maxSatisfying(const std::vector<SemVer>& versions, const NpmRange& range);

}  // namespace ddd::analyzers::deps
