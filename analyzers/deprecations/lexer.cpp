#include "analyzers/deprecations/lexer.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace ddd::analyzers::deprecations {
namespace {

// Shared state of one lexing pass: the text and the output. Every scan* helper takes
// the offset of an opening delimiter and returns the offset just past the literal,
// never more than text.size().
class Pass {
 public:
  Pass(std::string_view text, std::vector<Region>& out) : t(text), n(text.size()), out_(out) {
    out_.clear();
  }

  void add(std::size_t begin, std::size_t end, RegionKind kind) {
    if (end > n) end = n;
    if (end > begin) out_.push_back({begin, end, kind});
  }

  // Offset of the '\n' ending the line that contains `i`, or n.
  std::size_t lineEnd(std::size_t i) const {
    if (i >= n) return n;
    const void* p = std::memchr(t.data() + i, '\n', n - i);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - t.data()) : n;
  }

  // A literal delimited by `quote` on both sides, opening at `open`. With `escapes`, a
  // backslash takes the next byte literally. Without `multiline`, an unterminated
  // literal ends at the newline.
  std::size_t scanQuoted(std::size_t open, char quote, bool escapes, bool multiline) const {
    std::size_t i = open + 1;
    while (i < n) {
      const char c = t[i];
      if (c == quote) return i + 1;
      if (escapes && c == '\\') {
        i += 2;
        continue;
      }
      if (c == '\n' && !multiline) return i;
      ++i;
    }
    return n;
  }

  // "/* ... */" opening at `open`; unterminated runs to the end.
  std::size_t scanBlockComment(std::size_t open) const {
    if (open + 2 >= n) return n;
    const std::size_t close = t.find("*/", open + 2);
    return close == std::string_view::npos ? n : close + 2;
  }

  const std::string_view t;
  const std::size_t n;

 private:
  std::vector<Region>& out_;
};

bool isAsciiAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(unsigned char c) { return isAsciiAlpha(c) || c == '_' || c >= 0x80; }
bool isIdentChar(unsigned char c) { return isIdentStart(c) || isDigit(c); }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// ---------------------------------------------------------------- python

bool isPythonStringPrefix(std::string_view word) {
  if (word.empty() || word.size() > 2) return false;
  for (const char c : word) {
    if (std::strchr("rRbBuUfFtT", c) == nullptr) return false;
  }
  return true;
}

// A string whose quote is at `quote`; `'''`/`"""` strings span lines, others end at
// the newline when unterminated. A backslash always protects the next byte (in raw
// strings too, a quote after a backslash does not end the literal).
std::size_t scanPythonString(const Pass& p, std::size_t quote) {
  const char q = p.t[quote];
  if (quote + 2 < p.n && p.t[quote + 1] == q && p.t[quote + 2] == q) {
    std::size_t i = quote + 3;
    while (i < p.n) {
      const char c = p.t[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == q && i + 2 < p.n && p.t[i + 1] == q && p.t[i + 2] == q) return i + 3;
      ++i;
    }
    return p.n;
  }
  return p.scanQuoted(quote, q, true, false);
}

void lexPython(Pass& p) {
  std::size_t i = 0;
  while (i < p.n) {
    const auto c = static_cast<unsigned char>(p.t[i]);
    if (c == '#') {
      const std::size_t e = p.lineEnd(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '"' || c == '\'') {
      const std::size_t e = scanPythonString(p, i);
      p.add(i, e, RegionKind::String);
      i = e;
    } else if (isIdentChar(c)) {
      std::size_t j = i + 1;
      while (j < p.n && isIdentChar(static_cast<unsigned char>(p.t[j]))) ++j;
      if (j < p.n && (p.t[j] == '"' || p.t[j] == '\'') &&
          isPythonStringPrefix(p.t.substr(i, j - i))) {
        const std::size_t e = scanPythonString(p, j);
        p.add(i, e, RegionKind::String);
        i = e;
      } else {
        i = j;
      }
    } else {
      ++i;
    }
  }
}

// ---------------------------------------------------------------- javascript, typescript

bool keywordAllowsRegex(std::string_view word) {
  static constexpr std::string_view kWords[] = {"return", "typeof", "instanceof", "in",    "of",
                                                "new",    "delete", "void",       "throw", "case",
                                                "do",     "else",   "yield",      "await"};
  return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

bool isJsIdentChar(unsigned char c) { return isIdentChar(c) || c == '$'; }

// A regular expression literal starting at `open` ('/'), with its flags. Ends at the
// newline when unterminated.
std::size_t scanRegexLiteral(const Pass& p, std::size_t open) {
  std::size_t i = open + 1;
  bool inClass = false;
  while (i < p.n) {
    const char c = p.t[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '\n') return i;
    if (inClass) {
      if (c == ']') inClass = false;
    } else if (c == '[') {
      inClass = true;
    } else if (c == '/') {
      ++i;
      while (i < p.n && isJsIdentChar(static_cast<unsigned char>(p.t[i]))) ++i;
      return i;
    }
    ++i;
  }
  return p.n;
}

void lexJavaScript(Pass& p) {
  // One entry per open `${`: how many '{' are open inside it.
  std::vector<std::size_t> templateBraces;
  // Whether a '/' here starts a regex literal (after an operator or at the start) or is
  // a division (after an operand: identifier, number, ')', ']', '}', a literal).
  bool regexAllowed = true;
  std::size_t i = 0;

  // A template literal chunk starting at `start` ('`' or the '}' closing a `${`): up
  // to and including the closing '`' or the next `${`.
  auto templateChunk = [&](std::size_t start) {
    std::size_t j = start + 1;
    while (j < p.n) {
      const char c = p.t[j];
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (c == '`') {
        p.add(start, j + 1, RegionKind::String);
        regexAllowed = false;
        return j + 1;
      }
      if (c == '$' && j + 1 < p.n && p.t[j + 1] == '{') {
        p.add(start, j + 2, RegionKind::String);
        templateBraces.push_back(0);
        regexAllowed = true;
        return j + 2;
      }
      ++j;
    }
    p.add(start, p.n, RegionKind::String);
    return p.n;
  };

  if (p.t.starts_with("#!")) {
    i = p.lineEnd(0);
    p.add(0, i, RegionKind::Comment);
  }
  while (i < p.n) {
    const auto c = static_cast<unsigned char>(p.t[i]);
    if (isBlank(static_cast<char>(c))) {
      ++i;
    } else if (c == '/' && i + 1 < p.n && p.t[i + 1] == '/') {
      const std::size_t e = p.lineEnd(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '/' && i + 1 < p.n && p.t[i + 1] == '*') {
      const std::size_t e = p.scanBlockComment(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '/' && regexAllowed) {
      const std::size_t e = scanRegexLiteral(p, i);
      p.add(i, e, RegionKind::String);
      i = e;
      regexAllowed = false;
    } else if (c == '"' || c == '\'') {
      const std::size_t e = p.scanQuoted(i, static_cast<char>(c), true, false);
      p.add(i, e, RegionKind::String);
      i = e;
      regexAllowed = false;
    } else if (c == '`') {
      i = templateChunk(i);
    } else if (c == '{') {
      if (!templateBraces.empty()) ++templateBraces.back();
      regexAllowed = true;
      ++i;
    } else if (c == '}') {
      if (!templateBraces.empty() && templateBraces.back() == 0) {
        templateBraces.pop_back();
        i = templateChunk(i);
      } else {
        if (!templateBraces.empty()) --templateBraces.back();
        regexAllowed = false;
        ++i;
      }
    } else if (isJsIdentChar(c)) {
      std::size_t j = i + 1;
      while (j < p.n && isJsIdentChar(static_cast<unsigned char>(p.t[j]))) ++j;
      regexAllowed = !isDigit(c) && keywordAllowsRegex(p.t.substr(i, j - i));
      i = j;
    } else {
      regexAllowed = !(c == ')' || c == ']');
      ++i;
    }
  }
}

// ---------------------------------------------------------------- go

void lexGo(Pass& p) {
  std::size_t i = 0;
  while (i < p.n) {
    const char c = p.t[i];
    if (c == '/' && i + 1 < p.n && p.t[i + 1] == '/') {
      const std::size_t e = p.lineEnd(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '/' && i + 1 < p.n && p.t[i + 1] == '*') {
      const std::size_t e = p.scanBlockComment(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '"' || c == '\'') {
      const std::size_t e = p.scanQuoted(i, c, true, false);
      p.add(i, e, RegionKind::String);
      i = e;
    } else if (c == '`') {
      const std::size_t e = p.scanQuoted(i, '`', false, true);
      p.add(i, e, RegionKind::String);
      i = e;
    } else {
      ++i;
    }
  }
}

// ---------------------------------------------------------------- c, c++

// "//" comment at `open`; a backslash at the end of the line continues it.
std::size_t scanCppLineComment(const Pass& p, std::size_t open) {
  std::size_t e = p.lineEnd(open);
  while (e < p.n) {
    std::size_t k = e;
    if (k > open && p.t[k - 1] == '\r') --k;
    if (k > open + 2 && p.t[k - 1] == '\\') {
      e = p.lineEnd(e + 1);
    } else {
      break;
    }
  }
  return e;
}

// A raw string R"delim( ... )delim" whose quote is at `quote`; returns 0 when the
// delimiter is malformed (then it is an ordinary string).
std::size_t scanCppRawString(const Pass& p, std::size_t quote) {
  std::size_t i = quote + 1;
  const std::size_t delimBegin = i;
  while (i < p.n && i - delimBegin <= 16) {
    const char c = p.t[i];
    if (c == '(') break;
    if (c == ')' || c == '\\' || c == '"' || static_cast<unsigned char>(c) <= ' ') return 0;
    ++i;
  }
  if (i >= p.n || p.t[i] != '(') return 0;
  std::string closing = ")";
  closing.append(p.t.substr(delimBegin, i - delimBegin));
  closing += '"';
  const std::size_t close = p.t.find(closing, i + 1);
  return close == std::string_view::npos ? p.n : close + closing.size();
}

void lexCpp(Pass& p) {
  std::size_t i = 0;
  while (i < p.n) {
    const auto c = static_cast<unsigned char>(p.t[i]);
    if (c == '/' && i + 1 < p.n && p.t[i + 1] == '/') {
      const std::size_t e = scanCppLineComment(p, i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '/' && i + 1 < p.n && p.t[i + 1] == '*') {
      const std::size_t e = p.scanBlockComment(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '"' || c == '\'') {
      const std::size_t e = p.scanQuoted(i, static_cast<char>(c), true, false);
      p.add(i, e, RegionKind::String);
      i = e;
    } else if (isDigit(c) ||
               (c == '.' && i + 1 < p.n && isDigit(static_cast<unsigned char>(p.t[i + 1])))) {
      // A preprocessing number, so the digit separators of 1'000'000 are not quotes.
      std::size_t j = i + 1;
      while (j < p.n) {
        const auto d = static_cast<unsigned char>(p.t[j]);
        if (isIdentChar(d) || d == '.') {
          ++j;
        } else if (d == '\'' && j + 1 < p.n &&
                   isIdentChar(static_cast<unsigned char>(p.t[j + 1]))) {
          j += 2;
        } else if ((d == '+' || d == '-') && std::strchr("eEpP", p.t[j - 1]) != nullptr) {
          ++j;
        } else {
          break;
        }
      }
      i = j;
    } else if (isIdentStart(c)) {
      std::size_t j = i + 1;
      while (j < p.n && isIdentChar(static_cast<unsigned char>(p.t[j]))) ++j;
      const std::string_view word = p.t.substr(i, j - i);
      const bool quoteNext = j < p.n && (p.t[j] == '"' || p.t[j] == '\'');
      const bool encoding = word == "L" || word == "u" || word == "U" || word == "u8";
      const bool raw = word == "R" || word == "LR" || word == "uR" || word == "UR" || word == "u8R";
      if (quoteNext && raw && p.t[j] == '"') {
        std::size_t e = scanCppRawString(p, j);
        if (e == 0) e = p.scanQuoted(j, '"', true, false);
        p.add(i, e, RegionKind::String);
        i = e;
      } else if (quoteNext && encoding) {
        const std::size_t e = p.scanQuoted(j, p.t[j], true, false);
        p.add(i, e, RegionKind::String);
        i = e;
      } else {
        i = j;
      }
    } else {
      ++i;
    }
  }
}

// ---------------------------------------------------------------- yaml

std::size_t scanYamlQuoted(const Pass& p, std::size_t open) {
  if (p.t[open] == '"') return p.scanQuoted(open, '"', true, true);
  std::size_t i = open + 1;  // single quotes: '' is an escaped quote
  while (i < p.n) {
    if (p.t[i] == '\'') {
      if (i + 1 < p.n && p.t[i + 1] == '\'') {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return p.n;
}

// A '#' at `i` starts a comment when it begins the line or follows whitespace.
bool startsComment(const Pass& p, std::size_t i, std::size_t lineStart) {
  return i == lineStart || isBlank(p.t[i - 1]);
}

// After the content of a line (comment excluded, [contentBegin, contentEnd)), whether
// it opens a block scalar (`key: |`, `- >-`, `run: |2`), and if so the column its
// content must exceed.
bool opensBlockScalar(const Pass& p, std::size_t lineStart, std::size_t contentBegin,
                      std::size_t contentEnd, std::size_t* parentColumn) {
  std::size_t k = contentEnd;
  while (k > contentBegin && (p.t[k - 1] == ' ' || p.t[k - 1] == '\t' || p.t[k - 1] == '\r')) --k;
  while (k > contentBegin && (isDigit(static_cast<unsigned char>(p.t[k - 1])) ||
                              p.t[k - 1] == '+' || p.t[k - 1] == '-')) {
    --k;
  }
  if (k == contentBegin || (p.t[k - 1] != '|' && p.t[k - 1] != '>')) return false;
  const std::size_t indicator = k - 1;
  if (indicator > contentBegin) {
    if (p.t[indicator - 1] != ' ' && p.t[indicator - 1] != '\t') return false;
    std::size_t b = indicator - 1;
    while (b > contentBegin && (p.t[b - 1] == ' ' || p.t[b - 1] == '\t')) --b;
    if (p.t[b - 1] != ':' && p.t[b - 1] != '-') return false;  // "key: |" or "- |"
  }
  // The owner's column: the key after any "- " sequence markers, or the last marker.
  std::size_t col = contentBegin;
  std::size_t lastDash = contentBegin;
  while (col + 1 < contentEnd && p.t[col] == '-' && (p.t[col + 1] == ' ' || p.t[col + 1] == '\t')) {
    lastDash = col;
    col += 2;
    while (col < contentEnd && (p.t[col] == ' ' || p.t[col] == '\t')) ++col;
  }
  *parentColumn = (col >= indicator ? lastDash : col) - lineStart;
  return true;
}

void lexYaml(Pass& p) {
  bool inBlockScalar = false;
  std::size_t blockParentColumn = 0;
  std::size_t i = 0;
  while (i < p.n) {
    const std::size_t lineStart = i;
    std::size_t lineEnd = p.lineEnd(i);
    std::size_t j = i;
    while (j < lineEnd && (p.t[j] == ' ' || p.t[j] == '\t')) ++j;
    const bool blank = j == lineEnd || (p.t[j] == '\r' && j + 1 == lineEnd);
    if (inBlockScalar) {
      if (blank || j - lineStart > blockParentColumn) {
        // Block scalar content is code; a '#' word starts a (shell-style) comment.
        for (std::size_t k = j; k < lineEnd; ++k) {
          if (p.t[k] == '#' && startsComment(p, k, j)) {
            p.add(k, lineEnd, RegionKind::Comment);
            break;
          }
        }
        i = lineEnd + 1;
        continue;
      }
      inBlockScalar = false;
    }
    std::size_t contentEnd = lineEnd;
    char previous = 0;  // last non-blank byte of this line before k, 0 at the start
    std::size_t k = j;
    while (k < lineEnd) {
      const char c = p.t[k];
      if (c == '#' && startsComment(p, k, lineStart)) {
        p.add(k, lineEnd, RegionKind::Comment);
        contentEnd = k;
        break;
      }
      if ((c == '\'' || c == '"') && (k == j || std::strchr(" \t[{,", p.t[k - 1]) != nullptr) &&
          (previous == 0 || std::strchr(":-[{,?", previous) != nullptr)) {
        const std::size_t e = scanYamlQuoted(p, k);
        p.add(k, e, RegionKind::String);
        previous = c;
        k = e;
        if (k > lineEnd) lineEnd = p.lineEnd(k);  // a quoted scalar continued over lines
        continue;
      }
      if (c != ' ' && c != '\t') previous = c;
      ++k;
    }
    if (contentEnd > lineEnd) contentEnd = lineEnd;
    std::size_t parentColumn = 0;
    if (!blank && opensBlockScalar(p, lineStart, j, contentEnd, &parentColumn)) {
      inBlockScalar = true;
      blockParentColumn = parentColumn;
    }
    i = lineEnd + 1;
  }
}

// ---------------------------------------------------------------- dockerfile, shell

// '#' words are comments; `'...'` has no escapes, `"..."` and `$'...'` do; a backslash
// outside quotes escapes the next byte. Dockerfile strings end at the end of the line.
void lexShellLike(Pass& p, bool stringsSpanLines) {
  std::size_t i = 0;
  while (i < p.n) {
    const char c = p.t[i];
    if (c == '#' && (i == 0 || isBlank(p.t[i - 1]))) {
      const std::size_t e = p.lineEnd(i);
      p.add(i, e, RegionKind::Comment);
      i = e;
    } else if (c == '\\') {
      i += 2;
    } else if (c == '\'' || c == '"') {
      const bool escapes = c == '"' || (i > 0 && p.t[i - 1] == '$');
      const std::size_t e = p.scanQuoted(i, c, escapes, stringsSpanLines);
      p.add(i, e, RegionKind::String);
      i = e;
    } else {
      ++i;
    }
  }
}

}  // namespace

void lexRegions(Language language, std::string_view text, std::vector<Region>& out) {
  Pass pass(text, out);
  switch (language) {
    case Language::Python:
      lexPython(pass);
      break;
    case Language::JavaScript:
    case Language::TypeScript:
      lexJavaScript(pass);
      break;
    case Language::Go:
      lexGo(pass);
      break;
    case Language::Cpp:
    case Language::C:
      lexCpp(pass);
      break;
    case Language::Yaml:
      lexYaml(pass);
      break;
    case Language::Dockerfile:
      lexShellLike(pass, false);
      break;
    case Language::Shell:
      lexShellLike(pass, true);
      break;
  }
}

const Region* regionAt(const std::vector<Region>& regions, std::size_t offset) {
  auto it = std::upper_bound(regions.begin(), regions.end(), offset,
                             [](std::size_t o, const Region& r) { return o < r.begin; });
  if (it == regions.begin()) return nullptr;
  --it;
  return offset < it->end ? &*it : nullptr;
}

}  // namespace ddd::analyzers::deprecations
