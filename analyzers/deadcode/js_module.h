#pragma once
// What one JavaScript/TypeScript file says about the module graph, read from its
// tokens (js_lexer.h): the modules it imports (static, dynamic, require, re-exports,
// new URL(..., import.meta.url), new Worker(...), jest/vi.mock), the names it exports
// with the byte spans needed to drop an `export` keyword or delete a declaration, and
// how often each identifier is referenced. Plain values; scanJsModule is thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ddd::analyzers::deadcode {

struct JsImport {
  enum class Kind : uint8_t {
    Static,      // import ... from 'x' / import 'x'
    ReExport,    // export { a } from 'x' / export * from 'x'
    Dynamic,     // import('x')
    Require,     // require('x')
    FileRef,     // new URL('x', import.meta.url), new Worker('x'), require.resolve, jest.mock
    Pattern,     // import(`./locales/${l}.js`): `specifier` is the static prefix
  };
  Kind kind = Kind::Static;
  std::string specifier;
  uint32_t line = 0;
  bool all = false;  // every export is used (namespace used as a value, require, import())
  bool star = false;  // export * from 'x' (names re-exported from x as they are)
  // Names taken: {imported name, local name}; for re-exports {name in x, exported name}.
  std::vector<std::pair<std::string, std::string>> names;
  std::string namespaceLocal;  // import * as ns / export * as ns: the local/exported name
};

struct JsExport {
  std::string name;        // exported name ("default" for export default)
  std::string local;       // local binding ("" when none: export default expression)
  std::string symbolKind;  // function, class, const, let, var, type, interface, enum, namespace, default
  uint32_t offset = 0;     // of the name (or of `export` when there is no name)
  uint32_t line = 0, column = 0;  // of offset, 1-based
  bool typeOnly = false;
  // Dropping `export`: replace [dropOffset, dropOffset+dropLength) with dropReplacement.
  uint32_t dropOffset = 0, dropLength = 0;
  std::string dropReplacement;
  bool canDrop = false;
  // Deleting the whole declaration (functions and classes whose extent is certain).
  std::optional<std::pair<uint32_t, uint32_t>> declarationSpan;  // {offset, length}
  bool fromList = false;  // export { a } (the declaration is elsewhere in the file)
  uint32_t selfReferences = 0;  // references the export statement itself adds (`export default a;`)
};

struct JsModuleInfo {
  std::vector<JsImport> imports;
  std::vector<JsExport> exports;
  // Identifier references outside import/export clauses and property positions
  // (`a.b`: a counts, b does not), declarations included.
  std::unordered_map<std::string, uint32_t> references;
  // Member names used on a namespace import: ns -> {a, b} for ns.a, ns.b; a namespace
  // used any other way is in namespacesUsedWhole.
  std::map<std::string, std::set<std::string>> namespaceMembers;
  std::set<std::string> namespacesUsedWhole;
  std::unordered_map<std::string, uint32_t> declarations;  // how many times each export is declared
  std::vector<std::string> strings;  // string literal values (deduplicated, for configs and doubts)
  bool commonJs = false;           // module.exports / exports.x: exports are not tracked
  std::vector<uint32_t> nonLiteralDynamic;  // lines of import(expr) / require(expr)
  uint32_t lexErrors = 0;
  std::string firstLexError;
};

// `jsx` as for lexJs. Never throws on any input.
JsModuleInfo scanJsModule(std::string_view text, bool jsx);

}  // namespace ddd::analyzers::deadcode
