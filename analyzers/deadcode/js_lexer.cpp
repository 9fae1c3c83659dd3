#include "analyzers/deadcode/js_lexer.h"

#include <algorithm>

namespace ddd::analyzers::deadcode {
namespace {

constexpr int kMaxDepth = 200;  // ${...} and JSX nesting

bool isIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
bool isIdentPart(unsigned char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Keywords after which an expression (so a regex or JSX) may start.
bool keywordBeforeExpression(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "return", "typeof", "instanceof", "in",    "of",   "new",  "delete", "void",
      "throw",  "case",   "do",         "else",  "yield", "await", "extends", "default"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

class Lexer {
 public:
  Lexer(std::string_view text, bool jsx) : s_(text), jsx_(jsx) {}

  JsLexResult run() {
    lexUntil(false, 0);
    return std::move(out_);
  }

 private:
  std::string_view s_;
  bool jsx_;
  size_t i_ = 0;
  bool newline_ = false;
  JsLexResult out_;

  void error(size_t at, const char* what) {
    if (out_.errors++ == 0) {
      const size_t line = 1 + static_cast<size_t>(std::count(s_.begin(), s_.begin() + static_cast<std::ptrdiff_t>(std::min(at, s_.size())), '\n'));
      out_.firstError = "line " + std::to_string(line) + ": " + what;
    }
  }

  void push(JsTokenKind kind, size_t begin, size_t end, std::string value = {}) {
    JsToken t;
    t.kind = kind;
    t.offset = static_cast<uint32_t>(begin);
    t.length = static_cast<uint32_t>(end - begin);
    t.newlineBefore = newline_;
    t.value = std::move(value);
    newline_ = false;
    out_.tokens.push_back(std::move(t));
  }

  // Whether the previous token ends an expression (then `/` divides and `<` compares).
  bool expressionEnded() const {
    if (out_.tokens.empty()) return false;
    const JsToken& t = out_.tokens.back();
    switch (t.kind) {
      case JsTokenKind::Identifier:
        return !keywordBeforeExpression(tokenText(s_, t));
      case JsTokenKind::Punct: {
        const std::string_view p = tokenText(s_, t);
        return p == ")" || p == "]" || p == "}";
      }
      default:
        return true;
    }
  }

  // Skips whitespace and comments; false at the end of the text.
  bool skipSpace() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        newline_ = true;
        ++i_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        const size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) {
          error(i_, "unterminated comment");
          i_ = s_.size();
        } else {
          if (s_.substr(i_, end - i_).find('\n') != std::string_view::npos) newline_ = true;
          i_ = end + 2;
        }
      } else if (c == '#' && i_ == 0 && s_.size() > 1 && s_[1] == '!') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;  // hashbang
      } else {
        return true;
      }
    }
    return false;
  }

  // Main loop: tokens until the end, or (inBraces) until the `}` closing the
  // substitution / JSX expression we are in (consumed).
  void lexUntil(bool inBraces, int depth) {
    int braces = 0;
    while (skipSpace()) {
      const size_t start = i_;
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (isIdentStart(c) || c == '\\' || (c == '#' && i_ + 1 < s_.size() &&
                                           isIdentStart(static_cast<unsigned char>(s_[i_ + 1])))) {
        ++i_;
        while (i_ < s_.size() && (isIdentPart(static_cast<unsigned char>(s_[i_])) || s_[i_] == '\\'))
          ++i_;
        push(JsTokenKind::Identifier, start, i_);
      } else if (isDigit(c) || (c == '.' && i_ + 1 < s_.size() && isDigit(static_cast<unsigned char>(s_[i_ + 1])))) {
        ++i_;
        while (i_ < s_.size() && (isIdentPart(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                                  ((s_[i_] == '+' || s_[i_] == '-') &&
                                   (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E'))))
          ++i_;
        push(JsTokenKind::Number, start, i_);
      } else if (c == '"' || c == '\'') {
        lexString(static_cast<char>(c));
      } else if (c == '`') {
        lexTemplate(depth);
      } else if (c == '/' && !expressionEnded() && lexRegex()) {
        // pushed
      } else if (c == '<' && jsx_ && !expressionEnded() && jsxStartsHere()) {
        if (depth >= kMaxDepth) {
          error(i_, "nesting too deep");
          i_ = s_.size();
          return;
        }
        lexJsxElement(depth + 1);
      } else if (c == '{') {
        ++braces;
        ++i_;
        push(JsTokenKind::Punct, start, i_);
      } else if (c == '}') {
        if (inBraces && braces == 0) {
          ++i_;
          return;
        }
        --braces;
        ++i_;
        push(JsTokenKind::Punct, start, i_);
      } else {
        lexPunct();
      }
    }
    if (inBraces) error(i_, "unterminated ${ or JSX expression");
  }

  void lexPunct() {
    static constexpr std::string_view kLong[] = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=",
                                                 ">>>", "&&=", "||=", "?" "?=", "=>", "==", "!=",
                                                 "<=", ">=", "&&", "||", "?" "?", "?.", "++", "--",
                                                 "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
                                                 "**", "<<"};
    const size_t start = i_;
    for (std::string_view p : kLong) {
      if (s_.substr(i_, p.size()) == p) {
        // "?." followed by a digit is a conditional, not optional chaining.
        if (p == "?." && i_ + 2 < s_.size() && isDigit(static_cast<unsigned char>(s_[i_ + 2]))) break;
        i_ += p.size();
        push(JsTokenKind::Punct, start, i_);
        return;
      }
    }
    ++i_;
    push(JsTokenKind::Punct, start, i_);
  }

  void lexString(char quote) {
    const size_t start = i_++;
    std::string value;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == quote) {
        ++i_;
        push(JsTokenKind::String, start, i_, std::move(value));
        return;
      }
      if (c == '\n') break;
      if (c == '\\' && i_ + 1 < s_.size()) {
        const char n = s_[i_ + 1];
        if (n == '\n') {
          i_ += 2;
          continue;
        }
        value += (n == quote || n == '\\') ? std::string(1, n) : std::string{c, n};
        i_ += 2;
        continue;
      }
      value += c;
      ++i_;
    }
    error(start, "unterminated string");
    push(JsTokenKind::String, start, i_, std::move(value));
  }

  void lexTemplate(int depth) {
    const size_t start = i_++;
    std::string head;
    bool inHead = true;
    size_t tokenIndex = out_.tokens.size();
    push(JsTokenKind::Template, start, start + 1);
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '`') {
        ++i_;
        JsToken& t = out_.tokens[tokenIndex];
        t.length = static_cast<uint32_t>(i_ - start);
        t.value = std::move(head);
        return;
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        if (inHead) head.append(s_.substr(i_, 2));
        i_ += 2;
        continue;
      }
      if (c == '$' && i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
        out_.tokens[tokenIndex].hasSubstitutions = true;
        out_.tokens[tokenIndex].value = head;
        inHead = false;
        i_ += 2;
        if (depth >= kMaxDepth) {
          error(i_, "nesting too deep");
          i_ = s_.size();
          return;
        }
        lexUntil(true, depth + 1);
        continue;
      }
      if (inHead) head += c;
      ++i_;
    }
    error(start, "unterminated template literal");
    JsToken& t = out_.tokens[tokenIndex];
    t.length = static_cast<uint32_t>(i_ - start);
    if (inHead) t.value = std::move(head);
  }

  // A regex literal from `/`; false (nothing consumed) when none closes on this line.
  bool lexRegex() {
    const size_t start = i_;
    size_t j = i_ + 1;
    bool inClass = false;
    while (j < s_.size()) {
      const char c = s_[j];
      if (c == '\n' || c == '\r') return false;
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '[') inClass = true;
      else if (c == ']') inClass = false;
      else if (c == '/' && !inClass) break;
      ++j;
    }
    if (j >= s_.size()) return false;
    if (j == start + 1) return false;  // "//" is a comment, handled before
    ++j;
    while (j < s_.size() && isIdentPart(static_cast<unsigned char>(s_[j]))) ++j;
    i_ = j;
    push(JsTokenKind::Regex, start, i_);
    return true;
  }

  // `<` followed by a tag name (not a TypeScript generic `<T,>` / `<T extends`) or `>`.
  bool jsxStartsHere() const {
    size_t j = i_ + 1;
    if (j < s_.size() && s_[j] == '>') return true;
    if (j >= s_.size() || !isIdentStart(static_cast<unsigned char>(s_[j]))) return false;
    while (j < s_.size() && (isIdentPart(static_cast<unsigned char>(s_[j])) || s_[j] == '.' ||
                             s_[j] == '-' || s_[j] == ':'))
      ++j;
    const std::string_view name = s_.substr(i_ + 1, j - i_ - 1);
    while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t' || s_[j] == '\n' || s_[j] == '\r')) ++j;
    if (j >= s_.size()) return false;
    if (s_[j] == ',') return false;  // <T,>() => ...
    if (s_.substr(j, 8) == "extends " && name.size() <= 2) return false;
    return true;
  }

  void skipJsxSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  // Reads a tag name at i_, emitting an identifier token for component references
  // (capitalised or dotted: <Foo>, <ui.Button>); returns the name.
  std::string_view jsxName() {
    const size_t start = i_;
    while (i_ < s_.size() && (isIdentPart(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                              s_[i_] == '-' || s_[i_] == ':'))
      ++i_;
    const std::string_view name = s_.substr(start, i_ - start);
    if (!name.empty()) {
      size_t firstEnd = 0;
      while (firstEnd < name.size() && isIdentPart(static_cast<unsigned char>(name[firstEnd]))) ++firstEnd;
      const bool component = (name[0] >= 'A' && name[0] <= 'Z') || (firstEnd < name.size() && name[firstEnd] == '.');
      if (component && firstEnd > 0) {
        // <ui.Card>: the tokens `ui` `.` `Card`, as the member expression it is.
        size_t b = 0;
        while (b < name.size()) {
          size_t e = b;
          while (e < name.size() && isIdentPart(static_cast<unsigned char>(name[e]))) ++e;
          if (e == b) break;
          push(JsTokenKind::Identifier, start + b, start + e);
          if (e >= name.size() || name[e] != '.') break;
          push(JsTokenKind::Punct, start + e, start + e + 1);
          b = e + 1;
        }
      }
    }
    return name;
  }

  // One JSX element from its `<` (i_), children included.
  void lexJsxElement(int depth) {
    ++i_;  // <
    const std::string_view name = jsxName();
    // Attributes.
    while (true) {
      skipJsxSpace();
      if (i_ >= s_.size()) {
        error(i_, "unterminated JSX element");
        return;
      }
      const char c = s_[i_];
      if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '>') {
        i_ += 2;
        return;  // self-closing
      }
      if (c == '>') {
        ++i_;
        break;
      }
      if (c == '{') {
        ++i_;
        lexUntil(true, depth);
      } else if (c == '"' || c == '\'') {
        const size_t end = s_.find(c, i_ + 1);
        i_ = end == std::string_view::npos ? s_.size() : end + 1;
      } else if (isIdentStart(static_cast<unsigned char>(c))) {
        while (i_ < s_.size() && (isIdentPart(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == ':')) ++i_;
      } else if (c == '=') {
        ++i_;
      } else if (c == '<' && depth < kMaxDepth) {
        lexJsxElement(depth + 1);  // an element as an attribute value
      } else {
        error(i_, "unexpected character in JSX tag");
        ++i_;
        return;
      }
    }
    // Children until the closing tag.
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '{') {
        ++i_;
        lexUntil(true, depth);
      } else if (c == '<') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
          const size_t end = s_.find('>', i_);
          i_ = end == std::string_view::npos ? s_.size() : end + 1;
          (void)name;
          newline_ = true;
          return;
        }
        if (depth >= kMaxDepth) {
          error(i_, "nesting too deep");
          i_ = s_.size();
          return;
        }
        lexJsxElement(depth + 1);
      } else {
        ++i_;  // text
      }
    }
    error(i_, "unterminated JSX element");
  }
};

}  // namespace

JsLexResult lexJs(std::string_view text, bool jsx) { return Lexer(text, jsx).run(); }

LineIndex::LineIndex(std::string_view text) {
  starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(static_cast<uint32_t>(i + 1));
  }
}

uint32_t LineIndex::line(uint32_t offset) const {
  return static_cast<uint32_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin());
}

uint32_t LineIndex::column(uint32_t offset) const { return offset - starts_[line(offset) - 1] + 1; }

}  // namespace ddd::analyzers::deadcode
