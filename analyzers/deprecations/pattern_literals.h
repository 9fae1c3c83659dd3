#pragma once
// What a regex pattern's matches must contain, found by a small conservative reading
// of RE2 syntax: a set of literal strings at least one of which occurs in every match,
// and whether a match can span a newline. The matcher uses it to skip files (and
// lines) that cannot match before running RE2. "Unknown" is always a safe answer: any
// syntax this reader does not fully understand (case-insensitive flags, Unicode
// classes, \Q...\E, ...) gives no literals and "may span lines". Stateless.

#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deprecations {

struct PatternLiterals {
  // Every match contains at least one of these (each at least kMinRequiredLiteral
  // bytes long). Empty: nothing is known, the pattern must be run on every file.
  std::vector<std::string> required;
  // False only when no match can contain a '\n': then every match lies inside one
  // line that holds one of `required`.
  bool mayMatchNewline = true;
};

inline constexpr std::size_t kMinRequiredLiteral = 3;

// Reads `pattern` as RE2 (Latin-1, case-sensitive unless the pattern says otherwise).
PatternLiterals analyzePattern(std::string_view pattern);

}  // namespace ddd::analyzers::deprecations
