#pragma once
// detail: the range strategies (bump / replace / pin / widen) shared by the schemes with
// ranges (npm, cargo, pep440). A scheme splits its range into clauses with the byte spans
// of their operator and version; the rewrite replaces only those spans, so spacing and
// separators survive. Pure functions; thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps::detail {

struct RangeClause {
  enum class Role {
    Floor,    // >=, >, ^, ~, ~=, partials and x-ranges, ==X.*: a lower bound
    Exact,    // one version: npm "1.2.3", cargo "=1.2.3", pep440 "==1.2.3"
    Ceiling,  // <, <=
    Exclude,  // !=
    Any,      // *, x, empty
  };
  Role role = Role::Any;
  size_t opBegin = 0, opEnd = 0;    // the operator as written (may be empty)
  size_t verBegin = 0, verEnd = 0;  // the version numbers (+ suffix), without a wildcard tail
  size_t clauseEnd = 0;             // the end of the clause, wildcard tail included
  std::vector<uint64_t> release;    // numbers written before any wildcard
  bool strict = false;              // ">" or "<"
  // Level (0 = major) of the ceiling a Floor implies (^1.2 -> 0, ~1.2 -> 1, ~=1.2 -> 0,
  // 1.2.x -> 1); -1 when it implies none (>=).
  int impliedCeilingLevel = -1;
};

struct RangeSetClauses {
  size_t begin = 0, end = 0;  // the set's text (for npm unions)
  std::vector<RangeClause> clauses;
};

struct TargetVersion {
  std::vector<uint64_t> release;  // at least one number
  std::string suffix;             // what follows the release as it should be printed
  size_t fullPrecision = 3;       // components after which the suffix is printed
};

struct RangeSyntax {
  std::string_view clauseSeparator;  // between clauses added by widen: " ", ", ", ","
  std::string_view unionSeparator;   // " || " for npm, empty when the scheme has none
  std::string_view exactOperator;    // for pin: "", "=", "=="
  std::string_view floorOperator;    // ">="
  std::string_view ceilingOperator;  // "<"
};

// The rewritten range; nullopt when it cannot be done safely or the result would not
// admit the target (`admits` is the scheme's matches()).
std::optional<std::string> rewriteRange(std::string_view range,
                                        const std::vector<RangeSetClauses>& sets,
                                        const TargetVersion& target, RangeStrategy strategy,
                                        const RangeSyntax& syntax,
                                        const std::function<bool(std::string_view)>& admits);

// "1.4" from {1,4,2} at precision 2 (zero-padded when the target is shorter).
std::string formatAt(const TargetVersion& target, size_t precision);

}  // namespace ddd::analyzers::deps::detail
