// The Python pass of the dead-code analyzer: a module graph from package structure and
// imports, definitions at module and class level, and references by name across the
// whole repository (tests, string annotations, registrations by string and non-Python
// files included); unused and unlisted declared dependencies. See language.h.
//
// References are by name, not by binding: a module-level `parse` counts as used when
// any file loads a name or attribute `parse`. That over-approximates uses (fewer
// findings, not wrong ones); what it loses is made up for by not counting what is no
// use: a definition's own body, assignment targets, parameters, import aliases.

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analyzers/deadcode/language.h"
#include "analyzers/deadcode/python_data.h"
#include "analyzers/deadcode/python_lexer.h"
#include "analyzers/deadcode/source_text.h"
#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers::deadcode {
namespace {

using python::Token;
using python::TokenKind;

// ---- facts gathered per file (in parallel), merged in path order ------------------------

struct Def {
  std::string name;
  std::string kind;   // "function", "class", "variable", "method", "attribute"
  int classIndex = -1;  // owning class (methods, attributes) in FileFacts::classes
  uint32_t line = 0, column = 0;
  uint32_t begin = 0, end = 0;  // the statement, decorators included
  bool decorated = false;
  bool benignDecorators = true;  // only staticmethod / property / caches
  bool conditional = false;      // inside an if/try/with block (no safe deletion)
  bool block = false;            // def/class (the only kinds ever deleted)
};

struct ClassInfo {
  std::size_t file = 0;  // index of its file in the tree (set when merging)
  std::string name;
  std::vector<std::string> bases;  // dotted base expressions; "=" prefixed: a keyword
  int defIndex = -1;
  bool decorated = false;
  uint32_t members = 0;  // statements in its body
};

struct Import {
  int level = 0;             // leading dots
  std::string module;        // as written, after the dots
  std::vector<std::string> names;  // `from m import a, b` (empty for `import m`)
  uint32_t line = 0;
  bool inTry = false;  // or under `if TYPE_CHECKING:`: optional at run time
};

struct Location {
  std::string path;
  uint32_t line = 0;
};

struct FileFacts {
  bool parsed = false;
  std::string parseError;
  bool nonUtf8 = false;
  bool generated = false;
  bool hasMainBlock = false;
  std::vector<Def> defs;
  std::vector<ClassInfo> classes;
  std::vector<Import> imports;
  std::vector<std::string> allNames;
  std::vector<std::pair<std::string, uint32_t>> dynamic;  // "getattr(...)", line
  bool dynamicImport = false;  // importlib / __import__ with a computed name
  std::unordered_map<std::string, uint32_t> refs;          // loads outside own bodies
  std::unordered_map<std::string, uint32_t> mentions;      // words in strings -> line
  std::vector<std::string> dotted;                         // "a.b.c" / "a.b:c" strings
  std::vector<std::string> pyPaths;                        // "x/y.py" mentioned
  std::vector<std::string> inlineDependencies;             // PEP 723 script metadata
  uint32_t subclassDiscovery = 0;  // line of a __subclasses__ / __init_subclass__, or 0
  // Name prefixes of computed names: '_load_%s', f'_validate_{x}', 'do_' + cmd.
  std::vector<std::pair<std::string, uint32_t>> namePrefixes;
};

// Words, dotted names and .py paths of a non-Python text file (docs, configs, CI).
struct TextFacts {
  std::unordered_map<std::string, uint32_t> words;
  std::vector<std::string> dotted;
  std::vector<std::string> pyPaths;
};

bool isKeyword(std::string_view s) {
  static const std::unordered_set<std::string_view> kw = {
      "False", "None",   "True",    "and",      "as",     "assert", "async", "await",
      "break", "class",  "continue", "def",     "del",    "elif",   "else",  "except",
      "finally", "for",  "from",    "global",   "if",     "import", "in",    "is",
      "lambda", "nonlocal", "not",  "or",       "pass",   "raise",  "return", "try",
      "while", "with",   "yield"};
  return kw.count(s) != 0;
}

bool isDunder(std::string_view s) {
  return s.size() > 4 && s.substr(0, 2) == "__" && s.substr(s.size() - 2) == "__";
}

bool isIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentChar(unsigned char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }

// "a", "a.b.c", "a.b:c", "a.b:c.d": a dotted path, optionally with one ':' (entry points).
bool isDottedReference(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  bool expectStart = true;
  int colons = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (expectStart) {
      if (!isIdentStart(c)) return false;
      expectStart = false;
    } else if (c == '.' || c == ':') {
      if (c == ':' && ++colons > 1) return false;
      expectStart = true;
    } else if (!isIdentChar(c)) {
      return false;
    }
  }
  return !expectStart;
}

// A string that reads like a type annotation: "Foo", "Optional[Foo]", "dict[str, Bar]".
bool looksLikeAnnotation(std::string_view s) {
  if (s.empty() || s.size() > 200 || !isIdentStart(static_cast<unsigned char>(s[0])))
    return false;
  for (char c : s) {
    if (!isIdentChar(static_cast<unsigned char>(c)) && std::strchr(".[], |'\"", c) == nullptr)
      return false;
  }
  return s.find('[') != std::string_view::npos || s.find('|') != std::string_view::npos;
}

// Calls fn(word, offset) for every ASCII identifier of 3+ characters in `s`.
template <typename Fn>
void forEachWord(std::string_view s, Fn&& fn) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!isIdentStart(static_cast<unsigned char>(s[i])) ||
        (i > 0 && isIdentChar(static_cast<unsigned char>(s[i - 1])))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && isIdentChar(static_cast<unsigned char>(s[j]))) ++j;
    if (j - i >= 3) fn(s.substr(i, j - i), i);
    i = j;
  }
}

// Calls fn(dotted) for every "a.b" / "a.b:c" run of `s` that contains '.' or ':', and
// fnPath(path) for every "x/y.py".
template <typename Fn, typename FnPath>
void forEachDotted(std::string_view s, Fn&& fn, FnPath&& fnPath) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!(isIdentChar(c) || c == '/') ||
        (i > 0 && (isIdentChar(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '.' ||
                   s[i - 1] == '/'))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && (isIdentChar(static_cast<unsigned char>(s[j])) || s[j] == '.' ||
                            s[j] == ':' || s[j] == '/' || s[j] == '-'))
      ++j;
    std::string_view run = s.substr(i, j - i);
    while (!run.empty() && (run.back() == '.' || run.back() == ':')) run.remove_suffix(1);
    if (run.size() > 3 && run.substr(run.size() - 3) == ".py") {
      fnPath(run);
    } else if (run.find_first_of(".:") != std::string_view::npos &&
               run.find_first_of("/-") == std::string_view::npos && isDottedReference(run)) {
      fn(run);
    }
    i = j;
  }
}

bool startsWith(std::string_view s, std::string_view prefix);  // below, with the path helpers

// ---- the per-file parser ------------------------------------------------------------------

class FileParser {
 public:
  FileParser(std::string_view text, FileFacts& out) : text_(text), out_(out) {}

  void run() {
    python::LexResult lexed = python::lex(text_);
    out_.parseError = lexed.error;
    toks_ = std::move(lexed.tokens);
    skip_.assign(toks_.size(), false);
    for (std::size_t k = 0; k < toks_.size() && out_.subclassDiscovery == 0; ++k)
      if (isName(k, "__subclasses__") || isName(k, "__init_subclass__")) out_.subclassDiscovery = toks_[k].line;
    parseStatements();
    collectReferences();
    out_.parsed = true;
  }

 private:
  enum class ScopeKind { Module, Class, Function, Block };
  struct Scope {
    ScopeKind kind;
    int defIndex;
    int classIndex;
    bool isTry;
    bool typeChecking = false;  // `if TYPE_CHECKING:`: imports for type checkers only
  };

  std::string_view tokText(std::size_t i) const {
    return text_.substr(toks_[i].begin, toks_[i].end - toks_[i].begin);
  }
  bool isName(std::size_t i, std::string_view s) const {
    return i < toks_.size() && toks_[i].kind == TokenKind::Name && tokText(i) == s;
  }
  bool isOp(std::size_t i, std::string_view s) const {
    return i < toks_.size() && toks_[i].kind == TokenKind::Op && tokText(i) == s;
  }
  uint32_t columnOf(uint32_t offset) const {
    std::size_t p = offset;
    while (p > 0 && text_[p - 1] != '\n' && text_[p - 1] != '\r') --p;
    return static_cast<uint32_t>(offset - p + 1);
  }

  // The innermost function or class scope (the module when none), and whether a block
  // statement (if/try/with/for) lies between it and the current position.
  const Scope& owner(bool* conditional) const {
    *conditional = false;
    for (std::size_t k = scopes_.size(); k-- > 0;) {
      if (scopes_[k].kind != ScopeKind::Block) return scopes_[k];
      *conditional = true;
    }
    return scopes_.front();
  }
  bool inTry() const {
    for (const Scope& s : scopes_)
      if (s.isTry || s.typeChecking) return true;
    return false;
  }

  std::size_t endOfStatement(std::size_t i) const {
    while (i < toks_.size() && toks_[i].kind != TokenKind::Newline &&
           toks_[i].kind != TokenKind::End)
      ++i;
    return i;
  }

  void parseStatements() {
    scopes_.push_back(Scope{ScopeKind::Module, -1, -1, false});
    Scope pending{ScopeKind::Block, -1, -1, false};
    int headerDef = -1;  // a def/class whose header ended: its end is the next Newline
    std::vector<std::string> decorators;
    uint32_t decoratorBegin = 0;
    uint32_t lastNewlineEnd = 0;
    std::size_t i = 0;
    while (i < toks_.size()) {
      const Token& t = toks_[i];
      if (t.kind == TokenKind::End) break;
      if (t.kind == TokenKind::Indent) {
        scopes_.push_back(pending);
        pending = Scope{ScopeKind::Block, -1, -1, false};
        ++i;
        continue;
      }
      if (t.kind == TokenKind::Dedent) {
        if (scopes_.size() > 1) {
          const Scope s = scopes_.back();
          scopes_.pop_back();
          if (s.defIndex >= 0) out_.defs[s.defIndex].end = lastNewlineEnd;
        }
        ++i;
        continue;
      }
      if (t.kind == TokenKind::Newline) {
        lastNewlineEnd = t.end;
        ++i;
        continue;
      }
      // A statement starts at i.
      pending = Scope{ScopeKind::Block, -1, -1, false};
      bool conditional = false;
      const Scope& own = owner(&conditional);
      if (own.kind == ScopeKind::Class && scopes_.back().kind == ScopeKind::Class &&
          own.classIndex >= 0)
        ++out_.classes[own.classIndex].members;
      const std::size_t stmtEnd = endOfStatement(i);

      if (isOp(i, "@")) {
        if (decorators.empty()) decoratorBegin = t.begin;
        std::string name;
        for (std::size_t k = i + 1; k < stmtEnd; ++k) {
          if (toks_[k].kind == TokenKind::Name || isOp(k, ".")) {
            name += tokText(k);
          } else {
            break;
          }
        }
        decorators.push_back(name);
        i = stmtEnd;
        continue;
      }
      std::size_t k = i;
      if (isName(k, "async")) ++k;
      if ((isName(k, "def") || isName(k, "class")) && k + 1 < stmtEnd &&
          toks_[k + 1].kind == TokenKind::Name) {
        const bool isClass = isName(k, "class");
        const std::size_t nameTok = k + 1;
        skip_[nameTok] = true;
        Def d;
        d.name = std::string(tokText(nameTok));
        d.line = toks_[nameTok].line;
        d.column = columnOf(toks_[nameTok].begin);
        d.begin = decorators.empty() ? t.begin : decoratorBegin;
        d.end = toks_[stmtEnd].end;
        d.decorated = !decorators.empty();
        for (const std::string& dec : decorators) {
          static const std::unordered_set<std::string_view> benign = {
              "staticmethod", "classmethod", "property", "cached_property",
              "functools.cached_property", "lru_cache", "functools.lru_cache", "cache",
              "functools.cache", "contextmanager", "contextlib.contextmanager",
              "asynccontextmanager", "contextlib.asynccontextmanager"};
          if (benign.count(dec) == 0) d.benignDecorators = false;
        }
        d.conditional = conditional;
        d.block = true;
        int defIndex = -1;
        int classIndex = -1;
        if (own.kind != ScopeKind::Function) {
          if (own.kind == ScopeKind::Class) {
            d.kind = isClass ? "class" : "method";
            d.classIndex = own.classIndex;
          } else {
            d.kind = isClass ? "class" : "function";
          }
          defIndex = static_cast<int>(out_.defs.size());
          out_.defs.push_back(d);
          defSpans_[d.name].push_back({d.begin, d.end, defIndex});
        }
        if (isClass) {
          ClassInfo c;
          c.name = d.name;
          c.defIndex = defIndex;
          c.decorated = d.decorated;
          if (isOp(nameTok + 1, "(")) c.bases = parseBases(nameTok + 1, stmtEnd);
          classIndex = static_cast<int>(out_.classes.size());
          out_.classes.push_back(std::move(c));
        } else {
          markParameters(nameTok + 1, stmtEnd);
        }
        pending = Scope{isClass ? ScopeKind::Class : ScopeKind::Function, defIndex, classIndex,
                        false};
        headerDef = defIndex;
        decorators.clear();
        i = scanExpressionTokens(nameTok + 1, stmtEnd);
        if (headerDef >= 0) out_.defs[headerDef].end = toks_[stmtEnd].end;
        headerDef = -1;
        continue;
      }
      decorators.clear();
      if (isName(i, "import") || isName(i, "from")) {
        parseImport(i, stmtEnd);
        i = stmtEnd;
        continue;
      }
      if (isName(i, "try")) pending.isTry = true;
      if (isName(i, "if")) {
        checkMainBlock(i, stmtEnd);
        if ((isName(i + 1, "TYPE_CHECKING") && isOp(i + 2, ":")) ||
            (isName(i + 3, "TYPE_CHECKING") && isOp(i + 2, ".") && isOp(i + 4, ":")))
          pending.typeChecking = true;
      }
      if (isName(i, "__all__")) collectAll(i, stmtEnd);
      if (isName(i, "self") && isOp(i + 1, ".") && own.kind == ScopeKind::Function)
        parseSelfAttribute(i, stmtEnd, own);
      if (toks_[i].kind == TokenKind::Name && !isKeyword(tokText(i)))
        parseAssignmentTargets(i, stmtEnd, own, conditional);
      i = scanExpressionTokens(i, stmtEnd);
    }
    // Scopes still open at the end (never: the lexer closes them) end with the text.
    for (Def& d : out_.defs)
      if (d.end < d.begin) d.end = static_cast<uint32_t>(text_.size());
  }

  // Marks the statement's tokens for the reference pass; handles lambdas and strings.
  // Returns the index of the statement's Newline.
  std::size_t scanExpressionTokens(std::size_t i, std::size_t stmtEnd) {
    for (std::size_t k = i; k < stmtEnd; ++k) {
      if (isName(k, "lambda")) markLambdaParameters(k + 1, stmtEnd);
      if (toks_[k].kind == TokenKind::Name) noteDynamic(k, stmtEnd);
    }
    return stmtEnd;
  }

  void noteDynamic(std::size_t k, std::size_t stmtEnd) {
    const std::string_view n = tokText(k);
    if (n == "__dict__" || n == "__slots__") {
      out_.dynamic.emplace_back(std::string(n), toks_[k].line);
      return;
    }
    if (!isOp(k + 1, "(")) return;
    if (n == "getattr" || n == "hasattr") {
      // getattr(obj, "literal") names what it reads: the string counts as a reference.
      std::size_t p = k + 2;
      const uint32_t depth = toks_[k + 1].depth + 1;
      while (p < stmtEnd && !(isOp(p, ",") && toks_[p].depth == depth)) ++p;
      if (p + 2 < stmtEnd && toks_[p + 1].kind == TokenKind::String &&
          (isOp(p + 2, ")") || isOp(p + 2, ",")))
        return;
      out_.dynamic.emplace_back(std::string(n) + "(...)", toks_[k].line);
    } else if (n == "globals" || n == "locals" || n == "vars") {
      out_.dynamic.emplace_back(std::string(n) + "()", toks_[k].line);
    } else if (n == "__import__" || n == "import_module") {
      const bool literal = k + 3 < stmtEnd && toks_[k + 2].kind == TokenKind::String &&
                           (isOp(k + 3, ")") || isOp(k + 3, ","));
      if (!literal) {
        out_.dynamic.emplace_back(std::string(n) + "(...)", toks_[k].line);
        out_.dynamicImport = true;
      }
    } else if (n == "eval" || n == "exec") {
      out_.dynamic.emplace_back(std::string(n) + "(...)", toks_[k].line);
    }
  }

  std::vector<std::string> parseBases(std::size_t open, std::size_t stmtEnd) {
    std::vector<std::string> bases;
    const uint32_t depth = toks_[open].depth + 1;
    std::string current;
    bool keyword = false;
    bool done = false;
    for (std::size_t k = open + 1; k < stmtEnd && !done; ++k) {
      const Token& t = toks_[k];
      const bool closing = t.depth < depth;  // the ')' of the base list
      if (closing || (t.depth == depth && isOp(k, ","))) {
        if (!current.empty()) bases.push_back((keyword ? "=" : "") + current);
        current.clear();
        keyword = false;
        done = closing;
        continue;
      }
      if (t.depth != depth) continue;
      if (isOp(k, "=")) {
        keyword = true;
        current.clear();
        continue;
      }
      if (t.kind == TokenKind::Name || isOp(k, ".")) {
        if (current.empty() || current.back() == '.' || isOp(k, "."))
          current += tokText(k);
      } else if (!isOp(k, "[") && !isOp(k, "*") && !isOp(k, "**")) {
        current += "?";  // a call or another expression: unknown
      }
    }
    return bases;
  }

  // Parameter names of a def: the name right after '(' / ',' / '*' / '**' / '/' at the
  // parameter list's depth. Annotations and defaults stay references.
  void markParameters(std::size_t open, std::size_t stmtEnd) {
    if (!isOp(open, "(")) return;
    const uint32_t depth = toks_[open].depth + 1;
    bool expectName = true;
    for (std::size_t k = open + 1; k < stmtEnd; ++k) {
      const Token& t = toks_[k];
      if (t.depth < depth) break;  // the closing ')'
      if (t.depth != depth) continue;
      if (t.kind == TokenKind::Op) {
        const std::string_view op = tokText(k);
        if (op == "," || op == "*" || op == "**" || op == "/") {
          expectName = true;
        } else {
          expectName = false;
        }
        continue;
      }
      if (expectName && t.kind == TokenKind::Name) skip_[k] = true;
      expectName = false;
    }
  }

  void markLambdaParameters(std::size_t k, std::size_t stmtEnd) {
    const uint32_t depth = k < toks_.size() ? toks_[k].depth : 0;
    bool expectName = true;
    for (; k < stmtEnd; ++k) {
      const Token& t = toks_[k];
      if (t.depth != depth) continue;
      if (isOp(k, ":")) return;
      if (t.kind == TokenKind::Op) {
        expectName = tokText(k) == "," || tokText(k) == "*" || tokText(k) == "**";
        continue;
      }
      if (expectName && t.kind == TokenKind::Name) skip_[k] = true;
      expectName = false;
    }
  }

  void parseImport(std::size_t i, std::size_t stmtEnd) {
    Import imp;
    imp.line = toks_[i].line;
    imp.inTry = inTry();
    if (isName(i, "import")) {
      // import a.b [as c], d
      std::size_t k = i + 1;
      while (k < stmtEnd) {
        std::string module;
        while (k < stmtEnd && (toks_[k].kind == TokenKind::Name || isOp(k, "."))) {
          if (isName(k, "as")) break;
          module += tokText(k);
          skip_[k] = true;
          ++k;
        }
        if (isName(k, "as")) {
          if (k + 1 < stmtEnd) skip_[k + 1] = true;
          k += 2;
        }
        if (!module.empty()) {
          Import one = imp;
          one.module = module;
          out_.imports.push_back(std::move(one));
        }
        while (k < stmtEnd && !isOp(k, ",")) ++k;
        ++k;
      }
      return;
    }
    // from (.)* [a.b] import (names | '(' names ')' | '*')
    std::size_t k = i + 1;
    while (k < stmtEnd && (isOp(k, ".") || isOp(k, "..."))) {
      imp.level += static_cast<int>(tokText(k).size());
      ++k;
    }
    while (k < stmtEnd && !isName(k, "import")) {
      if (toks_[k].kind == TokenKind::Name || isOp(k, ".")) imp.module += tokText(k);
      skip_[k] = true;
      ++k;
    }
    ++k;  // 'import'
    for (; k < stmtEnd; ++k) {
      if (isOp(k, "*")) {
        imp.names.emplace_back("*");
      } else if (toks_[k].kind == TokenKind::Name && !isName(k, "as")) {
        if (k > 0 && isName(k - 1, "as")) {
          skip_[k] = true;  // the local alias binds, it does not use
        } else {
          imp.names.emplace_back(tokText(k));  // stays a reference (re-exports)
        }
      }
    }
    out_.imports.push_back(std::move(imp));
  }

  void checkMainBlock(std::size_t i, std::size_t stmtEnd) {
    bool name = false, main = false;
    for (std::size_t k = i + 1; k < stmtEnd; ++k) {
      if (isName(k, "__name__")) name = true;
      if (toks_[k].kind == TokenKind::String &&
          python::stringBody(text_, toks_[k]) == "__main__")
        main = true;
    }
    if (name && main) out_.hasMainBlock = true;
  }

  void collectAll(std::size_t i, std::size_t stmtEnd) {
    for (std::size_t k = i + 1; k < stmtEnd; ++k) {
      if (toks_[k].kind == TokenKind::String)
        out_.allNames.emplace_back(python::stringBody(text_, toks_[k]));
    }
  }

  // `a = ...`, `a, b = ...`, `a: int = ...`, `a: int`: the plain names before the first
  // top-level '=' (or the annotation ':') are stores. At module and class level they
  // are definitions.
  // `self.name = ...` in a method: an instance attribute written there. The write is no
  // use of it; a read anywhere (`x.name`, `name` in a string, a template) is.
  void parseSelfAttribute(std::size_t i, std::size_t stmtEnd, const Scope& own) {
    const std::size_t nameTok = i + 2;
    if (nameTok + 1 >= stmtEnd || toks_[nameTok].kind != TokenKind::Name) return;
    if (!isOp(nameTok + 1, "=") && !(isOp(nameTok + 1, ":") && toks_[nameTok + 1].depth == toks_[i].depth))
      return;
    if (own.defIndex < 0 || out_.defs[own.defIndex].classIndex < 0) return;
    skip_[nameTok] = true;
    Def d;
    d.name = std::string(tokText(nameTok));
    d.kind = "instance attribute";
    d.classIndex = out_.defs[own.defIndex].classIndex;
    d.line = toks_[nameTok].line;
    d.column = columnOf(toks_[nameTok].begin);
    d.begin = toks_[i].begin;
    d.end = toks_[stmtEnd].end;
    d.conditional = true;  // inside a method: never deleted
    out_.defs.push_back(std::move(d));
  }

  void parseAssignmentTargets(std::size_t i, std::size_t stmtEnd, const Scope& own,
                              bool conditional) {
    std::vector<std::size_t> names;
    std::size_t k = i;
    const uint32_t depth = toks_[i].depth;
    while (k < stmtEnd) {
      if (toks_[k].kind != TokenKind::Name || isKeyword(tokText(k))) return;
      names.push_back(k);
      ++k;
      if (isOp(k, ",")) {
        ++k;
        continue;
      }
      break;
    }
    if (k >= stmtEnd || toks_[k].depth != depth) return;
    if (!isOp(k, "=") && !isOp(k, ":")) return;
    for (std::size_t n : names) {
      skip_[n] = true;
      if (own.kind == ScopeKind::Function) continue;
      Def d;
      d.name = std::string(tokText(n));
      d.kind = own.kind == ScopeKind::Class ? "attribute" : "variable";
      d.classIndex = own.kind == ScopeKind::Class ? own.classIndex : -1;
      d.line = toks_[n].line;
      d.column = columnOf(toks_[n].begin);
      d.begin = toks_[i].begin;
      d.end = toks_[stmtEnd].end;
      d.conditional = conditional;
      out_.defs.push_back(std::move(d));
    }
  }

  // ---- references ----

  void countReference(std::string_view name, uint32_t offset) {
    auto it = defSpans_.find(std::string(name));
    if (it != defSpans_.end()) {
      for (const Span& s : it->second)
        if (offset >= s.begin && offset < s.end) return;  // its own body
    }
    ++out_.refs[std::string(name)];
  }

  void mention(std::string_view body, uint32_t line) {
    forEachWord(body, [&](std::string_view w, std::size_t) {
      out_.mentions.emplace(std::string(w), line);
    });
    forEachDotted(
        body, [&](std::string_view d) { out_.dotted.emplace_back(d); },
        [&](std::string_view p) { out_.pyPaths.emplace_back(p); });
  }

  // Names in code held in a string (an annotation, an f-string field): references.
  void referencesInCode(std::string_view code, uint32_t offset, int nesting) {
    if (nesting > 4) return;
    python::LexResult inner = python::lex(code);
    for (const Token& t : inner.tokens) {
      const std::string_view s = code.substr(t.begin, t.end - t.begin);
      if (t.kind == TokenKind::Name && !isKeyword(s)) {
        countReference(s, offset);
      } else if (t.kind == TokenKind::FString) {
        const std::string fields = python::fieldCode(python::stringBody(code, t));
        referencesInCode(fields, offset, nesting + 1);
      } else if (t.kind == TokenKind::String) {
        const std::string_view body = python::stringBody(code, t);
        if (isDottedReference(body)) referencesInDotted(body, offset);
      }
    }
  }

  void referencesInDotted(std::string_view body, uint32_t offset) {
    std::size_t p = 0;
    while (p <= body.size()) {
      std::size_t q = body.find_first_of(".:", p);
      if (q == std::string_view::npos) q = body.size();
      countReference(body.substr(p, q - p), offset);
      p = q + 1;
    }
    if (body.find_first_of(".:") != std::string_view::npos) out_.dotted.emplace_back(body);
  }

  // A string starting with an identifier and going on with a placeholder ("%s", "{"),
  // or an identifier ending with "_": the prefix of names computed at run time.
  void notePrefix(std::string_view body, uint32_t line, bool fstring) {
    std::size_t n = 0;
    while (n < body.size() && isIdentChar(static_cast<unsigned char>(body[n]))) ++n;
    if (n < 3 || !isIdentStart(static_cast<unsigned char>(body[0]))) return;
    const std::string_view rest = body.substr(n);
    const bool placeholder = (!fstring && (startsWith(rest, "%s") || startsWith(rest, "%(") || startsWith(rest, "{"))) ||
                             (fstring && startsWith(rest, "{") && !startsWith(rest, "{{"));
    const bool open = rest.empty() && body[n - 1] == '_';
    if (placeholder || open) out_.namePrefixes.emplace_back(std::string(body.substr(0, n)), line);
  }

  void collectReferences() {
    bool statementStart = true;
    for (std::size_t k = 0; k < toks_.size(); ++k) {
      const Token& t = toks_[k];
      const bool atStart = statementStart;
      statementStart = t.kind == TokenKind::Newline || t.kind == TokenKind::Indent ||
                       t.kind == TokenKind::Dedent || (isOp(k, ";") && t.depth == 0);
      if (skip_[k]) continue;
      if (t.kind == TokenKind::Name) {
        const std::string_view s = tokText(k);
        if (!isKeyword(s)) countReference(s, t.begin);
      } else if (t.kind == TokenKind::FString) {
        const std::string_view body = python::stringBody(text_, t);
        notePrefix(body, t.line, true);
        const std::string fields = python::fieldCode(body);
        referencesInCode(fields, t.begin, 0);
      } else if (t.kind == TokenKind::String) {
        const std::string_view body = python::stringBody(text_, t);
        notePrefix(body, t.line, false);
        const bool docstring = atStart && k + 1 < toks_.size() &&
                               toks_[k + 1].kind == TokenKind::Newline;
        if (!docstring && isDottedReference(body)) {
          referencesInDotted(body, t.begin);
        } else if (!docstring && looksLikeAnnotation(body)) {
          referencesInCode(body, t.begin, 0);
        } else {
          mention(body, t.line);
        }
      }
    }
  }

  struct Span {
    uint32_t begin, end;
    int defIndex;
  };
  std::string_view text_;
  FileFacts& out_;
  std::vector<Token> toks_;
  std::vector<bool> skip_;
  std::vector<Scope> scopes_;
  std::unordered_map<std::string, std::vector<Span>> defSpans_;
};

// Fills `out` from a non-Python text file.
void scanText(std::string_view text, TextFacts& out) {
  uint32_t line = 1;
  std::size_t lineStart = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\n') continue;
    const std::string_view l = text.substr(lineStart, i - lineStart);
    forEachWord(l, [&](std::string_view w, std::size_t) { out.words.emplace(std::string(w), line); });
    forEachDotted(
        l, [&](std::string_view d) { out.dotted.emplace_back(d); },
        [&](std::string_view p) { out.pyPaths.emplace_back(p); });
    ++line;
    lineStart = i + 1;
  }
}

// ---- declared dependencies ------------------------------------------------------------

struct DeclaredDependency {
  std::string name;      // as written
  std::string manifest;  // path
  uint32_t line = 0;
  bool dev = false;
  std::optional<Removal> removal;  // the whole line, when the line holds only it
  bool capOnly = false;  // "werkzeug<2.1": only an upper bound, the pin of a transitive dependency?
};

// True when a requirement's specifiers only cap or exclude versions ("x<2", "x!=1.3").
bool onlyCaps(std::string_view requirement) {
  const std::size_t semicolon = requirement.find(';');
  const std::string_view spec = requirement.substr(0, semicolon);
  const bool caps = spec.find('<') != std::string_view::npos || spec.find("!=") != std::string_view::npos;
  const bool floors = spec.find(">") != std::string_view::npos || spec.find("==") != std::string_view::npos ||
                      spec.find("~=") != std::string_view::npos;
  return caps && !floors;
}

// The requirement name at the start of `s` ("requests>=2; python_version<'3.8'").
std::string requirementName(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '"' || s[i] == '\'')) ++i;
  std::size_t j = i;
  while (j < s.size() && (isIdentChar(static_cast<unsigned char>(s[j])) || s[j] == '-' ||
                          s[j] == '.'))
    ++j;
  if (j == i || !isIdentChar(static_cast<unsigned char>(s[i]))) return {};
  return std::string(s.substr(i, j - i));
}

struct LineView {
  std::string_view text;  // without the line break
  uint32_t offset;
  uint32_t length;  // with the line break
  uint32_t number;
};

std::vector<LineView> splitLines(std::string_view text) {
  std::vector<LineView> lines;
  std::size_t p = 0;
  uint32_t n = 1;
  while (p < text.size()) {
    std::size_t q = text.find('\n', p);
    const std::size_t next = q == std::string_view::npos ? text.size() : q + 1;
    if (q == std::string_view::npos) q = text.size();
    std::string_view l = text.substr(p, q - p);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back({l, static_cast<uint32_t>(p), static_cast<uint32_t>(next - p), n++});
    p = next;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Removal lineRemoval(const std::string& path, const LineView& l) {
  Removal r;
  r.path = path;
  r.offset = l.offset;
  r.length = l.length;
  return r;
}

void parseRequirementsTxt(const std::string& path, std::string_view text, bool dev,
                          std::vector<DeclaredDependency>& out) {
  for (const LineView& l : splitLines(text)) {
    std::string_view s = trim(l.text);
    if (s.empty() || s[0] == '#' || s[0] == '-') continue;
    if (s.find("://") != std::string_view::npos && s.find('@') == std::string_view::npos)
      continue;  // a bare URL or path
    const std::string name = requirementName(s);
    if (name.empty()) continue;
    DeclaredDependency d{name, path, l.number, dev, std::nullopt};
    if (s.back() != '\\') d.removal = lineRemoval(path, l);
    d.capOnly = onlyCaps(s);
    out.push_back(std::move(d));
  }
}

// pyproject.toml: [project] dependencies / optional-dependencies, poetry's tables.
void parsePyproject(const std::string& path, std::string_view text,
                    std::vector<DeclaredDependency>& out) {
  std::string table;
  bool inArray = false;
  bool arrayDev = false;
  for (const LineView& l : splitLines(text)) {
    std::string_view s = trim(l.text);
    if (s.empty() || s[0] == '#') continue;
    if (!inArray && s[0] == '[') {
      const std::size_t close = s.find(']', s.size() > 1 && s[1] == '[' ? 2 : 1);
      table = std::string(s.substr(1, close == std::string_view::npos ? 0 : close - 1));
      continue;
    }
    const bool poetryDeps =
        table == "tool.poetry.dependencies" || table == "tool.poetry.dev-dependencies" ||
        (table.rfind("tool.poetry.group.", 0) == 0 &&
         table.size() > 13 && table.compare(table.size() - 13, 13, ".dependencies") == 0);
    if (poetryDeps && !inArray) {
      const std::size_t eq = s.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(trim(s.substr(0, eq)));
      if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'')) key = key.substr(1, key.size() - 2);
      if (key.empty() || key == "python") continue;
      const bool dev = table != "tool.poetry.dependencies";
      DeclaredDependency d{key, path, l.number, dev, std::nullopt};
      if (s.find('{') == std::string_view::npos || s.find('}') != std::string_view::npos)
        d.removal = lineRemoval(path, l);
      out.push_back(std::move(d));
      continue;
    }
    const bool projectArrays = table == "project" || table == "project.optional-dependencies" ||
                               table == "dependency-groups";
    if (!projectArrays) continue;
    std::string_view rest = s;
    if (!inArray) {
      const std::size_t eq = s.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = trim(s.substr(0, eq));
      if (table == "project" && key != "dependencies") continue;
      rest = trim(s.substr(eq + 1));
      if (rest.empty() || rest[0] != '[') continue;
      rest.remove_prefix(1);
      inArray = true;
      arrayDev = table != "project";
    }
    // Strings on this line; an element alone on its line can be removed with it.
    int elements = 0;
    std::string only;
    std::size_t p = 0;
    while (p < rest.size()) {
      const char c = rest[p];
      if (c == '#') break;
      if (c == ']') {
        inArray = false;
        break;
      }
      if (c == '"' || c == '\'') {
        const std::size_t q = rest.find(c, p + 1);
        if (q == std::string_view::npos) break;
        const std::string name = requirementName(rest.substr(p + 1, q - p - 1));
        if (!name.empty()) {
          ++elements;
          only = name;
          out.push_back(DeclaredDependency{name, path, l.number, arrayDev, std::nullopt});
          out.back().capOnly = onlyCaps(rest.substr(p + 1, q - p - 1));
        }
        p = q + 1;
        continue;
      }
      ++p;
    }
    if (elements == 1 && s == rest && inArray) out.back().removal = lineRemoval(path, l);
  }
}

// setup.cfg: [options] install_requires and [options.extras_require], one per line.
void parseSetupCfg(const std::string& path, std::string_view text,
                   std::vector<DeclaredDependency>& out) {
  std::string section;
  bool inList = false;
  bool dev = false;
  for (const LineView& l : splitLines(text)) {
    const std::string_view s = trim(l.text);
    if (!l.text.empty() && l.text[0] == '[') {
      section = std::string(s);
      inList = false;
      continue;
    }
    if (s.empty() || s[0] == '#' || s[0] == ';') continue;
    const bool indented = l.text[0] == ' ' || l.text[0] == '\t';
    if (!indented) {
      inList = false;
      const std::size_t eq = s.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view key = trim(s.substr(0, eq));
      if (section == "[options]" && key == "install_requires") {
        inList = true;
        dev = false;
      } else if (section == "[options.extras_require]") {
        inList = true;
        dev = true;
      } else {
        continue;
      }
      const std::string name = requirementName(trim(s.substr(eq + 1)));
      if (!name.empty()) out.push_back(DeclaredDependency{name, path, l.number, dev, std::nullopt});
      continue;
    }
    if (!inList) continue;
    const std::string name = requirementName(s);
    if (name.empty()) continue;
    out.push_back(DeclaredDependency{name, path, l.number, dev, lineRemoval(path, l)});
    out.back().capOnly = onlyCaps(s);
  }
}

// setup.py: the string literals of install_requires=[...] (no removal: code).
void parseSetupPy(const std::string& path, std::string_view text,
                  std::vector<DeclaredDependency>& out) {
  const std::size_t at = text.find("install_requires");
  if (at == std::string_view::npos) return;
  const std::size_t open = text.find('[', at);
  if (open == std::string_view::npos || open - at > 40) return;
  const std::size_t close = text.find(']', open);
  if (close == std::string_view::npos) return;
  const std::string_view list = text.substr(open, close - open);
  std::size_t p = 0;
  while (p < list.size()) {
    const char c = list[p];
    if (c == '"' || c == '\'') {
      const std::size_t q = list.find(c, p + 1);
      if (q == std::string_view::npos) break;
      const std::string name = requirementName(list.substr(p + 1, q - p - 1));
      const auto line = static_cast<uint32_t>(
          1 + std::count(text.begin(), text.begin() + static_cast<long>(open + p), '\n'));
      if (!name.empty()) out.push_back(DeclaredDependency{name, path, line, false, std::nullopt});
      p = q + 1;
      continue;
    }
    ++p;
  }
}

// ---- paths ------------------------------------------------------------------------------

std::string_view baseName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}
std::string_view dirName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}
bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool isPythonPath(std::string_view p) { return endsWith(p, ".py") || endsWith(p, ".pyi"); }

bool isTestPath(std::string_view p) {
  const std::string_view base = baseName(p);
  if (startsWith(base, "test_") || endsWith(base, "_test.py") || base == "conftest.py" ||
      base == "tests.py")
    return true;
  const std::string slashed = "/" + std::string(p);
  return slashed.find("/tests/") != std::string::npos ||
         slashed.find("/test/") != std::string::npos ||
         slashed.find("/testing/") != std::string::npos;
}

// Third-party code copied into the repository, environments and test data: read for
// references, never reported.
bool isVendoredPath(std::string_view p) {
  const std::string slashed = "/" + std::string(p);
  for (std::string_view dir : {"/_vendor/", "/vendor/", "/vendored/", "/third_party/", "/thirdparty/",
                               "/site-packages/", "/.tox/", "/.venv/", "/venv/", "/node_modules/",
                               // test data: trees that tests load by path
                               "/fixtures/", "/testdata/", "/test_data/", "/test-data/"})
    if (slashed.find(dir) != std::string::npos) return true;
  return false;
}

// Modules whose top-level names are read by a tool by name: Sphinx's conf.py, Django
// settings, gunicorn and noxfile configuration.
bool isConfigModule(std::string_view p) {
  const std::string_view base = baseName(p);
  return base == "conf.py" || base == "settings.py" || endsWith(base, "_settings.py") ||
         base == "gunicorn.conf.py" || base == "gunicorn_config.py" || base == "noxfile.py" ||
         base == "setup.py" || baseName(dirName(p)) == "settings";
}

// Files under a top-level directory of documentation builds, release tools, examples.
bool isToolingScript(std::string_view p) {
  for (std::string_view dir : {"docs/", "doc/", "tools/", "scripts/", "examples/", "extras/",
                               "benchmarks/", "bench/", "contrib/", "ci/", ".github/"})
    if (startsWith(p, dir)) return true;
  return false;
}

// PEP 723 inline script metadata: the requirement names of `dependencies = [...]` in a
// "# /// script" comment block.
std::vector<std::string> inlineScriptDependencies(std::string_view text) {
  std::vector<std::string> names;
  const std::size_t start = text.find("# /// script");
  if (start == std::string_view::npos) return names;
  const std::size_t stop = text.find("# ///", start + 12);
  const std::string_view block = text.substr(start, stop == std::string_view::npos ? 2000 : stop - start);
  const std::size_t deps = block.find("dependencies");
  if (deps == std::string_view::npos) return names;
  const std::size_t open = block.find('[', deps);
  const std::size_t close = block.find(']', deps);
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return names;
  std::size_t p = open;
  while (p < close) {
    const char c = block[p];
    if (c == '"' || c == '\'') {
      const std::size_t q = block.find(c, p + 1);
      if (q == std::string_view::npos || q > close) break;
      const std::string name = requirementName(block.substr(p + 1, q - p - 1));
      if (!name.empty()) names.push_back(name);
      p = q + 1;
      continue;
    }
    ++p;
  }
  return names;
}

bool isRequirementsPath(std::string_view p) {
  const std::string_view base = baseName(p);
  if (!endsWith(base, ".txt") && !endsWith(base, ".in")) return false;
  if (base.find("constraint") != std::string_view::npos) return false;  // pins, not needs
  return base.find("requirements") != std::string_view::npos ||
         baseName(dirName(p)) == "requirements";
}

// Requirements for development, tests, docs or CI (by file or directory name).
bool isDevManifest(std::string_view p) {
  for (std::string_view w : {"dev", "test", "doc", "lint", "ci", "bench", "type", "sanity"})
    if (p.find(w) != std::string_view::npos) return true;
  return false;
}

// Text files whose words count as mentions (documentation, configuration, CI, templates).
bool isTextPath(std::string_view p) {
  static const char* const exts[] = {".toml", ".cfg", ".ini", ".txt", ".yaml", ".yml", ".json",
                                     ".md", ".rst", ".html", ".jinja", ".jinja2", ".j2", ".in",
                                     ".sh", ".conf", ".pyx", ".pxd", ".tpl", ".xml", ".spec"};
  for (const char* e : exts)
    if (endsWith(p, e)) return true;
  const std::string_view base = baseName(p);
  return base == "Makefile" || base == "Dockerfile" || base == "Procfile" || base == "tox.ini" ||
         base == "justfile" || base == "noxfile.py";
}

bool isGeneratedPython(std::string_view path, std::string_view text) {
  if (endsWith(path, "_pb2.py") || endsWith(path, "_pb2_grpc.py") || endsWith(path, "_pb2.pyi"))
    return true;
  const std::string_view head = text.substr(0, std::min<std::size_t>(text.size(), 1024));
  for (std::string_view marker : {"DO NOT EDIT", "Generated by", "generated by", "@generated",
                                  "Autogenerated", "auto-generated"})
    if (head.find(marker) != std::string_view::npos) return true;
  // Minified or machine-written: a very long line in the first 64 KiB.
  std::size_t lineLength = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(text.size(), 65536); ++i) {
    lineLength = text[i] == '\n' ? 0 : lineLength + 1;
    if (lineLength > 5000) return true;
  }
  return false;
}

// ---- the pass -----------------------------------------------------------------------------

class PythonPass {
 public:
  PythonPass(const SourceTree& tree, const DeadcodeOptions& options)
      : tree_(tree), options_(options) {}

  PassResult run() {
    compileGlobs();
    const std::vector<SourceFile>& files = tree_.files();
    std::vector<std::size_t> pyIndex;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const std::string& p = files[i].path;
      if (!isPythonPath(p)) continue;
      pyIndex.push_back(i);
      if (endsWith(p, "/__init__.py") || p == "__init__.py") initDirs_.insert(std::string(dirName(p)));
    }
    facts_.resize(files.size());
    rawManifests_.resize(files.size());
    tree_.forEachFile(
        [&](const SourceFile& f) { return isPythonPath(f.path) || isTextPath(f.path); },
        [&](const SourceFile& f, const std::string& content) {
          const std::size_t idx = indexOf(f.path);  // each file its own slot: no lock
          if (isPythonPath(f.path)) {
            FileFacts& facts = facts_[idx];
            facts.nonUtf8 = !text::isValidUtf8(content);
            facts.generated = isGeneratedPython(f.path, content);
            FileParser(content, facts).run();
            facts.inlineDependencies = inlineScriptDependencies(content);
            if (baseName(f.path) == "setup.py") rawManifests_[idx] = content;
            std::lock_guard<std::mutex> lock(mergeMutex_);
            absorb(idx, facts.refs, facts.mentions, facts.dotted, facts.pyPaths);
          } else {
            TextFacts text;
            scanText(content, text);
            const std::string_view base = baseName(f.path);
            if (base == "pyproject.toml" || base == "setup.cfg" || isRequirementsPath(f.path))
              rawManifests_[idx] = content;
            std::unordered_map<std::string, uint32_t> noRefs;
            std::lock_guard<std::mutex> lock(mergeMutex_);
            absorb(idx, noRefs, text.words, text.dotted, text.pyPaths);
          }
        });
    result_.stats.files = pyIndex.size();
    uint64_t unread = 0;
    for (std::size_t i : pyIndex) {
      if (!facts_[i].parsed) ++unread;
    }
    result_.stats.skippedHuge = unread;
    if (unread > 0)
      result_.warnings.push_back(std::to_string(unread) +
                                 " Python files not read (binary or over the size limit); "
                                 "their names are not counted as references");
    if (pyIndex.empty()) return std::move(result_);

    registerModules(pyIndex);
    mergeFacts(pyIndex);
    findEntries(pyIndex);
    markImportedModules(pyIndex);
    reportSymbols(pyIndex);
    reportFiles(pyIndex);
    reportDependencies(pyIndex);
    std::sort(result_.candidates.begin(), result_.candidates.end(),
              [](const Candidate& a, const Candidate& b) {
                return std::tie(a.path, a.line, a.column, a.name) <
                       std::tie(b.path, b.line, b.column, b.name);
              });
    std::sort(result_.stats.entries.begin(), result_.stats.entries.end());
    result_.stats.entries.erase(
        std::unique(result_.stats.entries.begin(), result_.stats.entries.end()),
        result_.stats.entries.end());
    return std::move(result_);
  }

 private:
  std::size_t indexOf(const std::string& path) const {
    const auto& files = tree_.files();
    const auto it = std::lower_bound(files.begin(), files.end(), path,
                                     [](const SourceFile& f, const std::string& p) { return f.path < p; });
    return static_cast<std::size_t>(it - files.begin());
  }
  const std::string& pathOf(std::size_t i) const { return tree_.files()[i].path; }
  bool isInPackage(std::size_t i) const {
    const auto it = inPackage_.find(i);
    return it != inPackage_.end() && it->second;
  }

  void compileGlobs() {
    try {
      entryGlobs_ = deprecations::GlobSet(options_.entries);
      ignorePathGlobs_ = deprecations::GlobSet(options_.ignorePaths);
      ignoreNameGlobs_ = deprecations::GlobSet(options_.ignoreNames);
    } catch (const deprecations::GlobError& e) {
      result_.warnings.push_back(std::string("deadcode config: ") + e.what() +
                                 " (the globs are ignored; fix them in the repository config)");
    }
  }

  // The dotted module name of a file from its package (the chain of directories with an
  // __init__.py), and looser aliases: every dotted suffix of its path, so that imports
  // relying on sys.path tricks or src layouts still resolve.
  void registerModules(const std::vector<std::size_t>& pyIndex) {
    for (std::size_t i : pyIndex) {
      const std::string& p = pathOf(i);
      std::string_view noExt = p;
      noExt.remove_suffix(endsWith(p, ".pyi") ? 4 : 3);
      std::vector<std::string> parts;
      std::size_t s = 0;
      while (s <= noExt.size()) {
        std::size_t e = noExt.find('/', s);
        if (e == std::string_view::npos) e = noExt.size();
        parts.emplace_back(noExt.substr(s, e - s));
        s = e + 1;
      }
      const bool init = parts.back() == "__init__";
      if (init) parts.pop_back();
      // The package chain.
      std::size_t top = parts.size() - (init ? 0 : 1);
      std::string dir(dirName(p));
      while (top > 0 && initDirs_.count(dir) != 0) {
        --top;
        dir = std::string(dirName(dir));
      }
      std::string primary;
      for (std::size_t k = top; k < parts.size(); ++k) primary += (primary.empty() ? "" : ".") + parts[k];
      moduleName_[i] = primary;
      inPackage_[i] = !init && initDirs_.count(std::string(dirName(p))) != 0;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        std::string alias;
        for (std::size_t m = k; m < parts.size(); ++m) alias += (alias.empty() ? "" : ".") + parts[m];
        if (!alias.empty()) modules_[alias].push_back(i);
      }
      if (!primary.empty()) localTopLevel_.insert(primary.substr(0, primary.find('.')));
      for (const std::string& part : parts) localTopLevel_.insert(part);
    }
  }

  // Moves one file's references and mentions into the repository-wide tables as soon as
  // it is read (under mergeMutex_), so that no per-file copy of them stays in memory.
  // Order-independent: counts add up, sets unite, a mention keeps the smallest
  // (file, line) whatever the thread order.
  void absorb(std::size_t file, std::unordered_map<std::string, uint32_t>& refs,
              std::unordered_map<std::string, uint32_t>& mentions, std::vector<std::string>& dotted,
              std::vector<std::string>& pyPaths) {
    for (const auto& [name, count] : refs) refs_[name] += count;
    for (const auto& [word, line] : mentions) {
      auto [it, inserted] = mentions_.try_emplace(word, Mention{file, line});
      if (!inserted && std::tie(file, line) < std::tie(it->second.file, it->second.line))
        it->second = Mention{file, line};
    }
    for (const std::string& d : dotted) noteDotted(d, pathOf(file));
    for (std::string& p : pyPaths) pyPaths_.insert(std::move(p));
    std::unordered_map<std::string, uint32_t>().swap(refs);
    std::unordered_map<std::string, uint32_t>().swap(mentions);
    std::vector<std::string>().swap(dotted);
    std::vector<std::string>().swap(pyPaths);
  }

  void mergeFacts(const std::vector<std::size_t>& pyIndex) {
    for (std::size_t i : pyIndex) {
      for (ClassInfo& c : facts_[i].classes) c.file = i;
      const FileFacts& f = facts_[i];
      if (!f.parsed) continue;
      if (!f.parseError.empty()) ++result_.stats.parseErrors;
      for (const auto& [what, line] : f.dynamic) {
        if (what.rfind("getattr", 0) == 0 && !firstGetattr_) firstGetattr_ = Location{pathOf(i), line};
      }
      if (f.dynamicImport && !firstDynamicImport_) {
        for (const auto& [what, line] : f.dynamic)
          if (what.find("import") != std::string::npos) {
            firstDynamicImport_ = Location{pathOf(i), line};
            break;
          }
      }
      for (const std::string& n : f.allNames) exported_.insert(n);
      for (const auto& [prefix, line] : f.namePrefixes) namePrefixes_.emplace(prefix, Location{pathOf(i), line});
      if (f.subclassDiscovery != 0 && !firstSubclassDiscovery_)
        firstSubclassDiscovery_ = Location{pathOf(i), f.subclassDiscovery};
      for (const ClassInfo& c : f.classes) classesByName_[c.name].push_back(&c);
    }
  }

  // A dotted string names modules (a.b.c -> a, a.b, a.b.c) and, after ':' or as its last
  // part, an attribute; both count as uses.
  void noteDotted(std::string_view d, const std::string& where) {
    const std::size_t colon = d.find(':');
    const std::string_view module = colon == std::string_view::npos ? d : d.substr(0, colon);
    dottedModules_.insert(std::string(module));
    // Every prefix, so that "pkg.mod.func" names pkg.mod too.
    for (std::size_t p = module.find('.'); p != std::string_view::npos; p = module.find('.', p + 1))
      dottedModules_.insert(std::string(module.substr(0, p)));
    if (colon != std::string_view::npos) {
      std::string_view attr = d.substr(colon + 1);
      const std::size_t dot = attr.find('.');
      stringRefs_.insert(std::string(dot == std::string_view::npos ? attr : attr.substr(0, dot)));
      const std::string_view base = baseName(where);
      if (base == "pyproject.toml" || base == "setup.cfg" || base == "setup.py")
        entryModules_.insert(std::string(module));
    }
  }

  void findEntries(const std::vector<std::size_t>& pyIndex) {
    for (const std::string& m : entryModules_) {
      const auto it = modules_.find(m);
      if (it == modules_.end()) continue;
      for (std::size_t i : it->second) {
        entryFiles_.insert(i);
        result_.stats.entries.push_back(pathOf(i));
      }
    }
    for (std::size_t i : pyIndex) {
      const std::string& p = pathOf(i);
      const std::string_view base = baseName(p);
      const bool entry = base == "__main__.py" || base == "setup.py" || base == "conftest.py" ||
                         base == "manage.py" || facts_[i].hasMainBlock ||
                         (!entryGlobs_.empty() && entryGlobs_.matches(p));
      if (entry) {
        entryFiles_.insert(i);
        result_.stats.entries.push_back(p);
      }
    }
  }

  // Resolves every import to modules and marks them (and their parent packages) used.
  void markImportedModules(const std::vector<std::size_t>& pyIndex) {
    auto mark = [&](const std::string& dotted) {
      std::string m = dotted;
      while (!m.empty()) {
        const auto it = modules_.find(m);
        if (it != modules_.end())
          for (std::size_t f : it->second) importedFiles_.insert(f);
        const std::size_t dot = m.rfind('.');
        if (dot == std::string::npos) break;
        m.resize(dot);
      }
    };
    for (std::size_t i : pyIndex) {
      const FileFacts& f = facts_[i];
      for (const Import& imp : f.imports) {
        std::string base;
        if (imp.level > 0) {
          // The package of this module: itself for an __init__, its parent otherwise.
          std::string pkg = moduleName_[i];
          const bool init = baseName(pathOf(i)) == "__init__.py";
          int up = imp.level - (init ? 1 : 0);
          for (int k = 0; k < up; ++k) {
            const std::size_t dot = pkg.rfind('.');
            pkg = dot == std::string::npos ? std::string() : pkg.substr(0, dot);
          }
          base = pkg;
          if (!imp.module.empty()) base += (base.empty() ? "" : ".") + imp.module;
        } else {
          base = imp.module;
          if (!isVendoredPath(pathOf(i)))
            topLevelImports_[base.substr(0, base.find('.'))].push_back(
                {pathOf(i), imp.line, imp.inTry, isTestPath(pathOf(i)), isToolingScript(pathOf(i))});
        }
        mark(base);
        for (const std::string& n : imp.names)
          if (n != "*") mark(base.empty() ? n : base + "." + n);
      }
    }
    for (const std::string& d : dottedModules_) {
      const auto it = modules_.find(d);
      if (it != modules_.end())
        for (std::size_t f : it->second) namedFiles_.insert(f);
    }
  }

  bool ignoredPath(const std::string& p) const {
    return !ignorePathGlobs_.empty() && ignorePathGlobs_.matches(p);
  }
  bool ignoredName(const std::string& n) const {
    return !ignoreNameGlobs_.empty() && ignoreNameGlobs_.matches(n);
  }

  // A class whose bases (transitively) include one not defined in the repository: its
  // methods may override library hooks, its attributes may be fields a library reads.
  bool hasExternalBase(const ClassInfo& c, int depth = 0) {
    if (depth > 20) return true;
    const auto memo = externalMemo_.find(&c);
    if (memo != externalMemo_.end()) return memo->second;
    externalMemo_[&c] = true;  // cycles: assume external
    bool external = false;
    for (const std::string& base : c.bases) {
      if (base.empty()) continue;
      if (base[0] == '=') {
        external = true;  // metaclass=...
        break;
      }
      if (base == "object") continue;
      if (base.find('?') != std::string::npos) {
        external = true;
        break;
      }
      const std::size_t dot = base.rfind('.');
      const std::string last = dot == std::string::npos ? base : base.substr(dot + 1);
      if (dot != std::string::npos && localTopLevel_.count(base.substr(0, base.find('.'))) == 0) {
        external = true;
        break;
      }
      const auto it = classesByName_.find(last);
      if (it == classesByName_.end() || importedFromOutside(c.file, last)) {
        external = true;
        break;
      }
      for (const ClassInfo* b : it->second)
        if (b != &c && hasExternalBase(*b, depth + 1)) external = true;
      if (external) break;
    }
    externalMemo_[&c] = external;
    return external;
  }

  // True when file `i` imports `name` from a module outside the repository (even if the
  // repository also defines a class of that name: `try: from lib import X / except: class X`).
  bool importedFromOutside(std::size_t i, const std::string& name) const {
    for (const Import& imp : facts_[i].imports) {
      if (imp.level > 0 || imp.module.empty()) continue;
      if (std::find(imp.names.begin(), imp.names.end(), name) == imp.names.end()) continue;
      if (localTopLevel_.count(imp.module.substr(0, imp.module.find('.'))) == 0) return true;
    }
    return false;
  }

  static bool isTestHook(const Def& d, bool testFile) {
    const std::string& n = d.name;
    if (startsWith(n, "pytest_")) return true;
    if (!testFile) return false;
    static const std::unordered_set<std::string> unittestHooks = {
        "setUp", "tearDown", "setUpClass", "tearDownClass", "setUpModule", "tearDownModule",
        "asyncSetUp", "asyncTearDown", "setup_method", "teardown_method", "setup_class",
        "teardown_class", "setup_module", "teardown_module", "setup_function",
        "teardown_function", "setup", "teardown", "pytest_plugins", "collect_ignore",
        "collect_ignore_glob", "pytestmark"};
    return startsWith(n, "test") || startsWith(n, "Test") || unittestHooks.count(n) != 0;
  }

  void reportSymbols(const std::vector<std::size_t>& pyIndex) {
    const bool distributed = std::any_of(rawManifests_.begin(), rawManifests_.end(), [](const std::string& s) { return !s.empty(); }) &&
                             hasPackagingMetadata();
    for (std::size_t i : pyIndex) {
      FileFacts& f = facts_[i];
      if (!f.parsed || f.generated) {
        if (f.generated) ++result_.stats.skippedGenerated;
        continue;
      }
      const std::string& path = pathOf(i);
      if (ignoredPath(path) || endsWith(path, ".pyi") || isVendoredPath(path)) continue;
      const bool configModule = isConfigModule(path);
      const bool testFile = isTestPath(path);
      std::set<std::pair<int, std::string>> seen;  // one candidate per name and owner
      for (std::size_t d = 0; d < f.defs.size(); ++d) {
        const Def& def = f.defs[d];
        if (!seen.insert({def.classIndex, def.name}).second) continue;
        if (def.name == "_" || isDunder(def.name) || ignoredName(def.name)) continue;
        if (refs_.count(def.name) != 0 || stringRefs_.count(def.name) != 0) continue;
        if (exported_.count(def.name) != 0) continue;
        if (def.decorated && !def.benignDecorators) continue;  // registered by a framework
        if (isTestHook(def, testFile)) continue;
        if (testFile && def.kind == "class") {
          // unittest collects TestCase subclasses whatever their names.
          const ClassInfo* own = nullptr;
          for (const ClassInfo& ci : f.classes)
            if (ci.defIndex == static_cast<int>(d)) own = &ci;
          if (own != nullptr && hasExternalBase(*own)) continue;
          if (endsWith(def.name, "Test") || endsWith(def.name, "Tests") || endsWith(def.name, "TestCase")) continue;
        }
        if (configModule && def.kind == "variable") continue;  // read by name by its tool
        const ClassInfo* owner = def.classIndex >= 0 ? &f.classes[def.classIndex] : nullptr;
        if (owner != nullptr && hasExternalBase(*owner)) continue;
        if (owner != nullptr && def.kind != "method" && owner->decorated) continue;
        const bool isPrivate = def.name[0] == '_';
        const bool publicApi = !isPrivate && !testFile &&
                               (def.kind == "function" || def.kind == "class" || def.kind == "variable") &&
                               (isInPackage(i) || baseName(path) == "__init__.py");
        if (options_.library && !isPrivate && !testFile) continue;
        const bool publicMember = owner != nullptr && !isPrivate && owner->name[0] != '_' && !testFile &&
                                  (isInPackage(i) || baseName(path) == "__init__.py");
        addSymbolCandidate(i, f, def, owner, isPrivate, (publicApi || publicMember) && distributed, testFile);
      }
    }
  }

  bool hasPackagingMetadata() const {
    for (std::size_t i = 0; i < rawManifests_.size(); ++i) {
      if (rawManifests_[i].empty()) continue;
      const std::string_view base = baseName(pathOf(i));
      if (base == "setup.py" || base == "setup.cfg") return true;
      if (base == "pyproject.toml" && (rawManifests_[i].find("[project]") != std::string::npos ||
                                       rawManifests_[i].find("[tool.poetry]") != std::string::npos))
        return true;
    }
    return false;
  }

  void addSymbolCandidate(std::size_t i, const FileFacts& f, const Def& def, const ClassInfo* owner,
                          bool isPrivate, bool distributedApi, bool testFile) {
    Candidate c;
    c.kind = Kind::UnusedSymbol;
    c.language = "python";
    c.path = pathOf(i);
    c.line = def.line;
    c.column = def.column;
    c.name = owner != nullptr ? owner->name + "." + def.name : def.name;
    c.symbolKind = def.kind;
    double confidence = 0;
    const bool member = owner != nullptr;
    const bool constant = std::all_of(def.name.begin(), def.name.end(), [](char ch) {
      return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
    c.evidence.push_back("no references in " + std::to_string(result_.stats.files) +
                         " Python files (tests included), nor in strings naming it, nor in __all__");
    if (isPrivate) {
      confidence = member ? 0.9 : 0.95;
      c.evidence.push_back("private name (leading underscore)");
    } else if (member) {
      confidence = def.kind == "method" ? 0.7 : 0.6;
      c.evidence.push_back("public " + def.kind + " of a class with no base outside the repository");
      if (def.kind == "instance attribute")
        c.evidence.push_back("written (self." + def.name + " = ...), never read");
    } else if (def.kind == "variable") {
      confidence = constant ? 0.5 : 0.6;
      if (constant)
        c.doubts.push_back("module-level constant: configuration frameworks may read it by name");
    } else {
      confidence = 0.8;
      c.evidence.push_back("public " + def.kind + ", not listed in __all__");
    }
    if (distributedApi) {
      confidence -= 0.25;
      c.doubts.push_back("public name of a package with packaging metadata: other projects may import it");
    }
    if (testFile) c.evidence.push_back("in a test file, not a test or a fixture");
    if (!f.dynamic.empty()) {
      confidence -= 0.3;
      c.doubts.push_back(f.dynamic.front().first + " in " + c.path + ":" +
                         std::to_string(f.dynamic.front().second) + " may reach it by name");
    } else if (member && firstGetattr_) {
      confidence -= 0.1;
      c.doubts.push_back("getattr(...) in " + firstGetattr_->path + ":" +
                         std::to_string(firstGetattr_->line) + " may reach methods by name");
    }
    const auto m = mentions_.find(def.name);
    if (m != mentions_.end()) {
      confidence -= 0.25;
      c.doubts.push_back("named in text at " + pathOf(m->second.file) + ":" + std::to_string(m->second.line));
    } else {
      c.evidence.push_back("its name appears in no string, document or configuration file");
    }
    for (const auto& [prefix, where] : namePrefixes_) {
      if (def.name.size() <= prefix.size() || def.name.compare(0, prefix.size(), prefix) != 0) continue;
      confidence -= 0.4;
      c.doubts.push_back("names starting with '" + prefix + "' are computed at " + where.path + ":" +
                         std::to_string(where.line) + " (getattr with a built name?)");
      break;
    }
    if (def.kind == "class" && firstSubclassDiscovery_) {
      // A subclass of a repository class may be found through __subclasses__().
      for (const ClassInfo& ci : f.classes) {
        if (ci.name != def.name || ci.bases.empty() || hasExternalBase(ci)) continue;
        bool derived = false;
        for (const std::string& b : ci.bases) derived = derived || (b != "object" && b[0] != '=');
        if (!derived) continue;
        confidence -= 0.35;
        c.doubts.push_back("subclasses are discovered at run time (" + firstSubclassDiscovery_->path + ":" +
                           std::to_string(firstSubclassDiscovery_->line) + ")");
        break;
      }
    }
    if (!f.parseError.empty()) {
      confidence -= 0.3;
      c.doubts.push_back("syntax error in the file (" + f.parseError + "): parsed on a best-effort basis");
    }
    if (f.nonUtf8) {
      confidence -= 0.2;
      c.doubts.push_back("the file is not valid UTF-8");
    }
    c.confidence = std::clamp(confidence, 0.05, 1.0);
    if (c.confidence >= 0.85 && def.block && !def.conditional && f.parseError.empty() && !f.nonUtf8 &&
        (owner == nullptr || owner->members > 1))
      c.removal = blockRemoval(i, def);
    result_.candidates.push_back(std::move(c));
  }

  // The definition's lines, with the comment lines right above it at the same indentation,
  // and the blank lines after it when a blank line (or the file start) precedes it.
  std::optional<Removal> blockRemoval(std::size_t i, const Def& def) {
    const std::optional<std::string> content = tree_.read(tree_.files()[i]);
    if (!content) return std::nullopt;
    const std::string& s = *content;
    if (def.end > s.size() || def.begin >= def.end) return std::nullopt;
    std::size_t begin = def.begin;
    while (begin > 0 && s[begin - 1] != '\n') --begin;
    const std::string indent = s.substr(begin, def.begin - begin);
    if (indent.find_first_not_of(" \t") != std::string::npos) return std::nullopt;  // `x; def f` 
    // Leading comments.
    while (begin > 0) {
      std::size_t prev = begin - 1;
      while (prev > 0 && s[prev - 1] != '\n') --prev;
      const std::string_view line(s.data() + prev, begin - prev);
      if (line.size() > indent.size() + 1 && line.substr(0, indent.size()) == indent &&
          line[indent.size()] == '#') {
        begin = prev;
      } else {
        break;
      }
    }
    std::size_t end = def.end;
    while (end < s.size() && s[end - 1] != '\n') ++end;
    bool blankBefore = begin == 0;
    if (begin > 0) {
      std::size_t prev = begin - 1;
      while (prev > 0 && s[prev - 1] != '\n') --prev;
      blankBefore = trim(std::string_view(s.data() + prev, begin - 1 - prev)).empty();
    }
    if (blankBefore) {
      while (end < s.size()) {
        std::size_t next = s.find('\n', end);
        if (next == std::string::npos) next = s.size() - 1;
        if (!trim(std::string_view(s.data() + end, next - end)).empty()) break;
        end = next + 1;
      }
      // The last definition of the file: take the blank lines before it instead.
      if (end >= s.size())
        while (begin >= 2 && s[begin - 1] == '\n' && s[begin - 2] == '\n') --begin;
    }
    Removal r;
    r.path = pathOf(i);
    r.offset = begin;
    r.length = end - begin;
    return r;
  }

  bool isUnimportedModule(std::size_t i) const {
    return isInPackage(i) && !importedFiles_.count(i) && !namedFiles_.count(i) && !entryFiles_.count(i);
  }

  void reportFiles(const std::vector<std::size_t>& pyIndex) {
    // Per package directory: its modules, and those nothing imports. A directory where
    // most modules are imported by nobody is loaded by path (plugins, commands).
    std::map<std::string, std::pair<uint32_t, uint32_t>> perDir;  // dir -> (modules, unimported)
    for (std::size_t i : pyIndex) {
      if (!isInPackage(i)) continue;
      auto& [modules, unimported] = perDir[std::string(dirName(pathOf(i)))];
      ++modules;
      if (isUnimportedModule(i)) ++unimported;
    }
    for (std::size_t i : pyIndex) {
      const std::string& p = pathOf(i);
      const FileFacts& f = facts_[i];
      if (!f.parsed || !isInPackage(i) || f.generated) continue;
      const std::string_view base = baseName(p);
      if (base == "__main__.py" || isTestPath(p) || endsWith(p, ".pyi") || ignoredPath(p) ||
          isVendoredPath(p))
        continue;
      if (options_.library && base[0] != '_') continue;  // a public module of a library
      if (importedFiles_.count(i) || namedFiles_.count(i) || entryFiles_.count(i)) continue;
      bool pathNamed = false;
      for (const std::string& mentioned : pyPaths_)
        if (endsWith(p, mentioned) && (mentioned.size() == p.size() || p[p.size() - mentioned.size() - 1] == '/'))
          pathNamed = true;
      if (pathNamed) continue;
      Candidate c;
      c.kind = Kind::UnusedFile;
      c.language = "python";
      c.path = p;
      c.line = 1;
      c.name = p;
      c.symbolKind = "file";
      double confidence = 0.85;
      c.evidence.push_back("module " + moduleName_[i] + " is imported by none of " +
                           std::to_string(result_.stats.files) + " Python files (relative and absolute imports resolved)");
      c.evidence.push_back("not an entry point (no __main__ block, not in scripts / entry_points), not a test");
      c.evidence.push_back("no string or configuration file names it as a dotted path or a file path");
      std::string stem(base.substr(0, base.size() - 3));
      const auto m = mentions_.find(stem);
      if (m != mentions_.end() && pathOf(m->second.file) != p) {
        confidence -= 0.3;
        c.doubts.push_back("'" + stem + "' appears in " + pathOf(m->second.file) + ":" + std::to_string(m->second.line));
      }
      if (refs_.count(stem)) {
        confidence -= 0.2;
        c.doubts.push_back("the name '" + stem + "' is used as an attribute or name somewhere (package attribute access?)");
      }
      if (firstDynamicImport_) {
        confidence -= 0.25;
        c.doubts.push_back("dynamic import at " + firstDynamicImport_->path + ":" +
                           std::to_string(firstDynamicImport_->line) + " may load modules by name");
      }
      const auto& [modules, unimported] = perDir[std::string(dirName(p))];
      if (unimported >= 3 && unimported * 2 >= modules) {
        confidence -= 0.4;
        c.doubts.push_back(std::to_string(unimported) + " of the " + std::to_string(modules) + " modules of " +
                           std::string(dirName(p)) + "/ are imported by no file: loaded by path (plugins)?");
      }
      if (!f.parseError.empty()) confidence -= 0.2;
      c.confidence = std::clamp(confidence, 0.05, 1.0);
      if (c.confidence >= 0.85) {
        Removal r;
        r.path = p;
        r.deleteFile = true;
        c.removal = r;
      }
      result_.candidates.push_back(std::move(c));
    }
  }

  struct ImportSite {
    std::string path;
    uint32_t line;
    bool inTry;
    bool test;
    bool tooling;  // a script of docs/, tools/, examples/ outside the packages
  };

  void reportDependencies(const std::vector<std::size_t>& /*pyIndex*/) {
    std::vector<DeclaredDependency> declared;
    for (std::size_t i = 0; i < rawManifests_.size(); ++i) {
      const std::string& content = rawManifests_[i];
      if (content.empty()) continue;
      const std::string& p = pathOf(i);
      const std::string_view base = baseName(p);
      if (base == "pyproject.toml") {
        parsePyproject(p, content, declared);
      } else if (base == "setup.cfg") {
        parseSetupCfg(p, content, declared);
      } else if (base == "setup.py") {
        parseSetupPy(p, content, declared);
      } else {
        parseRequirementsTxt(p, content, isDevManifest(p), declared);
      }
    }
    rawManifests_.clear();
    std::set<std::string> declaredImports;
    for (const FileFacts& f : facts_) {
      for (const std::string& d : f.inlineDependencies) {
        for (const std::string& n : python::importNamesOf(d)) declaredImports.insert(n);
      }
    }
    if (declared.empty()) return;
    for (const DeclaredDependency& d : declared) {
      for (const std::string& n : python::importNamesOf(d.name)) declaredImports.insert(n);
      declaredImports.insert(python::normalizeDistribution(d.name));
    }
    for (const DeclaredDependency& d : declared) {
      if (ignoredName(d.name) || ignoredPath(d.manifest)) continue;
      if (python::isToolDistribution(d.name)) continue;
      bool used = false;
      for (const std::string& n : python::importNamesOf(d.name))
        if (topLevelImports_.count(n) || stringRefs_.count(n) || dottedModules_.count(n) ||
            refs_.count(n))
          used = true;
      if (used) continue;
      Candidate c;
      c.kind = Kind::UnusedDependency;
      c.language = "python";
      c.path = d.manifest;
      c.line = d.line;
      c.column = 1;
      c.name = d.name;
      c.symbolKind = "dependency";
      std::string names;
      for (const std::string& n : python::importNamesOf(d.name)) names += (names.empty() ? "" : ", ") + n;
      c.evidence.push_back("no import of " + names + " in " + std::to_string(result_.stats.files) +
                           " Python files, nor a string or a name using it");
      double confidence = d.dev ? 0.6 : 0.85;
      if (d.dev) c.doubts.push_back("declared for development / tests / docs: may be a tool run from the command line");
      const std::string norm = python::normalizeDistribution(d.name);
      const auto m = mentions_.find(names.substr(0, names.find(',')));
      if (m != mentions_.end() && pathOf(m->second.file) != d.manifest) {
        confidence -= 0.3;
        c.doubts.push_back("named in " + pathOf(m->second.file) + ":" + std::to_string(m->second.line) +
                           " (a tool configuration or a command?)");
      }
      if (d.capOnly) {
        confidence -= 0.3;
        c.doubts.push_back("its version is only capped: it may pin a dependency of another dependency");
      }
      if (firstDynamicImport_) {
        confidence -= 0.2;
        c.doubts.push_back("dynamic import at " + firstDynamicImport_->path + ":" +
                           std::to_string(firstDynamicImport_->line));
      }
      c.confidence = std::clamp(confidence, 0.05, 1.0);
      if (c.confidence >= 0.8 && d.removal) c.removal = d.removal;
      result_.candidates.push_back(std::move(c));
    }
    // Unlisted: imported, not the standard library, not a local module, not declared.
    for (const auto& [name, sites] : topLevelImports_) {
      if (name.empty() || python::isStdlibModule(name) || localTopLevel_.count(name) ||
          declaredImports.count(name) || ignoredName(name))
        continue;
      bool allGuarded = true, allTests = true, allTooling = true;
      for (const ImportSite& s : sites) {
        allGuarded = allGuarded && s.inTry;
        allTests = allTests && s.test;
        allTooling = allTooling && (s.tooling || s.test);
      }
      if (allGuarded) continue;  // try: import x / except ImportError: optional
      const ImportSite* first = &sites.front();
      for (const ImportSite& s : sites)
        if (!s.inTry && (s.path < first->path || (s.path == first->path && s.line < first->line))) first = &s;
      Candidate c;
      c.kind = Kind::UnlistedDependency;
      c.language = "python";
      c.path = first->path;
      c.line = first->line;
      c.column = 1;
      c.name = name;
      c.symbolKind = "dependency";
      c.evidence.push_back("imported in " + std::to_string(sites.size()) + " place(s), first " +
                           first->path + ":" + std::to_string(first->line));
      c.evidence.push_back("not in the standard library, not a module of the repository, not declared in " +
                           std::to_string(declared.size()) + " declared dependencies");
      c.confidence = allTests || allTooling ? 0.5 : 0.8;
      if (allTests) c.doubts.push_back("imported only by tests (a test-only dependency?)");
      if (allTooling && !allTests)
        c.doubts.push_back("imported only by scripts outside the packages (docs, tools, examples)");
      result_.candidates.push_back(std::move(c));
    }
  }

  const SourceTree& tree_;
  const DeadcodeOptions& options_;
  PassResult result_;
  deprecations::GlobSet entryGlobs_, ignorePathGlobs_, ignoreNameGlobs_;

  std::vector<FileFacts> facts_;
  std::vector<std::string> rawManifests_;
  std::set<std::string> initDirs_;
  std::unordered_map<std::size_t, std::string> moduleName_;
  std::unordered_map<std::size_t, bool> inPackage_;
  std::unordered_map<std::string, std::vector<std::size_t>> modules_;
  std::unordered_set<std::string> localTopLevel_;
  std::unordered_map<std::string, uint64_t> refs_;
  struct Mention {
    std::size_t file;
    uint32_t line;
  };
  std::unordered_map<std::string, Mention> mentions_;  // a word of a string or text file
  std::mutex mergeMutex_;
  std::unordered_set<std::string> stringRefs_;
  std::unordered_set<std::string> dottedModules_;
  std::unordered_set<std::string> entryModules_;
  std::unordered_set<std::string> pyPaths_;
  std::unordered_set<std::string> exported_;
  std::unordered_map<std::string, std::vector<const ClassInfo*>> classesByName_;
  std::unordered_map<const ClassInfo*, bool> externalMemo_;
  std::optional<Location> firstGetattr_, firstDynamicImport_, firstSubclassDiscovery_;
  std::map<std::string, Location> namePrefixes_;
  std::set<std::size_t> entryFiles_, importedFiles_, namedFiles_;
  std::map<std::string, std::vector<ImportSite>> topLevelImports_;
};

}  // namespace

PassResult analyzePython(const SourceTree& tree, const DeadcodeOptions& options) {
  return PythonPass(tree, options).run();
}

}  // namespace ddd::analyzers::deadcode
