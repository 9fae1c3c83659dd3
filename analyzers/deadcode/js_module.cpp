#include "analyzers/deadcode/js_module.h"

#include <algorithm>

#include "analyzers/deadcode/js_lexer.h"

namespace ddd::analyzers::deadcode {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, const std::vector<JsToken>& tokens, JsModuleInfo& out)
      : s_(text), t_(tokens), out_(out), lines_(text) {}

  void run() {
    std::set<std::string> strings;
    int depth = 0;
    size_t k = 0;
    while (k < t_.size()) {
      const JsToken& tok = t_[k];
      if (tok.kind == JsTokenKind::String ||
          (tok.kind == JsTokenKind::Template && !tok.hasSubstitutions)) {
        if (!tok.value.empty() && tok.value.size() < 512) strings.insert(tok.value);
        ++k;
        continue;
      }
      if (tok.kind == JsTokenKind::Punct) {
        if (is(k, "{")) ++depth;
        else if (is(k, "}")) depth = std::max(0, depth - 1);
        ++k;
        continue;
      }
      if (tok.kind != JsTokenKind::Identifier) {
        ++k;
        continue;
      }
      const bool member = k > 0 && (is(k - 1, ".") || is(k - 1, "?."));
      const std::string_view w = text(k);
      size_t next = k + 1;
      if (!member) {
        if (w == "import") next = importAt(k);
        else if (w == "export" && depth == 0) next = exportAt(k);
        else if (w == "require") next = requireAt(k);
        else if (w == "new") next = newAt(k);
        else if ((w == "jest" || w == "vi") && is(k + 1, ".") && ident(k + 2) &&
                 (text(k + 2) == "mock" || text(k + 2) == "doMock" ||
                  text(k + 2) == "requireActual" || text(k + 2) == "importActual") &&
                 is(k + 3, "(") && str(k + 4)) {
          addFileRef(k + 4);
        } else if (w == "importScripts" && is(k + 1, "(") && str(k + 2)) {
          addFileRef(k + 2);
        } else if (w == "module" && is(k + 1, ".") && ident(k + 2) && text(k + 2) == "exports") {
          out_.commonJs = true;
        } else if (w == "exports" && (is(k + 1, ".") || is(k + 1, "=")) && !(k > 0 && is(k - 1, ":"))) {
          out_.commonJs = true;
        }
      } else if (w == "register" && k >= 2 && ident(k - 2) && text(k - 2) == "serviceWorker" &&
                 is(k + 1, "(") && str(k + 2)) {
        addFileRef(k + 2);
      }
      if (next == k + 1 && !member) ++out_.references[std::string(w)];
      k = std::max(next, k + 1);
    }
    out_.strings.assign(strings.begin(), strings.end());
    namespaceUses();
    for (auto& e : out_.exports) {
      e.line = lines_.line(e.offset);
      e.column = lines_.column(e.offset);
    }
  }

 private:
  std::string_view s_;
  const std::vector<JsToken>& t_;
  JsModuleInfo& out_;
  LineIndex lines_;

  std::string_view text(size_t k) const { return k < t_.size() ? tokenText(s_, t_[k]) : std::string_view(); }
  bool is(size_t k, std::string_view p) const {
    return k < t_.size() && t_[k].kind == JsTokenKind::Punct && tokenText(s_, t_[k]) == p;
  }
  bool ident(size_t k) const { return k < t_.size() && t_[k].kind == JsTokenKind::Identifier; }
  bool word(size_t k, std::string_view w) const { return ident(k) && text(k) == w; }
  bool str(size_t k) const {
    return k < t_.size() && (t_[k].kind == JsTokenKind::String ||
                             (t_[k].kind == JsTokenKind::Template && !t_[k].hasSubstitutions));
  }
  uint32_t lineOf(size_t k) const { return k < t_.size() ? lines_.line(t_[k].offset) : lines_.line(static_cast<uint32_t>(s_.size())); }
  uint32_t end(size_t k) const { return t_[k].offset + t_[k].length; }

  void addFileRef(size_t k) {
    JsImport im;
    im.kind = JsImport::Kind::FileRef;
    im.specifier = t_[k].value;
    im.line = lineOf(k);
    out_.imports.push_back(std::move(im));
  }

  // A module name in an import/export clause: identifier, keyword or string.
  bool nameAt(size_t k) const { return ident(k) || (k < t_.size() && t_[k].kind == JsTokenKind::String); }
  std::string nameText(size_t k) const {
    return t_[k].kind == JsTokenKind::String ? t_[k].value : std::string(text(k));
  }

  // `{ a, b as c, type d }` from k (at `{`); returns the index after `}`.
  size_t specifiers(size_t k, std::vector<std::pair<std::string, std::string>>& names,
                    std::vector<std::pair<size_t, size_t>>* spans = nullptr) {
    ++k;
    while (k < t_.size() && !is(k, "}")) {
      if (is(k, ",")) {
        ++k;
        continue;
      }
      const size_t first = k;
      if (word(k, "type") && nameAt(k + 1) && !word(k + 1, "as")) ++k;
      else if (word(k, "type") && word(k + 1, "as") && word(k + 2, "as")) ++k;  // type as as x
      if (!nameAt(k)) {
        ++k;
        continue;
      }
      std::string a = nameText(k);
      std::string b = a;
      size_t last = k;
      if (word(k + 1, "as") && nameAt(k + 2)) {
        b = nameText(k + 2);
        last = k + 2;
      }
      names.emplace_back(std::move(a), std::move(b));
      if (spans) spans->emplace_back(first, last);
      k = last + 1;
    }
    return k < t_.size() ? k + 1 : k;
  }

  size_t importAt(size_t k) {
    if (is(k + 1, "(")) return dynamicImport(k, k + 2);
    if (is(k + 1, ".")) return k + 1;  // import.meta
    JsImport im;
    im.kind = JsImport::Kind::Static;
    im.line = lineOf(k);
    size_t j = k + 1;
    if (word(j, "type") && (ident(j + 1) || is(j + 1, "{") || is(j + 1, "*")) && !word(j + 1, "from")) ++j;
    if (str(j)) {  // import 'x'
      im.specifier = t_[j].value;
      out_.imports.push_back(std::move(im));
      return j + 1;
    }
    if (ident(j) && !word(j, "from") ? true : (word(j, "from") && word(j + 1, "from"))) {
      const std::string local(text(j));
      if (is(j + 1, "=")) {  // import x = require('y') / import x = A.B
        if (word(j + 2, "require") && is(j + 3, "(") && str(j + 4)) {
          im.kind = JsImport::Kind::Require;
          im.specifier = t_[j + 4].value;
          im.namespaceLocal = local;
          out_.imports.push_back(std::move(im));
          return j + 5;
        }
        return j + 1;
      }
      im.names.emplace_back("default", local);
      ++j;
      if (is(j, ",")) ++j;
    }
    if (is(j, "*") && word(j + 1, "as") && ident(j + 2)) {
      im.namespaceLocal = std::string(text(j + 2));
      j += 3;
    } else if (is(j, "{")) {
      j = specifiers(j, im.names);
    }
    if (word(j, "from") && str(j + 1)) {
      im.specifier = t_[j + 1].value;
      out_.imports.push_back(std::move(im));
      return j + 2;
    }
    return k + 1;  // not an import declaration after all; count nothing special
  }

  // A computed argument that names a data file (`require(path.resolve(dir, 'package.json'))`)
  // loads data, not a module of the graph.
  bool loadsData(size_t open) const {
    const size_t close = matching(open);
    for (size_t j = open + 1; j < t_.size() && j < close && j < open + 64; ++j) {
      if (!str(j)) continue;
      const std::string& v = t_[j].value;
      for (std::string_view ext : {".json", ".node", ".wasm", ".txt", ".css", ".html", ".md", ".yml", ".yaml", ".csv"}) {
        if (v.size() >= ext.size() && v.compare(v.size() - ext.size(), ext.size(), ext) == 0) return true;
      }
    }
    return false;
  }

  size_t dynamicImport(size_t k, size_t arg) {
    JsImport im;
    im.line = lineOf(k);
    if (str(arg) && (is(arg + 1, ")") || is(arg + 1, ","))) {
      im.kind = JsImport::Kind::Dynamic;
      im.specifier = t_[arg].value;
      im.all = true;
      out_.imports.push_back(std::move(im));
      return arg + 1;
    }
    if (arg < t_.size() && t_[arg].kind == JsTokenKind::Template && t_[arg].hasSubstitutions &&
        !t_[arg].value.empty()) {
      im.kind = JsImport::Kind::Pattern;
      im.specifier = t_[arg].value;
      im.all = true;
      out_.imports.push_back(std::move(im));
      return arg + 1;
    }
    if (!loadsData(arg - 1)) out_.nonLiteralDynamic.push_back(im.line);
    return k + 1;
  }

  size_t requireAt(size_t k) {
    if (is(k + 1, ".") && word(k + 2, "resolve") && is(k + 3, "(") && str(k + 4)) {
      addFileRef(k + 4);
      return k + 5;
    }
    if (!is(k + 1, "(")) return k + 1;
    if (!(str(k + 2) && is(k + 3, ")"))) {
      if (!is(k + 2, ")") && !loadsData(k + 1)) out_.nonLiteralDynamic.push_back(lineOf(k));
      return k + 1;
    }
    JsImport im;
    im.kind = JsImport::Kind::Require;
    im.specifier = t_[k + 2].value;
    im.line = lineOf(k);
    if (is(k + 4, ".") && ident(k + 5)) {
      im.names.emplace_back(std::string(text(k + 5)), std::string(text(k + 5)));
    } else if (k >= 2 && is(k - 1, "=") && ident(k - 2) && k >= 3 &&
               (word(k - 3, "const") || word(k - 3, "let") || word(k - 3, "var"))) {
      im.namespaceLocal = std::string(text(k - 2));
    } else if (k >= 2 && is(k - 1, "=") && is(k - 2, "}")) {
      // const { a, b: c } = require('x')
      size_t j = k - 2;
      std::vector<std::string> names;
      bool ok = false;
      while (j > 0) {
        --j;
        if (is(j, "{")) {
          ok = true;
          break;
        }
        if (ident(j) && (is(j + 1, ",") || is(j + 1, "}") || is(j + 1, ":") || is(j + 1, "="))) {
          if (!(j > 0 && is(j - 1, ":"))) names.emplace_back(text(j));
        } else if (!ident(j) && !is(j, ",") && !is(j, ":") && !is(j, "=")) {
          if (t_[j].kind != JsTokenKind::Number && t_[j].kind != JsTokenKind::String) break;
        }
      }
      if (ok) {
        for (auto& n : names) im.names.emplace_back(n, n);
      } else {
        im.all = true;
      }
    } else {
      im.all = true;
    }
    out_.imports.push_back(std::move(im));
    return k + 4;
  }

  size_t newAt(size_t k) {
    if (word(k + 1, "URL") && is(k + 2, "(") && str(k + 3) && is(k + 4, ",") &&
        word(k + 5, "import") && is(k + 6, ".") && word(k + 7, "meta")) {
      addFileRef(k + 3);
      return k + 1;
    }
    if ((word(k + 1, "Worker") || word(k + 1, "SharedWorker")) && is(k + 2, "(") && str(k + 3)) {
      addFileRef(k + 3);
      return k + 1;
    }
    return k + 1;
  }

  // The offset where the statement starting at token k really starts, taking a JSDoc
  // comment right above it and the line's indentation, so a deletion leaves no hole.
  uint32_t deletionStart(uint32_t offset) const {
    size_t i = offset;
    while (i > 0 && (s_[i - 1] == ' ' || s_[i - 1] == '\t')) --i;
    if (!(i == 0 || s_[i - 1] == '\n')) return offset;
    size_t j = i;
    while (j > 0 && (s_[j - 1] == '\n' || s_[j - 1] == '\r' || s_[j - 1] == ' ' || s_[j - 1] == '\t')) --j;
    // at most one line break between the comment and the declaration
    if (j >= 2 && s_.substr(j - 2, 2) == "*/" && std::count(s_.begin() + static_cast<std::ptrdiff_t>(j), s_.begin() + static_cast<std::ptrdiff_t>(i), '\n') <= 1) {
      const size_t open = s_.rfind("/**", j - 2);
      if (open != std::string_view::npos && s_.substr(open, j - open).find("*/") == j - 2 - open) {
        size_t m = open;
        while (m > 0 && (s_[m - 1] == ' ' || s_[m - 1] == '\t')) --m;
        if (m == 0 || s_[m - 1] == '\n') return static_cast<uint32_t>(m);
      }
    }
    return static_cast<uint32_t>(i);
  }
  uint32_t deletionEnd(uint32_t offset) const {
    size_t i = offset;
    if (i < s_.size() && s_[i] == ';') ++i;
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t')) ++i;
    if (i < s_.size() && s_[i] == '\r') ++i;
    if (i < s_.size() && s_[i] == '\n') return static_cast<uint32_t>(i + 1);
    return offset;
  }

  // Index of the token closing the bracket opened at k (same kind), or npos.
  size_t matching(size_t k) const {
    const std::string_view open = text(k);
    const std::string_view close = open == "(" ? ")" : open == "{" ? "}" : "]";
    int d = 0;
    for (size_t j = k; j < t_.size(); ++j) {
      if (t_[j].kind != JsTokenKind::Punct) continue;
      const std::string_view p = tokenText(s_, t_[j]);
      if (p == open) ++d;
      else if (p == close && --d == 0) return j;
    }
    return std::string::npos;
  }

  // The extent of `function name(...) {...}` or `class name ... {...}` starting at kw.
  std::optional<size_t> declarationEnd(size_t kw, bool isClass) const {
    size_t j = kw + 1;
    if (is(j, "*")) ++j;
    if (!ident(j)) return std::nullopt;
    ++j;
    if (isClass) {
      for (; j < t_.size() && !is(j, "{"); ++j) {
        if (is(j, "<") || is(j, ";")) return std::nullopt;
        if (is(j, "(")) {
          j = matching(j);
          if (j == std::string::npos) return std::nullopt;
        }
      }
    } else {
      if (!is(j, "(")) return std::nullopt;
      j = matching(j);
      if (j == std::string::npos) return std::nullopt;
      ++j;
    }
    if (!is(j, "{")) return std::nullopt;
    const size_t close = matching(j);
    if (close == std::string::npos) return std::nullopt;
    return close;
  }

  size_t exportAt(size_t k) {
    const uint32_t exportOffset = t_[k].offset;
    size_t j = k + 1;
    bool typeOnly = false;
    if (word(j, "type") && (is(j + 1, "{") || is(j + 1, "*"))) {
      typeOnly = true;
      ++j;
    }
    // export * from 'x' / export * as ns from 'x'
    if (is(j, "*")) {
      JsImport im;
      im.kind = JsImport::Kind::ReExport;
      im.line = lineOf(k);
      size_t m = j + 1;
      if (word(m, "as") && nameAt(m + 1)) {
        im.namespaceLocal = nameText(m + 1);
        m += 2;
      } else {
        im.star = true;
      }
      if (word(m, "from") && str(m + 1)) {
        im.specifier = t_[m + 1].value;
        if (!im.namespaceLocal.empty()) im.all = true;
        out_.imports.push_back(std::move(im));
        if (!out_.imports.back().namespaceLocal.empty()) {
          JsExport e;
          e.name = out_.imports.back().namespaceLocal;
          e.symbolKind = "namespace";
          e.offset = t_[m - 1].offset;
          out_.exports.push_back(std::move(e));
        }
        return m + 2;
      }
      return m;
    }
    if (is(j, "{")) {
      std::vector<std::pair<std::string, std::string>> names;
      std::vector<std::pair<size_t, size_t>> spans;
      const size_t after = specifiers(j, names, &spans);
      if (word(after, "from") && str(after + 1)) {
        JsImport im;
        im.kind = JsImport::Kind::ReExport;
        im.line = lineOf(k);
        im.specifier = t_[after + 1].value;
        im.names = names;
        out_.imports.push_back(std::move(im));
        for (size_t n = 0; n < names.size(); ++n) {
          JsExport e;
          e.name = names[n].second;
          e.symbolKind = "reexport";
          e.offset = t_[spans[n].first].offset;
          e.typeOnly = typeOnly;
          e.local = "";  // re-exported, no local binding
          out_.exports.push_back(std::move(e));
        }
        return after + 2;
      }
      // A local list: export { a, b as c }
      const size_t close = after - 1;
      for (size_t n = 0; n < names.size(); ++n) {
        JsExport e;
        e.name = names[n].second;
        e.local = names[n].first;
        e.symbolKind = "binding";
        e.offset = t_[spans[n].first].offset;
        e.typeOnly = typeOnly;
        e.fromList = true;
        e.canDrop = true;
        if (names.size() == 1) {
          uint32_t stmtEnd = end(close);
          const uint32_t start = deletionStart(exportOffset);
          uint32_t stop = deletionEnd(stmtEnd);
          if (stop == stmtEnd && is(close + 1, ";")) stop = deletionEnd(end(close + 1));
          if (stop == stmtEnd && is(close + 1, ";")) stop = end(close + 1);
          e.dropOffset = start;
          e.dropLength = stop - start;
        } else if (n + 1 < names.size()) {
          e.dropOffset = t_[spans[n].first].offset;
          e.dropLength = t_[spans[n + 1].first].offset - e.dropOffset;
        } else {
          e.dropOffset = end(spans[n - 1].second);
          e.dropLength = end(spans[n].second) - e.dropOffset;
        }
        out_.exports.push_back(std::move(e));
      }
      return after;
    }
    if (is(j, "=")) {  // export = x (TypeScript CommonJS)
      out_.commonJs = true;
      return j + 1;
    }
    if (word(j, "as") || word(j, "import")) return j + 1;  // export as namespace X; export import
    JsExport e;
    size_t m = j;
    bool isDefault = false;
    if (word(m, "default")) {
      isDefault = true;
      ++m;
    }
    while (word(m, "declare") || word(m, "async") || word(m, "abstract")) ++m;
    const size_t kw = m;
    std::string kind(text(kw));
    if (kind == "const" && word(kw + 1, "enum")) {
      kind = "enum";
      ++m;
    }
    ++m;  // past the keyword
    if (kind == "function" && is(m, "*")) ++m;
    const bool declKeyword = kind == "function" || kind == "class" || kind == "const" || kind == "let" ||
                             kind == "var" || kind == "type" || kind == "interface" || kind == "enum" ||
                             kind == "namespace" || kind == "module";
    e.dropOffset = exportOffset;
    if (isDefault) {
      e.name = "default";
      e.symbolKind = "default";
      if ((kind == "function" || kind == "class") && ident(m)) {
        e.local = std::string(text(m));
        e.symbolKind = kind;
        e.canDrop = true;
        e.dropLength = t_[j + 1].offset - exportOffset;  // "export default "
      } else if (ident(j + 1) && (is(j + 2, ";") || j + 2 >= t_.size() || t_[j + 2].newlineBefore) &&
                 !declKeyword) {
        e.local = std::string(text(j + 1));  // export default Foo;
        e.selfReferences = 1;
      }
      e.offset = exportOffset;
      out_.exports.push_back(std::move(e));
      return j + 1;
    }
    if (!declKeyword) return j;
    e.symbolKind = kind;
    e.typeOnly = kind == "type" || kind == "interface";
    e.canDrop = true;
    e.dropLength = t_[j].offset - exportOffset;  // "export "
    if (ident(m)) {
      e.name = std::string(text(m));
      e.local = e.name;
      e.offset = t_[m].offset;
      ++out_.declarations[e.name];
      if (kind == "function" || kind == "class") {
        if (auto close = declarationEnd(kw, kind == "class")) {
          const uint32_t start = deletionStart(exportOffset);
          const uint32_t stop = deletionEnd(end(*close));
          e.declarationSpan = std::make_pair(start, stop - start);
        }
      }
      // the name token is counted as a reference by the main loop (declaration site)
      out_.exports.push_back(std::move(e));
      return m;
    }
    if ((is(m, "{") || is(m, "[")) && (kind == "const" || kind == "let" || kind == "var")) {
      // export const { a, b: c } = obj: the bound names
      const size_t close = matching(m);
      if (close == std::string::npos) return m;
      for (size_t n = m + 1; n < close; ++n) {
        if (ident(n) && !is(n + 1, ":") && (is(n + 1, ",") || is(n + 1, "}") || is(n + 1, "]") || is(n + 1, "="))) {
          JsExport d = e;
          d.name = std::string(text(n));
          d.local = d.name;
          d.offset = t_[n].offset;
          d.canDrop = false;  // several names share the keyword
          ++out_.declarations[d.name];
          out_.exports.push_back(std::move(d));
        }
      }
      return m;
    }
    return m;
  }

  void namespaceUses() {
    std::set<std::string> locals;
    for (const auto& im : out_.imports) {
      if (!im.namespaceLocal.empty() && im.kind != JsImport::Kind::ReExport) locals.insert(im.namespaceLocal);
    }
    if (locals.empty()) return;
    for (size_t k = 0; k < t_.size(); ++k) {
      if (!ident(k) || (k > 0 && (is(k - 1, ".") || is(k - 1, "?.")))) continue;
      const std::string name(text(k));
      if (!locals.count(name)) continue;
      // The declaration itself: import * as ns / const ns = require(...) / import ns = require
      if (k > 0 && word(k - 1, "as")) continue;
      if (is(k + 1, "=") && k > 0 && (word(k - 1, "const") || word(k - 1, "let") || word(k - 1, "var") || word(k - 1, "import"))) continue;
      if ((is(k + 1, ".") || is(k + 1, "?.")) && ident(k + 2)) {
        out_.namespaceMembers[name].insert(std::string(text(k + 2)));
      } else if (is(k + 1, "[") && str(k + 2) && is(k + 3, "]")) {
        out_.namespaceMembers[name].insert(t_[k + 2].value);
      } else {
        out_.namespacesUsedWhole.insert(name);
      }
    }
  }
};

}  // namespace

JsModuleInfo scanJsModule(std::string_view text, bool jsx) {
  JsModuleInfo info;
  const JsLexResult lexed = lexJs(text, jsx);
  info.lexErrors = lexed.errors;
  info.firstLexError = lexed.firstError;
  Scanner(text, lexed.tokens, info).run();
  return info;
}

}  // namespace ddd::analyzers::deadcode
