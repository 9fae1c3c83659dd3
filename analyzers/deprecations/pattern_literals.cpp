#include "analyzers/deprecations/pattern_literals.h"

#include <algorithm>
#include <bitset>

namespace ddd::analyzers::deprecations {
namespace {

constexpr std::size_t kMaxStrings = 32;   // strings kept in one set
constexpr std::size_t kMaxLength = 64;    // bytes per string
constexpr std::size_t kMaxClassSize = 4;  // a class of at most this many bytes is expanded

using ByteSet = std::bitset<256>;

// What is known about the strings a sub-pattern matches.
struct Info {
  bool exact = false;                // `strings` are all the strings it can match
  std::vector<std::string> strings;  // not exact: every match contains one (empty = unknown)
  bool newline = false;              // a match may contain '\n'
};

// Thrown for syntax this reader does not handle; the whole pattern is then "unknown".
struct Unsupported {};

Info exactly(std::vector<std::string> strings) {
  Info info;
  info.exact = true;
  info.strings = std::move(strings);
  for (const std::string& s : info.strings) {
    if (s.find('\n') != std::string::npos) info.newline = true;
  }
  return info;
}

Info fromByteSet(const ByteSet& set) {
  Info info;
  info.newline = set.test('\n');
  if (set.count() <= kMaxClassSize) {
    info.exact = true;
    for (int c = 0; c < 256; ++c) {
      if (set.test(static_cast<std::size_t>(c))) info.strings.emplace_back(1, static_cast<char>(c));
    }
  }
  return info;
}

bool usable(const std::vector<std::string>& set) {
  return !set.empty() &&
         std::none_of(set.begin(), set.end(), [](const std::string& s) { return s.empty(); });
}

std::size_t shortest(const std::vector<std::string>& set) {
  std::size_t n = kMaxLength + 1;
  for (const std::string& s : set) n = std::min(n, s.size());
  return n;
}

// Words on most lines of some language: a literal that is just one of them says little
// about a file, so a rarer necessary literal is preferred even when it is shorter.
bool isCommonWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "import", "from",   "return", "self",   "this",  "function", "const",   "require",
      "def",    "class",  "static", "public", "void",  "include",  "package", "string",
      "true",   "false",  "null",   "None",   "var",   "let",      "name",    "value",
      "std",    "if",     "for",    "while",  "else",  "int",      "char",    "func",
      "type",   "struct", "export", "module", "async", "await",    "new",     "run"};
  std::size_t b = 0;
  std::size_t e = s.size();
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  while (b < e && !word(s[b])) ++b;
  while (e > b && !word(s[e - 1])) --e;
  return std::find(std::begin(kWords), std::end(kWords), s.substr(b, e - b)) != std::end(kWords);
}

// How selective a necessary set is: its shortest string's length, a common word counting
// as one byte.
std::size_t selectivity(const std::vector<std::string>& set) {
  std::size_t n = kMaxLength + 1;
  for (const std::string& s : set) n = std::min(n, isCommonWord(s) ? std::size_t{1} : s.size());
  return n;
}

// Keeps the better of two necessary sets: more selective, then fewer strings.
void keepBetter(std::vector<std::string>& best, const std::vector<std::string>& candidate) {
  if (!usable(candidate) || shortest(candidate) < kMinRequiredLiteral) return;
  if (!usable(best) || selectivity(candidate) > selectivity(best) ||
      (selectivity(candidate) == selectivity(best) && candidate.size() < best.size())) {
    best = candidate;
  }
}

// {a x b for a in left, b in right}, or false when it would be too big.
bool product(const std::vector<std::string>& left, const std::vector<std::string>& right,
             std::vector<std::string>& out) {
  if (left.size() * right.size() > kMaxStrings) return false;
  out.clear();
  for (const std::string& a : left) {
    for (const std::string& b : right) {
      if (a.size() + b.size() > kMaxLength) return false;
      out.push_back(a + b);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return true;
}

Info concatenation(const std::vector<Info>& parts) {
  Info info;
  std::vector<std::string> run{""};  // the product of the current run of exact parts
  std::vector<std::string> best;
  std::vector<std::string> joined;
  bool allExact = true;
  for (const Info& part : parts) {
    info.newline = info.newline || part.newline;
    if (part.exact) {
      if (product(run, part.strings, joined)) {
        run.swap(joined);
      } else {
        keepBetter(best, run);
        run = part.strings;
        allExact = false;
      }
    } else {
      keepBetter(best, run);
      run = {""};
      keepBetter(best, part.strings);
      allExact = false;
    }
  }
  if (allExact) {
    info.exact = true;
    info.strings = run;
  } else {
    keepBetter(best, run);
    info.strings = best;
  }
  return info;
}

Info alternation(const std::vector<Info>& branches) {
  Info info;
  bool allExact = true;
  std::vector<std::string> all;
  bool known = true;
  for (const Info& b : branches) {
    info.newline = info.newline || b.newline;
    allExact = allExact && b.exact;
    if (!b.exact && !usable(b.strings)) known = false;
    all.insert(all.end(), b.strings.begin(), b.strings.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  if (all.size() > kMaxStrings) {
    allExact = false;
    known = false;
  }
  if (allExact) {
    Info exact = exactly(all);
    exact.newline = exact.newline || info.newline;
    return exact;
  }
  if (known && usable(all)) info.strings = all;
  return info;
}

Info repetition(const Info& atom, int min, int max) {  // max < 0: unbounded
  if (max == 0) return exactly({""});
  Info info;
  info.newline = atom.newline;
  if (min == 0) {
    if (max == 1 && atom.exact && atom.strings.size() < kMaxStrings) {
      info = atom;
      info.strings.push_back("");
    }
    return info;
  }
  if (min == max && atom.exact && min <= 4) {
    std::vector<std::string> all{""};
    std::vector<std::string> joined;
    bool fits = true;
    for (int k = 0; k < min && fits; ++k) {
      fits = product(all, atom.strings, joined);
      all.swap(joined);
    }
    if (fits) {
      Info exact = exactly(all);
      exact.newline = atom.newline;
      return exact;
    }
  }
  info.strings = atom.strings;  // the atom occurs at least once
  return info;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Reader {
 public:
  explicit Reader(std::string_view pattern) : p_(pattern) {}

  Info parse() {
    Info info = alternationUntilClose();
    if (i_ != p_.size()) throw Unsupported{};
    return info;
  }

 private:
  bool atEnd() const { return i_ >= p_.size(); }
  char peek() const { return p_[i_]; }
  char next() {
    if (atEnd()) throw Unsupported{};
    return p_[i_++];
  }

  Info alternationUntilClose() {
    std::vector<Info> branches;
    for (;;) {
      branches.push_back(concatenationUntilBar());
      if (atEnd() || peek() == ')') break;
      ++i_;  // '|'
    }
    return branches.size() == 1 ? branches[0] : alternation(branches);
  }

  Info concatenationUntilBar() {
    std::vector<Info> parts;
    while (!atEnd() && peek() != '|' && peek() != ')') {
      bool flagsOnly = false;
      Info atom = parseAtom(&flagsOnly);
      if (flagsOnly) continue;
      parts.push_back(repeated(std::move(atom)));
    }
    if (parts.empty()) return exactly({""});
    return parts.size() == 1 ? parts[0] : concatenation(parts);
  }

  Info repeated(Info atom) {
    for (;;) {
      if (atEnd()) return atom;
      const char c = peek();
      int min = 0;
      int max = 0;
      if (c == '*') {
        min = 0;
        max = -1;
        ++i_;
      } else if (c == '+') {
        min = 1;
        max = -1;
        ++i_;
      } else if (c == '?') {
        min = 0;
        max = 1;
        ++i_;
      } else if (c == '{' && parseCounts(&min, &max)) {
        // parseCounts consumed it
      } else {
        return atom;
      }
      if (!atEnd() && peek() == '?') ++i_;  // non-greedy: same strings
      atom = repetition(atom, min, max);
    }
  }

  // "{n}", "{n,}", "{n,m}" at i_; anything else is a literal '{' (as in RE2).
  bool parseCounts(int* min, int* max) {
    std::size_t j = i_ + 1;
    auto number = [&](int* out) {
      const std::size_t start = j;
      long v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9' && v <= 100000)
        v = v * 10 + (p_[j++] - '0');
      *out = static_cast<int>(v);
      return j > start;
    };
    if (!number(min)) return false;
    if (j < p_.size() && p_[j] == '}') {
      *max = *min;
    } else if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (j < p_.size() && p_[j] == '}') {
        *max = -1;
      } else if (!number(max) || j >= p_.size() || p_[j] != '}') {
        return false;
      }
    } else {
      return false;
    }
    i_ = j + 1;
    return true;
  }

  Info parseAtom(bool* flagsOnly) {
    const char c = next();
    switch (c) {
      case '(':
        return group(flagsOnly);
      case '[':
        return fromByteSet(characterClass());
      case '.': {
        ByteSet all;
        all.set();
        if (!dotMatchesNewline_) all.reset('\n');
        return fromByteSet(all);
      }
      case '^':
      case '$':
        return exactly({""});
      case '\\':
        return escape();
      case '*':
      case '+':
      case '?':
        throw Unsupported{};  // a repetition of nothing: not valid RE2
      default:
        return exactly({std::string(1, c)});
    }
  }

  Info group(bool* flagsOnly) {
    if (++depth_ > kMaxDepth) throw Unsupported{};  // bounded recursion
    const bool savedDotNl = dotMatchesNewline_;
    if (!atEnd() && peek() == '?') {
      ++i_;
      if (!atEnd() && (peek() == 'P' || peek() == '<')) {  // (?P<name>...) / (?<name>...)
        if (peek() == 'P') ++i_;
        if (next() != '<') throw Unsupported{};
        while (next() != '>') {
        }
      } else {
        bool negate = false;
        for (;;) {
          const char f = next();
          if (f == ')' || f == ':') {
            if (f == ')') {  // (?flags): applies to the rest of the enclosing group
              *flagsOnly = true;
              --depth_;
              return {};
            }
            break;
          }
          if (f == '-') {
            negate = true;
          } else if (f == 'i') {
            if (!negate) throw Unsupported{};  // case-insensitive: literals would need folding
          } else if (f == 's') {
            dotMatchesNewline_ = !negate;
          } else if (f != 'm' && f != 'U') {
            throw Unsupported{};
          }
        }
      }
    }
    Info inner = alternationUntilClose();
    if (next() != ')') throw Unsupported{};
    dotMatchesNewline_ = savedDotNl;
    --depth_;
    return inner;
  }

  // Escapes usable both inside and outside classes: a byte, or a class (\d, \w, \s and
  // their complements). Returns false for a class, with `set` filled.
  bool escapedByte(char e, unsigned char* byte, ByteSet* set) {
    auto fill = [&](bool digit, bool word, bool space, bool negated) {
      set->reset();
      for (int c = 0; c < 256; ++c) {
        const bool isDigit = c >= '0' && c <= '9';
        const bool isWord = isDigit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool isSpace = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
        bool in = (digit && isDigit) || (word && isWord) || (space && isSpace);
        if (negated) in = !in;
        if (in) set->set(static_cast<std::size_t>(c));
      }
    };
    switch (e) {
      case 'd':
        fill(true, false, false, false);
        return false;
      case 'D':
        fill(true, false, false, true);
        return false;
      case 'w':
        fill(false, true, false, false);
        return false;
      case 'W':
        fill(false, true, false, true);
        return false;
      case 's':
        fill(false, false, true, false);
        return false;
      case 'S':
        fill(false, false, true, true);
        return false;
      case 'n':
        *byte = '\n';
        return true;
      case 't':
        *byte = '\t';
        return true;
      case 'r':
        *byte = '\r';
        return true;
      case 'f':
        *byte = '\f';
        return true;
      case 'v':
        *byte = '\v';
        return true;
      case 'a':
        *byte = '\a';
        return true;
      case 'x': {
        int value = 0;
        if (!atEnd() && peek() == '{') {
          ++i_;
          int digits = 0;
          for (char h; (h = next()) != '}';) {
            if (hexValue(h) < 0 || ++digits > 6) throw Unsupported{};
            value = value * 16 + hexValue(h);
          }
        } else {
          const int hi = hexValue(next());
          const int lo = hexValue(next());
          if (hi < 0 || lo < 0) throw Unsupported{};
          value = hi * 16 + lo;
        }
        if (value > 0xff) throw Unsupported{};
        *byte = static_cast<unsigned char>(value);
        return true;
      }
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(e);
    const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (alnum || u >= 0x80) throw Unsupported{};  // \p, \Q, \C, octal, ...: not read here
    *byte = u;                                    // escaped punctuation
    return true;
  }

  Info escape() {
    const char e = next();
    if (e == 'b' || e == 'B' || e == 'A' || e == 'z') return exactly({""});
    unsigned char byte = 0;
    ByteSet set;
    if (escapedByte(e, &byte, &set)) return exactly({std::string(1, static_cast<char>(byte))});
    return fromByteSet(set);
  }

  ByteSet characterClass() {
    ByteSet set;
    bool negated = false;
    if (!atEnd() && peek() == '^') {
      negated = true;
      ++i_;
    }
    bool first = true;
    for (;;) {
      char c = next();
      if (c == ']' && !first) break;
      first = false;
      if (c == '[' && !atEnd() && peek() == ':') throw Unsupported{};  // [:alpha:]
      unsigned char low = 0;
      if (c == '\\') {
        ByteSet escaped;
        if (!escapedByte(next(), &low, &escaped)) {
          set |= escaped;
          continue;
        }
      } else {
        low = static_cast<unsigned char>(c);
      }
      unsigned char high = low;
      if (!atEnd() && peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        ++i_;
        const char h = next();
        if (h == '\\') {
          ByteSet escaped;
          if (!escapedByte(next(), &high, &escaped)) throw Unsupported{};
        } else {
          high = static_cast<unsigned char>(h);
        }
        if (high < low) throw Unsupported{};
      }
      for (unsigned v = low; v <= high; ++v) set.set(v);
    }
    if (negated) set.flip();
    return set;
  }

  static constexpr int kMaxDepth = 64;

  std::string_view p_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool dotMatchesNewline_ = false;
};

}  // namespace

PatternLiterals analyzePattern(std::string_view pattern) {
  PatternLiterals out;
  Info info;
  try {
    info = Reader(pattern).parse();
  } catch (const Unsupported&) {
    return out;  // unknown
  }
  out.mayMatchNewline = info.newline;
  if (!usable(info.strings) || shortest(info.strings) < kMinRequiredLiteral) return out;
  out.required = info.strings;
  std::sort(out.required.begin(), out.required.end());
  out.required.erase(std::unique(out.required.begin(), out.required.end()), out.required.end());
  return out;
}

}  // namespace ddd::analyzers::deprecations
