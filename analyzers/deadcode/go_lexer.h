#pragma once
// A Go lexer for the dead-code pass: identifiers, numbers, runes, interpreted and raw
// strings, comments (kept: doc comments and //go: directives matter) and operators,
// with byte offsets and lines. Semicolons are not inserted (the pass tracks brackets
// instead). It never fails: an unterminated string, rune or comment, or a stray byte is
// lexed on a best-effort basis and the first problem is reported in `error`. Bytes
// >= 0x80 count as identifier characters, so non-UTF-8 text lexes too.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deadcode::golang {

enum class TokenKind : uint8_t { Ident, Number, Rune, String, RawString, Comment, Op, End };

struct Token {
  TokenKind kind;
  uint32_t begin;  // byte offsets into the text
  uint32_t end;
  uint32_t line;   // 1-based line of `begin`
  uint32_t depth;  // nesting of (), [] and {} at the token (an opener has the outer depth)
};

struct LexResult {
  std::vector<Token> tokens;  // always ends with one End
  std::string error;          // empty, or "line N: what" for the first problem
};

LexResult lex(std::string_view text);

}  // namespace ddd::analyzers::deadcode::golang
