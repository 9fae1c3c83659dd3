// libFuzzer target for the dead-code pass's JS/TS tokenizer and module scanner. The
// first byte picks JSX on or off, the rest is the file. Tokens must lie inside the
// text, ordered by start, and not overlap (a template's ${} tokens lie inside it); every export edit span must lie inside the text
// and start at an `export` keyword or inside an export list; nothing may read out of
// bounds (ASan), recurse without bound or hang. The whole pass (resolution, graph,
// reports) then runs on a small tree made of the input, and every removal it proposes
// must lie inside its file.

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzers/deadcode/js_lexer.h"
#include "analyzers/deadcode/js_module.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/source_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deadcode;
  if (size == 0) return 0;
  const bool jsx = data[0] & 1;
  const std::vector<char> file(data + 1, data + size);  // exactly the bytes, for ASan
  const std::string_view text(file.data(), file.size());

  const JsLexResult lexed = lexJs(text, jsx);
  uint64_t previousStart = 0, previousEnd = 0;
  bool previousTemplate = false;
  for (const JsToken& t : lexed.tokens) {
    if (t.offset < previousStart || uint64_t{t.offset} + t.length > text.size()) __builtin_trap();
    if (t.offset < previousEnd && !previousTemplate && t.kind != JsTokenKind::Template) __builtin_trap();
    if (t.kind != JsTokenKind::Template && t.length == 0) __builtin_trap();
    previousStart = t.offset;
    if (t.kind == JsTokenKind::Template) previousTemplate = true;
    if (t.offset >= previousEnd) previousTemplate = t.kind == JsTokenKind::Template;
    previousEnd = std::max<uint64_t>(previousEnd, t.offset + t.length);
  }
  if (lexed.errors > 0 && lexed.firstError.empty()) __builtin_trap();

  const JsModuleInfo info = scanJsModule(text, jsx);
  for (const JsExport& e : info.exports) {
    if (e.offset > text.size()) __builtin_trap();
    if (e.canDrop && uint64_t{e.dropOffset} + e.dropLength > text.size()) __builtin_trap();
    if (e.declarationSpan && uint64_t{e.declarationSpan->first} + e.declarationSpan->second > text.size())
      __builtin_trap();
  }
  // The pass over a tree: the input as an entry, as a module it imports, and as a config.
  const std::string content(text);
  ddd::analyzers::MemorySourceTree tree({
      {"package.json", R"({"name": "f", "main": "src/index.ts", "dependencies": {"a": "1", "b": "2"}})"},
      {"tsconfig.json", R"({"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}})"},
      {"src/index.ts", content},
      {"src/lib/util.tsx", content},
      {"vite.config.js", content},
      {"src/other.js", "import { x } from './index';\nexport * from '@/lib/util';\n"},
  }, ddd::analyzers::ScanLimits{1 << 20, 1});
  const PassResult r = analyzeJavaScript(tree, {});
  for (const Candidate& c : r.candidates) {
    if (!c.removal || c.removal->deleteFile) continue;
    const auto file = tree.read(ddd::analyzers::SourceFile{c.removal->path, "", 0100644});
    if (!file || c.removal->offset + c.removal->length > file->size()) __builtin_trap();
  }
  return 0;
}
