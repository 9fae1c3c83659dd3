#pragma once
// Path globs as used by rule packs and the repository config (RULES.md "Path globs").
// A GlobSet is compiled once (into one RE2 automaton over all its globs) and then
// matched against repository-relative, '/'-separated paths. Immutable after
// construction and safe to share between threads; copies share the compiled form.
//
// Syntax: `*` any run of characters except '/', `?` one character except '/', `**`
// any run including '/' (`**/` also matches no directory at all, `/**` everything
// below), `[abc]` / `[a-z]` / `[!abc]` / `[^abc]` one character of (not of) a set,
// `{a,b}` either alternative (nestable), `\x` the character x. A glob without '/'
// matches the file name in any directory (`*.min.js`); a glob with '/' matches the
// whole path from the repository root (a leading '/' is allowed and ignored).

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace ddd::analyzers::deprecations {

class GlobError : public std::runtime_error {
 public:
  explicit GlobError(const std::string& what) : std::runtime_error(what) {}
};

// The RE2 pattern (without anchors) equivalent to one glob. Throws GlobError saying
// what is wrong with it (unterminated `[` or `{`, stray `}`, trailing backslash, empty).
std::string globToRegex(std::string_view glob);

class GlobSet {
 public:
  GlobSet() = default;  // empty: matches nothing
  // Throws GlobError naming the first bad glob.
  explicit GlobSet(const std::vector<std::string>& globs);

  bool empty() const { return regex_ == nullptr; }
  // True when `path` matches at least one of the globs.
  bool matches(std::string_view path) const;
  const std::vector<std::string>& globs() const { return globs_; }

 private:
  std::vector<std::string> globs_;
  std::shared_ptr<const re2::RE2> regex_;
};

}  // namespace ddd::analyzers::deprecations
