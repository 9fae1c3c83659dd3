// The Go pass of the dead-code analyzer: unexported package-level functions, types,
// constants and variables with no reference in their package (every file of the
// directory, tests and files behind build constraints included), and exported ones of
// internal/ packages with no reference anywhere in the repository. Methods are never
// reported (interface satisfaction is not modelled). Roots: main in package main, init,
// tests, benchmarks, examples and fuzz targets, //go:linkname and cgo //export
// directives, symbols named from assembly files. See language.h.
//
// References are by name: an identifier token anywhere in the package counts, apart
// from the declaration's own name and body, parameters-free short variable
// declarations (`x :=`) and import aliases. That over-approximates uses (fewer
// findings, never a deletion of something used).

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analyzers/deadcode/go_lexer.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/deadcode/source_text.h"
#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers::deadcode {
namespace {

using golang::Token;
using golang::TokenKind;

struct GoDef {
  std::string name;
  std::string kind;  // "function", "type", "const", "var"
  uint32_t line = 0, column = 0;
  uint32_t begin = 0;  // the declaration, doc comment included
  uint32_t end = 0;    // end of its last line (line break included)
  uint32_t bodyBegin = 0, bodyEnd = 0;  // references inside do not count (self-use)
  bool grouped = false;    // one spec of `const ( ... )` / `var ( ... )`: no deletion
  bool root = false;       // //go:linkname, //export, //go:embed
  bool sideEffects = false;  // a var whose initializer calls something
};

struct GoFile {
  bool parsed = false;
  std::string package;
  std::string error;
  bool nonUtf8 = false;
  bool generated = false;
  bool importsReflect = false;
  bool cgo = false;
  std::vector<GoDef> defs;
  std::unordered_map<std::string, uint32_t> refs;
  std::vector<std::string> linknameTargets;  // the remote names of //go:linkname
  std::vector<std::string> receiverNames;    // identifiers in method receivers
};

bool isGoKeyword(std::string_view s) {
  static const std::unordered_set<std::string_view> kw = {
      "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
      "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
      "return", "select", "struct", "switch", "type", "var"};
  return kw.count(s) != 0;
}

bool isExported(std::string_view name) {
  const auto c = static_cast<unsigned char>(name[0]);
  if (c >= 'A' && c <= 'Z') return true;
  return c >= 0x80;  // a non-ASCII upper-case letter is rare; treat as exported (kept)
}

bool startsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}
bool endsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string_view dirOf(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

// vendor/, testdata/ and directories starting with "." or "_" are ignored by the go tool.
bool ignoredByGo(std::string_view path) {
  std::size_t p = 0;
  while (true) {
    const std::size_t slash = path.find('/', p);
    if (slash == std::string_view::npos) return false;
    const std::string_view part = path.substr(p, slash - p);
    if (part == "vendor" || part == "testdata" || (!part.empty() && (part[0] == '.' || part[0] == '_')))
      return true;
    p = slash + 1;
  }
}

bool isInternalDir(std::string_view dir) {
  const std::string d = "/" + std::string(dir) + "/";
  return d.find("/internal/") != std::string::npos;
}

// Calls whose only effect is their value (constructors of errors and patterns, type
// conversions to predeclared types): a var initialized by them can go with the var.
bool isPureCall(const std::string& callee) {
  static const std::unordered_set<std::string> pure = {
      "errors.New", "fmt.Errorf", "fmt.Sprintf", "regexp.MustCompile", "strings.NewReplacer",
      "time.Duration", "new", "make", "len", "string", "int", "int8", "int16", "int32", "int64",
      "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64", "byte",
      "rune", "bool", "complex64", "complex128"};
  return pure.count(callee) != 0;
}

class FileParser {
 public:
  FileParser(std::string_view text, GoFile& out) : text_(text), out_(out) {}

  void run() {
    golang::LexResult lexed = golang::lex(text_);
    out_.error = lexed.error;
    toks_ = std::move(lexed.tokens);
    skip_.assign(toks_.size(), false);
    detectGenerated();
    parseDeclarations();
    collectReferences();
    if (out_.package.empty() && out_.error.empty()) out_.error = "line 1: no package clause";
    out_.parsed = true;
  }

 private:
  std::string_view text(std::size_t i) const {
    return text_.substr(toks_[i].begin, toks_[i].end - toks_[i].begin);
  }
  bool isIdent(std::size_t i, std::string_view s) const {
    return i < toks_.size() && toks_[i].kind == TokenKind::Ident && text(i) == s;
  }
  bool isOp(std::size_t i, std::string_view s) const {
    return i < toks_.size() && toks_[i].kind == TokenKind::Op && text(i) == s;
  }
  uint32_t columnOf(uint32_t offset) const {
    std::size_t p = offset;
    while (p > 0 && text_[p - 1] != '\n') --p;
    return static_cast<uint32_t>(offset - p + 1);
  }
  // The previous / next token that is not a comment.
  std::size_t prevCode(std::size_t i) const {
    while (i > 0) {
      --i;
      if (toks_[i].kind != TokenKind::Comment) return i;
    }
    return toks_.size();
  }
  bool firstOnLine(std::size_t i) const {
    const std::size_t p = prevCode(i);
    return p == toks_.size() || toks_[p].line < toks_[i].line;
  }
  uint32_t lineEnd(uint32_t offset) const {
    const std::size_t nl = text_.find('\n', offset);
    return static_cast<uint32_t>(nl == std::string_view::npos ? text_.size() : nl + 1);
  }

  void detectGenerated() {
    for (const Token& t : toks_) {
      if (t.kind != TokenKind::Comment) break;
      const std::string_view c = text_.substr(t.begin, t.end - t.begin);
      if (startsWith(c, "// Code generated ") && c.find("DO NOT EDIT") != std::string_view::npos)
        out_.generated = true;
    }
  }

  bool isDeclStart(std::size_t i) const {
    if (toks_[i].kind != TokenKind::Ident || toks_[i].depth != 0) return false;
    const std::string_view s = text(i);
    return (s == "func" || s == "type" || s == "var" || s == "const" || s == "import" || s == "package") &&
           firstOnLine(i);
  }

  // The contiguous comment lines right above token i; directives among them.
  uint32_t docStart(std::size_t i, bool& root) {
    uint32_t begin = toks_[i].begin;
    uint32_t line = toks_[i].line;
    std::size_t k = i;
    while (k > 0) {
      const Token& c = toks_[k - 1];
      if (c.kind != TokenKind::Comment) break;
      const uint32_t endLine = c.line + static_cast<uint32_t>(std::count(
                                            text_.begin() + c.begin, text_.begin() + c.end, '\n'));
      if (endLine + 1 != line || !firstOnLine(k - 1)) break;
      const std::string_view s = text_.substr(c.begin, c.end - c.begin);
      if (startsWith(s, "//go:linkname") || startsWith(s, "//export ") || startsWith(s, "//go:embed") ||
          startsWith(s, "//go:wasmexport") || startsWith(s, "//go:cgo_export"))
        root = true;
      begin = c.begin;
      line = c.line;
      --k;
    }
    std::size_t p = begin;
    while (p > 0 && text_[p - 1] != '\n') --p;
    return static_cast<uint32_t>(p);
  }

  void parseDeclarations() {
    // Directives anywhere: //go:linkname local remote.
    for (const Token& t : toks_) {
      if (t.kind != TokenKind::Comment) continue;
      const std::string_view c = text_.substr(t.begin, t.end - t.begin);
      if (!startsWith(c, "//go:linkname ")) continue;
      std::vector<std::string_view> words;
      std::size_t p = 14;
      while (p < c.size()) {
        while (p < c.size() && c[p] == ' ') ++p;
        std::size_t q = p;
        while (q < c.size() && c[q] != ' ') ++q;
        if (q > p) words.push_back(c.substr(p, q - p));
        p = q;
      }
      if (!words.empty()) linknameLocals_.insert(std::string(words[0]));
      if (words.size() > 1) {
        const std::size_t dot = words[1].rfind('.');
        out_.linknameTargets.emplace_back(dot == std::string_view::npos ? words[1] : words[1].substr(dot + 1));
      }
    }
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < toks_.size(); ++i)
      if (isDeclStart(i)) starts.push_back(i);
    starts.push_back(toks_.size() - 1);  // End
    for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
      const std::size_t i = starts[s];
      std::size_t last = starts[s + 1];
      // The declaration's last code token.
      std::size_t lastCode = prevCode(last);
      if (lastCode == toks_.size() || lastCode < i) lastCode = i;
      const uint32_t end = lineEnd(toks_[lastCode].end);
      bool root = false;
      const uint32_t begin = docStart(i, root);
      const std::string_view kw = text(i);
      if (kw == "package") {
        if (i + 1 < toks_.size() && toks_[i + 1].kind == TokenKind::Ident) {
          out_.package = std::string(text(i + 1));
          skip_[i + 1] = true;
        }
      } else if (kw == "import") {
        for (std::size_t k = i + 1; k < last; ++k) {
          if (toks_[k].kind == TokenKind::Ident) skip_[k] = true;  // aliases, "." and "_"
          if (toks_[k].kind == TokenKind::String) {
            const std::string_view path = text(k);
            if (path == "\"reflect\"") out_.importsReflect = true;
            if (path == "\"C\"") out_.cgo = true;
          }
        }
      } else if (kw == "func") {
        parseFunc(i, last, begin, end, root);
      } else {
        parseSpecs(i, last, begin, end, root, kw == "type" ? "type" : kw == "var" ? "var" : "const");
      }
    }
  }

  void parseFunc(std::size_t i, std::size_t last, uint32_t begin, uint32_t end, bool root) {
    std::size_t k = i + 1;
    if (isOp(k, "(")) {
      // A method: its receiver names the type but does not use it; never reported.
      const uint32_t depth = toks_[k].depth;
      ++k;
      while (k < last && !(isOp(k, ")") && toks_[k].depth == depth)) {
        skip_[k] = true;
        if (toks_[k].kind == TokenKind::Ident) out_.receiverNames.emplace_back(text(k));
        ++k;
      }
      if (k + 1 < last && toks_[k + 1].kind == TokenKind::Ident) markParameters(k + 2, last);
      return;
    }
    if (k >= last || toks_[k].kind != TokenKind::Ident) return;
    GoDef d;
    d.name = std::string(text(k));
    skip_[k] = true;
    d.kind = "function";
    d.line = toks_[k].line;
    d.column = columnOf(toks_[k].begin);
    d.begin = begin;
    d.end = end;
    d.bodyBegin = toks_[i].begin;
    d.bodyEnd = end;
    d.root = root || linknameLocals_.count(d.name) != 0;
    // A declaration without a body is implemented in assembly: kept.
    bool body = false;
    for (std::size_t p = k + 1; p < last; ++p) {
      if (isOp(p, "{") && toks_[p].depth == 0) {
        const std::size_t prev = prevCode(p);
        if (prev < toks_.size() && (isIdent(prev, "struct") || isIdent(prev, "interface"))) continue;
        body = true;
        break;
      }
    }
    if (!body) d.root = true;
    markParameters(k + 1, last);
    out_.defs.push_back(std::move(d));
  }

  // Parameter and result names: `(a, b int, c string)` -> a, b, c. An identifier followed
  // by another identifier, '*', '[', '.', "..." or '(' / "func" / "chan" / "map" at the
  // list's depth starts a named parameter; a lone type stays a reference.
  void markParameters(std::size_t k, std::size_t last) {
    for (int lists = 0; k < last && lists < 3; ++k) {
      if (!isOp(k, "(")) {
        if (isOp(k, "{") && toks_[k].depth == 0) return;
        continue;
      }
      ++lists;
      const uint32_t depth = toks_[k].depth + 1;
      std::vector<std::size_t> pending;
      bool expectName = true;
      for (++k; k < last && toks_[k].depth >= depth; ++k) {
        if (toks_[k].depth != depth) continue;
        if (isOp(k, ",")) {
          expectName = true;
          continue;
        }
        if (expectName && toks_[k].kind == TokenKind::Ident && !isGoKeyword(text(k))) {
          const std::size_t n = k + 1;
          const bool named = n < last && toks_[n].depth == depth &&
                             ((toks_[n].kind == TokenKind::Ident && text(n) != "." ) || isOp(n, "*") ||
                              isOp(n, "[") || isOp(n, "...") || isOp(n, "(") || isOp(n, ","));
          if (named && !isOp(n, ",")) {
            skip_[k] = true;
            for (std::size_t p : pending) skip_[p] = true;
            pending.clear();
          } else if (isOp(n, ",")) {
            pending.push_back(k);  // `a, b int`: decided by what follows the last one
          } else {
            pending.clear();
          }
        }
        expectName = false;
      }
    }
  }

  void parseSpecs(std::size_t i, std::size_t last, uint32_t begin, uint32_t end, bool root,
                  const char* kind) {
    const bool grouped = isOp(i + 1, "(");
    if (!grouped) {
      addSpec(i + 1, last, begin, end, root, kind, false);
      return;
    }
    const uint32_t depth = toks_[i + 1].depth + 1;
    std::size_t k = i + 2;
    while (k < last) {
      if (toks_[k].depth == depth && toks_[k].kind == TokenKind::Ident && firstOnLine(k)) {
        std::size_t next = k + 1;
        while (next < last && !(toks_[next].depth == depth && toks_[next].kind == TokenKind::Ident &&
                                firstOnLine(next)) && !(toks_[next].depth < depth))
          ++next;
        bool specRoot = root;
        docStart(k, specRoot);
        addSpec(k, next, toks_[k].begin, lineEnd(toks_[prevCode(next)].end), specRoot, kind, true);
        k = next;
        continue;
      }
      ++k;
    }
  }

  // One spec: names (',' names)* then the rest; its span is [begin, end).
  void addSpec(std::size_t k, std::size_t last, uint32_t begin, uint32_t end, bool root,
               const char* kind, bool grouped) {
    std::vector<std::size_t> names;
    while (k < last && toks_[k].kind == TokenKind::Ident && !isGoKeyword(text(k))) {
      names.push_back(k);
      if (!isOp(k + 1, ",") || std::string_view(kind) == "type") break;
      k += 2;
    }
    bool calls = false;
    bool afterEquals = false;
    for (std::size_t p = k; p < last; ++p) {
      if (isOp(p, "=")) afterEquals = true;
      if (!afterEquals || !isOp(p, "(") || p == 0 || toks_[p - 1].kind != TokenKind::Ident) continue;
      std::string callee(text(p - 1));
      if (p >= 3 && isOp(p - 2, ".") && toks_[p - 3].kind == TokenKind::Ident)
        callee = std::string(text(p - 3)) + "." + callee;
      if (!isPureCall(callee)) calls = true;
    }
    for (std::size_t n : names) {
      skip_[n] = true;
      GoDef d;
      d.name = std::string(text(n));
      d.kind = kind;
      d.line = toks_[n].line;
      d.column = columnOf(toks_[n].begin);
      d.begin = begin;
      d.end = end;
      d.bodyBegin = toks_[n].begin;
      d.bodyEnd = end;
      d.grouped = grouped || names.size() > 1;
      d.root = root || linknameLocals_.count(d.name) != 0;
      d.sideEffects = calls;
      out_.defs.push_back(std::move(d));
    }
  }

  void collectReferences() {
    std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> spans;
    for (const GoDef& d : out_.defs) spans[d.name].push_back({d.bodyBegin, d.bodyEnd});
    for (std::size_t k = 0; k < toks_.size(); ++k) {
      if (isOp(k, ":=")) {
        // x, y := ...: the names on the left are new locals.
        std::size_t p = k;
        while (p > 0 && toks_[p - 1].kind == TokenKind::Ident) {
          skip_[p - 1] = true;
          if (p >= 2 && isOp(p - 2, ",")) {
            p -= 2;
          } else {
            break;
          }
        }
      }
    }
    for (std::size_t k = 0; k < toks_.size(); ++k) {
      const Token& t = toks_[k];
      if (skip_[k] || t.kind != TokenKind::Ident) continue;
      const std::string_view s = text(k);
      if (isGoKeyword(s)) continue;
      const std::string name(s);
      const auto it = spans.find(name);
      bool own = false;
      if (it != spans.end())
        for (const auto& [b, e] : it->second) own = own || (t.begin >= b && t.begin < e);
      if (!own) ++out_.refs[name];
    }
  }

  std::string_view text_;
  GoFile& out_;
  std::vector<Token> toks_;
  std::vector<bool> skip_;
  std::unordered_set<std::string> linknameLocals_;
};

// "·name(SB)" in Go assembly names a Go symbol of the package.
void assemblyReferences(std::string_view text, std::unordered_map<std::string, uint32_t>& refs) {
  static const std::string_view dot = "\xc2\xb7";
  std::size_t p = 0;
  while ((p = text.find(dot, p)) != std::string_view::npos) {
    p += dot.size();
    std::size_t q = p;
    while (q < text.size() && (std::isalnum(static_cast<unsigned char>(text[q])) || text[q] == '_')) ++q;
    if (q > p) ++refs[std::string(text.substr(p, q - p))];
    p = q;
  }
}

class GoPass {
 public:
  GoPass(const SourceTree& tree, const DeadcodeOptions& options) : tree_(tree), options_(options) {}

  PassResult run() {
    try {
      ignorePaths_ = deprecations::GlobSet(options_.ignorePaths);
      ignoreNames_ = deprecations::GlobSet(options_.ignoreNames);
    } catch (const deprecations::GlobError& e) {
      result_.warnings.push_back(std::string("deadcode config: ") + e.what() +
                                 " (the globs are ignored; fix them in the repository config)");
    }
    const std::vector<SourceFile>& files = tree_.files();
    files_.resize(files.size());
    asmRefs_.resize(files.size());
    std::vector<std::size_t> goIndex;
    for (std::size_t i = 0; i < files.size(); ++i)
      if (endsWith(files[i].path, ".go") && !ignoredByGo(files[i].path)) goIndex.push_back(i);
    if (goIndex.empty()) return std::move(result_);
    tree_.forEachFile(
        [](const SourceFile& f) {
          return !ignoredByGo(f.path) && (endsWith(f.path, ".go") || endsWith(f.path, ".s"));
        },
        [&](const SourceFile& f, const std::string& content) {
          const std::size_t idx = indexOf(f.path);  // each file its own slot: no lock
          if (endsWith(f.path, ".s")) {
            assemblyReferences(content, asmRefs_[idx]);
            return;
          }
          GoFile& g = files_[idx];
          g.nonUtf8 = !text::isValidUtf8(content);
          FileParser(content, g).run();
        });
    result_.stats.files = goIndex.size();
    merge(goIndex);
    report(goIndex);
    std::sort(result_.candidates.begin(), result_.candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.path, a.line, a.column, a.name) < std::tie(b.path, b.line, b.column, b.name);
    });
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

  struct Package {
    std::unordered_map<std::string, uint64_t> refs;
    std::unordered_set<std::string> receivers;  // type names with methods
    uint64_t files = 0;
    bool reflect = false;
    bool main = false;
  };

  void merge(const std::vector<std::size_t>& goIndex) {
    uint64_t unread = 0;
    for (std::size_t i : goIndex) {
      const GoFile& f = files_[i];
      if (!f.parsed) {
        ++unread;
        continue;
      }
      if (!f.error.empty()) ++result_.stats.parseErrors;
      if (f.generated) ++result_.stats.skippedGenerated;
      Package& p = packages_[std::string(dirOf(pathOf(i)))];
      ++p.files;
      p.reflect = p.reflect || f.importsReflect;
      if (f.package == "main" && !endsWith(pathOf(i), "_test.go")) p.main = true;
      for (const auto& [name, count] : f.refs) {
        p.refs[name] += count;
        globalRefs_[name] += count;
      }
      for (const std::string& t : f.linknameTargets) ++globalRefs_[t];
      for (const std::string& r : f.receiverNames) p.receivers.insert(r);
    }
    for (std::size_t i = 0; i < asmRefs_.size(); ++i) {
      for (const auto& [name, count] : asmRefs_[i]) {
        packages_[std::string(dirOf(pathOf(i)))].refs[name] += count;
        globalRefs_[name] += count;
      }
    }
    result_.stats.skippedHuge = unread;
    if (unread > 0)
      result_.warnings.push_back(std::to_string(unread) +
                                 " Go files not read (binary or over the size limit); their "
                                 "references are not counted");
    for (const auto& [dir, p] : packages_)
      if (p.main) result_.stats.entries.push_back((dir.empty() ? "." : dir) + " (package main)");
    std::sort(result_.stats.entries.begin(), result_.stats.entries.end());
  }

  static bool isTestRoot(const std::string& name) {
    for (std::string_view prefix : {"Test", "Benchmark", "Example", "Fuzz"}) {
      if (!startsWith(name, prefix)) continue;
      const std::string_view rest = std::string_view(name).substr(prefix.size());
      if (rest.empty() || !(rest[0] >= 'a' && rest[0] <= 'z')) return true;
    }
    return name == "TestMain";
  }

  void report(const std::vector<std::size_t>& goIndex) {
    uint64_t moduleFiles = goIndex.size();
    for (std::size_t i : goIndex) {
      const GoFile& f = files_[i];
      const std::string& path = pathOf(i);
      if (!f.parsed || f.generated) continue;
      if (!ignorePaths_.empty() && ignorePaths_.matches(path)) continue;
      const std::string dir(dirOf(path));
      const Package& pkg = packages_[dir];
      const bool test = endsWith(path, "_test.go");
      for (const GoDef& d : f.defs) {
        if (d.name == "_" || d.name == "init" || d.root) continue;
        if (d.name == "main" && f.package == "main") continue;
        if (test && isTestRoot(d.name)) continue;
        if (!ignoreNames_.empty() && ignoreNames_.matches(d.name)) continue;
        const bool exported = isExported(d.name);
        if (exported && (!isInternalDir(dir) || test)) continue;
        if (!exported) {
          const auto r = pkg.refs.find(d.name);
          if (r != pkg.refs.end() && r->second > 0) continue;
        } else {
          const auto r = globalRefs_.find(d.name);
          if (r != globalRefs_.end() && r->second > 0) continue;
        }
        addCandidate(i, f, d, pkg, exported, moduleFiles);
      }
    }
  }

  void addCandidate(std::size_t i, const GoFile& f, const GoDef& d, const Package& pkg, bool exported,
                    uint64_t moduleFiles) {
    Candidate c;
    c.kind = exported ? Kind::UnusedExport : Kind::UnusedSymbol;
    c.language = "go";
    c.path = pathOf(i);
    c.line = d.line;
    c.column = d.column;
    c.name = d.name;
    c.symbolKind = d.kind;
    const std::string dir(dirOf(c.path));
    double confidence;
    if (exported) {
      c.evidence.push_back("exported from internal package " + (dir.empty() ? "." : dir) +
                           ": only this repository can import it");
      c.evidence.push_back("no references in " + std::to_string(moduleFiles) +
                           " Go files of the repository (tests and all build tags included)");
      confidence = 0.75;
    } else {
      c.evidence.push_back("unexported: only package " + (dir.empty() ? "." : dir) + " can use it");
      c.evidence.push_back("no references in the " + std::to_string(pkg.files) +
                           " Go files of its package (tests and all build tags included)");
      confidence = (d.kind == "function" || d.kind == "type") ? 0.9 : 0.85;
    }
    c.evidence.push_back("not a root: no //go:linkname, //export or //go:embed, not main/init/a test");
    const bool hasMethods = d.kind == "type" && pkg.receivers.count(d.name) != 0;
    if (hasMethods)
      c.evidence.push_back("only the receivers of its own methods name it: they go with it");
    if (d.sideEffects) {
      confidence -= 0.15;
      c.doubts.push_back("its initializer calls a function: removing it would drop that call");
    }
    if (exported && pkg.reflect) {
      confidence -= 0.2;
      c.doubts.push_back("the package imports reflect: exported names may be reached by reflection");
    }
    if (!f.error.empty()) {
      confidence -= 0.3;
      c.doubts.push_back("syntax error in the file (" + f.error + "): parsed on a best-effort basis");
    }
    if (f.nonUtf8) {
      confidence -= 0.2;
      c.doubts.push_back("the file is not valid UTF-8");
    }
    c.confidence = std::clamp(confidence, 0.05, 1.0);
    // A type with methods is deleted only with them: no single-span removal.
    if (c.confidence >= 0.85 && !d.grouped && !d.sideEffects && !hasMethods && f.error.empty() &&
        !f.nonUtf8)
      c.removal = removalOf(i, d);
    result_.candidates.push_back(std::move(c));
  }

  // The declaration with its doc comment, and the blank line after it when one precedes it.
  std::optional<Removal> removalOf(std::size_t i, const GoDef& d) {
    const std::optional<std::string> content = tree_.read(tree_.files()[i]);
    if (!content || d.end > content->size() || d.begin >= d.end) return std::nullopt;
    const std::string& s = *content;
    std::size_t begin = d.begin;
    std::size_t end = d.end;
    const bool blankBefore = begin == 0 || (begin >= 2 && s[begin - 1] == '\n' && s[begin - 2] == '\n');
    if (blankBefore && end < s.size() && s[end] == '\n') {
      ++end;
    } else if (blankBefore && end >= s.size()) {
      // The last declaration: take the blank lines before it, so no blank line ends the file.
      while (begin >= 2 && s[begin - 1] == '\n' && s[begin - 2] == '\n') --begin;
    }
    Removal r;
    r.path = pathOf(i);
    r.offset = begin;
    r.length = end - begin;
    return r;
  }

  const SourceTree& tree_;
  const DeadcodeOptions& options_;
  PassResult result_;
  deprecations::GlobSet ignorePaths_, ignoreNames_;
  std::vector<GoFile> files_;
  std::vector<std::unordered_map<std::string, uint32_t>> asmRefs_;
  std::map<std::string, Package> packages_;
  std::unordered_map<std::string, uint64_t> globalRefs_;
};

}  // namespace

PassResult analyzeGo(const SourceTree& tree, const DeadcodeOptions& options) {
  return GoPass(tree, options).run();
}

}  // namespace ddd::analyzers::deadcode
