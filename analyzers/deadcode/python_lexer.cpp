#include "analyzers/deadcode/python_lexer.h"

#include <cstring>

namespace ddd::analyzers::deadcode::python {
namespace {

bool isIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool isIdentChar(unsigned char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// A string prefix: any case of r, u, b, f, br, rb, fr, rf.
bool isStringPrefix(std::string_view p, bool& raw, bool& fstring) {
  if (p.empty() || p.size() > 2) return false;
  raw = fstring = false;
  bool bytes = false, unicode = false;
  for (char c : p) {
    switch (c | 0x20) {
      case 'r':
        if (raw) return false;
        raw = true;
        break;
      case 'b':
        if (bytes) return false;
        bytes = true;
        break;
      case 'f':
        if (fstring) return false;
        fstring = true;
        break;
      case 'u':
        unicode = true;
        break;
      default:
        return false;
    }
  }
  if (unicode && p.size() > 1) return false;
  if (bytes && fstring) return false;
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  LexResult run() {
    indents_.push_back(0);
    while (pos_ < s_.size()) {
      if (atLineStart_) {
        if (!handleIndentation()) continue;
      }
      step();
    }
    if (depth_ > 0) fail("unclosed bracket at the end of the file");
    if (lineHasTokens_) emit(TokenKind::Newline, pos_, pos_);
    while (indents_.size() > 1) {
      indents_.pop_back();
      emit(TokenKind::Dedent, pos_, pos_);
    }
    emit(TokenKind::End, pos_, pos_);
    return std::move(out_);
  }

 private:
  void fail(const std::string& what) {
    if (out_.error.empty()) {
      out_.error = "line " + std::to_string(line_) + ": " + what;
      out_.errorLine = line_;
    }
  }
  void emit(TokenKind kind, std::size_t begin, std::size_t end) {
    out_.tokens.push_back(Token{kind, static_cast<uint32_t>(begin), static_cast<uint32_t>(end),
                                tokenLine_, static_cast<uint32_t>(depth_)});
    if (kind != TokenKind::Newline && kind != TokenKind::Indent && kind != TokenKind::Dedent)
      lineHasTokens_ = true;
  }

  // At the start of a physical line outside brackets: measures the indentation, skips
  // blank and comment-only lines, emits Indent/Dedent. Returns false when it consumed
  // a whole blank line (the caller loops).
  bool handleIndentation() {
    std::size_t col = 0;
    std::size_t p = pos_;
    while (p < s_.size()) {
      const char c = s_[p];
      if (c == ' ') {
        ++col;
      } else if (c == '\t') {
        col = (col / 8 + 1) * 8;
      } else if (c == '\f') {
        col = 0;
      } else {
        break;
      }
      ++p;
    }
    if (p >= s_.size() || s_[p] == '#' || s_[p] == '\n' || s_[p] == '\r') {
      // Blank or comment-only line: no indentation change; skip to its end.
      while (p < s_.size() && s_[p] != '\n' && s_[p] != '\r') ++p;
      pos_ = p;
      if (pos_ < s_.size()) newline();
      return false;
    }
    if (s_[p] == '\\' && p + 1 < s_.size() && (s_[p + 1] == '\n' || s_[p + 1] == '\r')) {
      // A continuation at the start of a line: the logical line goes on; leave the
      // indentation alone (CPython treats this as whitespace).
      atLineStart_ = false;
      pos_ = p;
      return true;
    }
    pos_ = p;
    atLineStart_ = false;
    tokenLine_ = line_;
    if (col > indents_.back()) {
      indents_.push_back(col);
      emit(TokenKind::Indent, pos_, pos_);
    } else {
      while (col < indents_.back()) {
        indents_.pop_back();
        emit(TokenKind::Dedent, pos_, pos_);
      }
      if (col != indents_.back()) {
        fail("unindent does not match any outer indentation level");
        indents_.push_back(col);
        emit(TokenKind::Indent, pos_, pos_);
      }
    }
    return true;
  }

  // Consumes one line break at pos_ (\n, \r\n or \r).
  void newline() {
    if (s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
    if (depth_ == 0) atLineStart_ = true;
  }

  void step() {
    const unsigned char c = static_cast<unsigned char>(s_[pos_]);
    tokenLine_ = line_;
    if (c == ' ' || c == '\t' || c == '\f') {
      ++pos_;
      return;
    }
    if (c == '#') {
      while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
      return;
    }
    if (c == '\n' || c == '\r') {
      const std::size_t at = pos_;
      newline();
      if (depth_ == 0 && lineHasTokens_) {
        emit(TokenKind::Newline, at, pos_);
        lineHasTokens_ = false;
      }
      return;
    }
    if (c == '\\') {
      if (pos_ + 1 < s_.size() && (s_[pos_ + 1] == '\n' || s_[pos_ + 1] == '\r')) {
        ++pos_;
        const bool keep = atLineStart_;
        newline();
        atLineStart_ = keep;  // a continuation never starts a new logical line
        return;
      }
      fail("stray backslash");
      ++pos_;
      return;
    }
    if (isIdentStart(c)) {
      const std::size_t begin = pos_;
      while (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      bool raw = false, fstring = false;
      if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"') &&
          isStringPrefix(s_.substr(begin, pos_ - begin), raw, fstring)) {
        scanString(begin, raw, fstring);
        return;
      }
      emit(TokenKind::Name, begin, pos_);
      return;
    }
    if (isDigit(c) || (c == '.' && pos_ + 1 < s_.size() && isDigit(s_[pos_ + 1]))) {
      scanNumber();
      return;
    }
    if (c == '\'' || c == '"') {
      scanString(pos_, false, false);
      return;
    }
    scanOperator();
  }

  void scanNumber() {
    const std::size_t begin = pos_;
    const bool hex = s_[pos_] == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] | 0x20) == 'x';
    while (pos_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (isIdentChar(c) && c < 0x80) {
        ++pos_;
      } else if (c == '.') {
        ++pos_;
      } else if ((c == '+' || c == '-') && !hex && (s_[pos_ - 1] | 0x20) == 'e') {
        ++pos_;
      } else {
        break;
      }
    }
    emit(TokenKind::Number, begin, pos_);
  }

  // Skips a plain string literal whose opening quote is at pos_ (used inside f-string
  // replacement fields). Returns false when the line or file ended first.
  bool skipNestedString() {
    const char q = s_[pos_];
    const bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\') {
        pos_ += 2;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (!triple) return false;
        newlineInString();
        continue;
      }
      if (c == q) {
        if (!triple) {
          ++pos_;
          return true;
        }
        if (pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          pos_ += 3;
          return true;
        }
      }
      ++pos_;
    }
    return false;
  }

  void newlineInString() {
    if (s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  // A string literal: `begin` is the start of its prefix, pos_ the opening quote.
  void scanString(std::size_t begin, bool raw, bool fstring) {
    (void)raw;  // a backslash escapes the quote for tokenizing even in raw strings
    const char q = s_[pos_];
    const bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    int fieldDepth = 0;
    bool closed = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\') {
        pos_ += 1;
        if (pos_ < s_.size()) {
          if (s_[pos_] == '\n' || s_[pos_] == '\r') {
            newlineInString();
          } else {
            ++pos_;
          }
        }
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (!triple) break;  // unterminated single-quoted string
        newlineInString();
        continue;
      }
      if (fstring) {
        if (c == '{') {
          if (fieldDepth == 0 && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{') {
            pos_ += 2;
          } else {
            ++fieldDepth;
            ++pos_;
          }
          continue;
        }
        if (c == '}') {
          if (fieldDepth == 0) {
            pos_ += (pos_ + 1 < s_.size() && s_[pos_ + 1] == '}') ? 2 : 1;
          } else {
            --fieldDepth;
            ++pos_;
          }
          continue;
        }
        if (fieldDepth > 0 && (c == '\'' || c == '"')) {
          // Python 3.12 allows any quote inside a field; older code only uses the others.
          if (!skipNestedString()) break;
          continue;
        }
      }
      if (c == q) {
        if (!triple) {
          ++pos_;
          closed = true;
          break;
        }
        if (pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          pos_ += 3;
          closed = true;
          break;
        }
      }
      ++pos_;
    }
    if (pos_ > s_.size()) pos_ = s_.size();
    if (!closed) fail(triple ? "unterminated triple-quoted string" : "unterminated string");
    emit(fstring ? TokenKind::FString : TokenKind::String, begin, pos_);
  }

  void scanOperator() {
    static const char* const three[] = {"**=", "//=", ">>=", "<<=", "..."};
    static const char* const two[] = {"**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->",
                                      "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
                                      ":=", "<>"};
    const std::size_t begin = pos_;
    const std::string_view rest = s_.substr(pos_);
    for (const char* op : three) {
      if (rest.size() >= 3 && rest.compare(0, 3, op) == 0) {
        pos_ += 3;
        emit(TokenKind::Op, begin, pos_);
        return;
      }
    }
    for (const char* op : two) {
      if (rest.size() >= 2 && rest.compare(0, 2, op) == 0) {
        pos_ += 2;
        emit(TokenKind::Op, begin, pos_);
        return;
      }
    }
    const char c = s_[pos_];
    if (std::strchr("()[]{}:,;.+-*/%&|^~<>=@!", c) == nullptr || c == '\0') {
      fail("unexpected character");
      ++pos_;
      return;
    }
    if (c == ')' || c == ']' || c == '}') {
      if (depth_ == 0) {
        fail("unmatched '" + std::string(1, c) + "'");
      } else {
        --depth_;
      }
    }
    ++pos_;
    emit(TokenKind::Op, begin, pos_);
    if (c == '(' || c == '[' || c == '{') ++depth_;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t tokenLine_ = 1;
  std::size_t depth_ = 0;
  bool atLineStart_ = true;
  bool lineHasTokens_ = false;
  std::vector<std::size_t> indents_;
  LexResult out_;
};

}  // namespace

LexResult lex(std::string_view text) {
  // Offsets are 32-bit: larger inputs are cut (the pass skips such files anyway).
  if (text.size() > 0xFFFFFFF0u) text = text.substr(0, 0xFFFFFFF0u);
  return Lexer(text).run();
}

std::string_view stringBody(std::string_view text, const Token& t) {
  std::string_view s = text.substr(t.begin, t.end - t.begin);
  std::size_t p = 0;
  while (p < s.size() && s[p] != '\'' && s[p] != '"') ++p;
  if (p >= s.size()) return {};
  const char q = s[p];
  const bool triple = p + 2 < s.size() && s[p + 1] == q && s[p + 2] == q;
  const std::size_t open = triple ? 3 : 1;
  s.remove_prefix(p + open);
  // Drop the closing quotes when they are there (unterminated strings have none).
  if (s.size() >= open) {
    bool closes = true;
    for (std::size_t i = 0; i < open; ++i) closes = closes && s[s.size() - 1 - i] == q;
    if (closes) s.remove_suffix(open);
  }
  return s;
}

std::string fieldCode(std::string_view body) {
  std::string out;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (depth == 0) {
      if (c == '{') {
        if (i + 1 < body.size() && body[i + 1] == '{') {
          ++i;
        } else {
          depth = 1;
        }
      }
      continue;
    }
    if (quote != 0) {
      out.push_back(c);
      if (c == '\\' && i + 1 < body.size()) {
        out.push_back(body[++i]);
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
      continue;
    }
    if (c == '{') {
      ++depth;
      out.push_back('\n');
      continue;
    }
    if (c == '}') {
      --depth;
      out.push_back('\n');
      continue;
    }
    out.push_back(c == '\r' ? '\n' : c);
  }
  if (quote != 0) out.push_back(quote);
  return out;
}

}  // namespace ddd::analyzers::deadcode::python
