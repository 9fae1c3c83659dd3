#pragma once
// A tokenizer for JavaScript and TypeScript (and JSX/TSX) that is just good enough for
// the dead-code pass: it finds identifiers, string and template literals, punctuation
// and keywords, and skips comments, regular expressions and JSX text, so that an
// `import` inside a string or a `'` in JSX text never derails it. It is not a parser:
// one linear pass (recursion only for `${...}` and JSX nesting, bounded), never reading
// past the end, every input accepted; problems (an unterminated string, comment,
// template or regex; nesting too deep) are counted and the first one is described.
// Stateless and thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deadcode {

enum class JsTokenKind : uint8_t {
  Identifier,  // also keywords and `#private` names
  String,      // '...' or "..." (value: decoded, escapes kept as written past \\ and quotes)
  Template,    // `...`: value is the static text before the first ${ (or all of it)
  Number,
  Punct,       // one or more punctuation characters: "=>", "...", "?.", "{", ...
  Regex,
};

struct JsToken {
  JsTokenKind kind = JsTokenKind::Punct;
  bool hasSubstitutions = false;  // templates with ${...}
  bool newlineBefore = false;     // a line break between this token and the previous one
  uint32_t offset = 0;            // byte offset of the token in the text
  uint32_t length = 0;
  std::string value;  // strings and templates only
};

struct JsLexResult {
  std::vector<JsToken> tokens;
  uint32_t errors = 0;     // unterminated literals / comments, nesting too deep, stray JSX
  std::string firstError;  // "line 12: unterminated string", empty when none
};

// `jsx`: treat `<` in expression position followed by a tag name or `>` as JSX
// (for .jsx, .tsx and .js files; not for .ts, where `<T>x` is a type assertion).
JsLexResult lexJs(std::string_view text, bool jsx);

// Text of a token (a view into `text`).
inline std::string_view tokenText(std::string_view text, const JsToken& t) {
  return text.substr(t.offset, t.length);
}

// 1-based line and column of a byte offset, from a table of line starts.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  uint32_t line(uint32_t offset) const;
  uint32_t column(uint32_t offset) const;

 private:
  std::vector<uint32_t> starts_;
};

}  // namespace ddd::analyzers::deadcode
