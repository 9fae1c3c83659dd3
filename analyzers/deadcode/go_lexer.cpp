#include "analyzers/deadcode/go_lexer.h"

#include <cstring>

namespace ddd::analyzers::deadcode::golang {
namespace {

bool isIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(unsigned char c) { return isIdentStart(c) || isDigit(c); }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  LexResult run() {
    while (pos_ < s_.size()) step();
    if (depth_ > 0) fail("unclosed bracket at the end of the file");
    emit(TokenKind::End, pos_, pos_, line_);
    return std::move(out_);
  }

 private:
  void fail(const std::string& what) {
    if (out_.error.empty()) out_.error = "line " + std::to_string(line_) + ": " + what;
  }
  void emit(TokenKind kind, std::size_t begin, std::size_t end, uint32_t line) {
    out_.tokens.push_back(Token{kind, static_cast<uint32_t>(begin), static_cast<uint32_t>(end),
                                line, depth_});
  }

  void step() {
    const auto c = static_cast<unsigned char>(s_[pos_]);
    const std::size_t begin = pos_;
    const uint32_t line = line_;
    if (c == '\n') {
      ++line_;
      ++pos_;
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
      return;
    }
    if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      emit(TokenKind::Comment, begin, pos_, line);
      return;
    }
    if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
      const std::size_t close = s_.find("*/", pos_ + 2);
      const std::size_t end = close == std::string_view::npos ? s_.size() : close + 2;
      if (close == std::string_view::npos) fail("unterminated comment");
      countLines(pos_, end);
      pos_ = end;
      emit(TokenKind::Comment, begin, pos_, line);
      return;
    }
    if (isIdentStart(c)) {
      while (pos_ < s_.size() && isIdentChar(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      emit(TokenKind::Ident, begin, pos_, line);
      return;
    }
    if (isDigit(c) || (c == '.' && pos_ + 1 < s_.size() && isDigit(s_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < s_.size()) {
        const auto d = static_cast<unsigned char>(s_[pos_]);
        const auto prev = static_cast<unsigned char>(s_[pos_ - 1] | 0x20);
        if ((isIdentChar(d) && d < 0x80) || d == '.') {
          ++pos_;
        } else if ((d == '+' || d == '-') && (prev == 'e' || prev == 'p') &&
                   !(s_[begin] == '0' && pos_ > begin + 1 && (s_[begin + 1] | 0x20) == 'x' && prev == 'e')) {
          ++pos_;
        } else {
          break;
        }
      }
      emit(TokenKind::Number, begin, pos_, line);
      return;
    }
    if (c == '"' || c == '\'') {
      ++pos_;
      bool closed = false;
      while (pos_ < s_.size() && s_[pos_] != '\n') {
        if (s_[pos_] == '\\') {
          pos_ += 2;
          continue;
        }
        if (s_[pos_] == static_cast<char>(c)) {
          ++pos_;
          closed = true;
          break;
        }
        ++pos_;
      }
      if (pos_ > s_.size()) pos_ = s_.size();
      if (!closed) fail(c == '"' ? "unterminated string" : "unterminated rune");
      emit(c == '"' ? TokenKind::String : TokenKind::Rune, begin, pos_, line);
      return;
    }
    if (c == '`') {
      const std::size_t close = s_.find('`', pos_ + 1);
      const std::size_t end = close == std::string_view::npos ? s_.size() : close + 1;
      if (close == std::string_view::npos) fail("unterminated raw string");
      countLines(pos_, end);
      pos_ = end;
      emit(TokenKind::RawString, begin, pos_, line);
      return;
    }
    scanOperator(line);
  }

  void countLines(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (s_[i] == '\n') ++line_;
  }

  void scanOperator(uint32_t line) {
    static const char* const three[] = {"<<=", ">>=", "&^=", "...", "&&=", "||="};
    static const char* const two[] = {"<<", ">>", "&^", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
                                      "^=", "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=",
                                      ":=", "~="};
    const std::size_t begin = pos_;
    const std::string_view rest = s_.substr(pos_);
    for (const char* op : three) {
      if (rest.size() >= 3 && rest.compare(0, 3, op) == 0) {
        pos_ += 3;
        emit(TokenKind::Op, begin, pos_, line);
        return;
      }
    }
    for (const char* op : two) {
      if (rest.size() >= 2 && rest.compare(0, 2, op) == 0) {
        pos_ += 2;
        emit(TokenKind::Op, begin, pos_, line);
        return;
      }
    }
    const char c = s_[pos_];
    if (c == '\0' || std::strchr("+-*/%&|^<>=!()[]{},;.:~", c) == nullptr) {
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
    emit(TokenKind::Op, begin, pos_, line);
    if (c == '(' || c == '[' || c == '{') ++depth_;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t depth_ = 0;
  LexResult out_;
};

}  // namespace

LexResult lex(std::string_view text) {
  if (text.size() > 0xFFFFFFF0u) text = text.substr(0, 0xFFFFFFF0u);
  return Lexer(text).run();
}

}  // namespace ddd::analyzers::deadcode::golang
