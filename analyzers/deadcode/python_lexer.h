#pragma once
// A Python tokenizer for the dead-code pass: names, numbers, strings (every prefix,
// triple-quoted, f-strings, bytes), operators, and the logical-line structure
// (NEWLINE, INDENT, DEDENT) with comments, blank lines, bracket nesting and backslash
// continuations handled as CPython does. It never fails: malformed input (an
// unterminated string, an inconsistent dedent, an unmatched bracket, stray bytes) is
// tokenized on a best-effort basis and the first problem is reported in `error`.
// Bytes >= 0x80 count as identifier characters, so non-UTF-8 text lexes too.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deadcode::python {

enum class TokenKind : uint8_t {
  Name,
  Number,
  String,   // any string or bytes literal; FString for f-strings
  FString,  // f"..." / rf'''...''': the replacement fields hold code (see fieldCode)
  Op,       // operators and delimiters, one token each ("**=", "->", ".", "(")
  Newline,  // end of a logical line
  Indent,
  Dedent,
  End,
};

struct Token {
  TokenKind kind;
  uint32_t begin;  // byte offsets into the text
  uint32_t end;
  uint32_t line;  // 1-based line of `begin`
  uint32_t depth;  // bracket nesting depth at the token (0 at statement level)
};

struct LexResult {
  std::vector<Token> tokens;  // always ends with Dedents back to column 0 and one End
  std::string error;          // empty, or "line N: what" for the first problem
  uint32_t errorLine = 0;
};

LexResult lex(std::string_view text);

// The text of a string token without its prefix and quotes (escapes left as written).
std::string_view stringBody(std::string_view text, const Token& t);

// The code inside an f-string's replacement fields, each field's expression followed
// by a newline ("{a.b!r:>{width}}" gives "a.b\nwidth\n"); "{{" and "}}" are literal.
std::string fieldCode(std::string_view body);

}  // namespace ddd::analyzers::deadcode::python
